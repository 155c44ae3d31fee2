import { DocaxisClientError } from '#sdk-client';

/** The error `p` rejects with, which must be a `type` (a DocaxisClientError unless given); fails otherwise. */
export async function failure<E extends Error = DocaxisClientError>(
  p: Promise<unknown>,
  type: abstract new (...args: never[]) => E = DocaxisClientError as never,
): Promise<E> {
  try {
    await p;
  } catch (e) {
    if (e instanceof type) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}
