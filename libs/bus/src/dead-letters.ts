import { headers as natsHeaders } from '@nats-io/nats-core';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { HEADERS, STREAMS, deadLetterSubject, DxError } from '#contracts';
import type { BusMessage } from './bus.message.js';

/** Copies a message a consumer gave up on into the dead-letter stream, with why and after how many tries. */
export async function publishDeadLetter(
  js: JetStreamClient,
  consumer: string,
  msg: BusMessage,
  error: unknown,
): Promise<void> {
  const h = natsHeaders();
  for (const [k, v] of Object.entries(msg.headers)) if (k !== HEADERS.msgId) h.set(k, v);
  h.set(HEADERS.dlqConsumer, consumer);
  h.set(HEADERS.dlqSubject, msg.subject);
  const text =
    error instanceof DxError ? `${error.code}: ${error.message}` : String((error as Error)?.message ?? error);
  h.set(HEADERS.dlqError, encodeURIComponent(text.slice(0, 1000)));
  h.set(HEADERS.dlqDeliveries, String(msg.deliveryCount));
  await js.publish(deadLetterSubject(consumer), msg.data, {
    headers: h,
    msgID: `${consumer}:${msg.streamSequence}`,
  });
}

export interface DeadLetter {
  seq: number;
  consumer: string;
  subject: string;
  error: string;
  deliveries: number;
  headers: Record<string, string>;
  size: number;
  time: string;
}

/** Lists dead letters (oldest first) for operators: `docaxis dlq list`. */
export async function listDeadLetters(jsm: JetStreamManager, limit = 100): Promise<DeadLetter[]> {
  const name = STREAMS.deadLetters.name;
  const info = await jsm.streams.info(name);
  const out: DeadLetter[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && out.length < limit; seq++) {
    const m = await jsm.streams.getMessage(name, { seq }).catch(() => null);
    if (!m) continue;
    const headers: Record<string, string> = {};
    for (const k of m.header?.keys() ?? []) headers[k] = m.header.get(k);
    out.push({
      seq,
      consumer: headers[HEADERS.dlqConsumer] ?? '',
      subject: headers[HEADERS.dlqSubject] ?? '',
      error: decodeURIComponent(headers[HEADERS.dlqError] ?? ''),
      deliveries: Number(headers[HEADERS.dlqDeliveries] ?? 0),
      headers,
      size: m.data.length,
      time: m.time.toISOString(),
    });
  }
  return out;
}

/** Re-publishes a dead letter on its original subject (consumers are idempotent) and removes it from the DLQ. */
export async function replayDeadLetter(
  js: JetStreamClient,
  jsm: JetStreamManager,
  seq: number,
): Promise<string> {
  const name = STREAMS.deadLetters.name;
  const m = await jsm.streams.getMessage(name, { seq });
  if (!m) throw new Error(`no dead letter ${seq}`);
  const subject = m.header.get(HEADERS.dlqSubject);
  if (!subject) throw new Error(`dead letter ${seq} has no ${HEADERS.dlqSubject}`);
  const h = natsHeaders();
  for (const k of m.header.keys()) if (!k.startsWith('Dx-Dlq-')) h.set(k, m.header.get(k));
  await js.publish(subject, m.data, { headers: h, msgID: `replay:${name}:${seq}` });
  await jsm.streams.deleteMessage(name, seq);
  return subject;
}
