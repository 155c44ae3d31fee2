import type { Msg, MsgHdrs, NatsConnection, Subscription } from '@nats-io/transport-node';
import { DxError, type ReplyEnvelope } from '#contracts';

/** The answer to one request: a ReplyEnvelope as JSON, or raw bytes with headers (a package). */
export interface RequestReply {
  data: Uint8Array;
  headers?: MsgHdrs;
}

/** A successful ReplyEnvelope carrying `data`. */
export const okReply = (data: unknown): RequestReply => ({
  data: Buffer.from(JSON.stringify({ ok: true, data } satisfies ReplyEnvelope<unknown>)),
});

/**
 * Answers every request on `subject` (wildcards allowed) from a core NATS queue group with `handle`'s reply;
 * a failure is answered as a ReplyEnvelope with the DxError code (INTERNAL, and logged, for anything else), so
 * the caller always gets an answer instead of a timeout.
 */
export function serveRequests(
  nc: NatsConnection,
  subject: string,
  queue: string,
  handle: (m: Msg) => Promise<RequestReply>,
  logger: { error(message: string): unknown },
): Subscription {
  return nc.subscribe(subject, {
    queue,
    callback: (err, m) => {
      if (err) return void logger.error(`subscription ${subject}: ${err.message}`);
      void answer(m, handle, logger);
    },
  });
}

async function answer(
  m: Msg,
  handle: (m: Msg) => Promise<RequestReply>,
  logger: { error(message: string): unknown },
): Promise<void> {
  try {
    const reply = await handle(m);
    m.respond(reply.data, reply.headers ? { headers: reply.headers } : undefined);
  } catch (e) {
    if (!(e instanceof DxError)) logger.error(`${m.subject}: ${(e as Error)?.stack ?? String(e)}`);
    const env: ReplyEnvelope<never> = { ok: false, error: toReplyError(e) };
    m.respond(JSON.stringify(env));
  }
}

export function toReplyError(e: unknown): { code: string; message: string } {
  if (e instanceof DxError) return { code: e.code, message: e.message };
  // Nest wraps handler errors in RpcException-like objects; keep a stable code for anything unexpected.
  const err = e as { code?: unknown; message?: unknown; error?: { code?: string; message?: string } };
  if (err?.error?.code) return { code: err.error.code, message: err.error.message ?? '' };
  return { code: 'INTERNAL', message: typeof err?.message === 'string' ? err.message : 'internal error' };
}

/** A request body that must be a JSON object (an empty body is `{}`); BAD_REQUEST otherwise. */
export function requestObject(data: Uint8Array): object {
  if (!data.length) return {};
  try {
    const v: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    // answered below
  }
  throw new DxError('BAD_REQUEST', 'the request must be a JSON object');
}
