import type { NatsConnection } from '@nats-io/transport-node';
import { DxError, type ReplyEnvelope, type RequestMap } from '#contracts';

/** Typed request/reply against a docaxis service; a failure reply becomes a DxError with the service's code. */
export async function request<S extends keyof RequestMap>(
  nc: NatsConnection,
  subject: S,
  payload: RequestMap[S]['request'],
  timeoutMs = 5000,
): Promise<RequestMap[S]['reply']> {
  let reply;
  try {
    reply = await nc.request(subject, JSON.stringify(payload), { timeout: timeoutMs });
  } catch (e) {
    throw new DxError('UNAVAILABLE', `${subject}: ${(e as Error).message}`, 503, true);
  }
  const env = reply.json<ReplyEnvelope<RequestMap[S]['reply']>>();
  if (!env.ok) throw new DxError(env.error.code, env.error.message);
  return env.data;
}
