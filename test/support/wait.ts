/** Polls `probe` every 100 ms until it returns a value; fails naming `what` after `ms`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | false | null | undefined>,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
