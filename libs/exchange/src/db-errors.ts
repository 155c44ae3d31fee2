import { DxError } from '#contracts';

// Postgres SQLSTATE classes 08 (connection), 53 (resources) and 57P (shutdown), and socket-level failures:
// the database is unreachable or overloaded, which the client should retry, not a bug to report as INTERNAL.
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

export function isDatabaseUnavailable(e: unknown): boolean {
  const err = e as { code?: unknown; driverError?: { code?: unknown }; message?: unknown } | null;
  const code = String(err?.driverError?.code ?? err?.code ?? '');
  if (TRANSIENT_CODES.has(code) || code.startsWith('08') || code.startsWith('53') || code.startsWith('57P')) {
    return true;
  }
  const message = typeof err?.message === 'string' ? err.message : '';
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(message);
}

/** Runs a database call; an unreachable database becomes a transient 503 UNAVAILABLE, other errors pass. */
export async function withDatabase<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DxError || !isDatabaseUnavailable(e)) throw e;
    throw new DxError('UNAVAILABLE', `database unavailable while ${what}; retry`, 503, true);
  }
}
