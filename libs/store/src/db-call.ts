import { DxError } from '#contracts';

/**
 * Runs a database call for a bus consumer: a failure that is not already a DxError (connection lost, lock
 * timeout, Postgres restarting) becomes a transient UNAVAILABLE, so the message is retried with back-off.
 */
export async function dbCall<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof DxError) throw e;
    throw new DxError('UNAVAILABLE', `${what}: ${(e as Error).message}`, 503, true);
  }
}
