import { createHash } from 'node:crypto';
import { headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import {
  HEADERS,
  decodeTrace,
  encodeTrace,
  type AxisLinkAckRequest,
  type AxisLinkInboxReply,
  type AxisLinkInboxRequest,
  type AxisLinkSendReply,
  type ListAgenciesReply,
  type ListAgenciesRequest,
  type MessageType,
  type ReplyEnvelope,
} from '#contracts';
import { axisLinkSubject, type AxisLinkOp } from './axis-link.subjects.js';
import { isTransientParentFailure } from './link-errors.js';
import {
  ParentLinkError,
  type ParentAgencyPage,
  type ParentInboxItem,
  type ParentLink,
  type ParentPackage,
  type ParentSendInput,
} from './parent-link.js';

/** Page size of the inbox call (the national axis's maximum). */
const PAGE = 1000;

export interface NatsParentLinkOptions {
  /** This axis's code on the link (`H41`): its subjects are dx.axis.<code>.*. */
  code: string;
  timeoutMs?: number;
}

/**
 * The NATS driver: the connector asks the national axis over this axis's own NATS server, which is a leafnode
 * of the national one. Requests go to dx.axis.<code>.<op>; the leafnode user of this axis may publish only
 * there, which is how the national axis knows who is asking. Packages travel as raw bytes with Dx-* headers;
 * every other answer is a JSON ReplyEnvelope. No answer (link down: "no responders", or a timeout) is transient.
 */
export class NatsParentLink implements ParentLink {
  private readonly timeoutMs: number;

  constructor(
    private readonly nc: NatsConnection,
    private readonly options: NatsParentLinkOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  async send(bytes: Uint8Array, input: ParentSendInput): Promise<{ docId: string; duplicate: boolean }> {
    const h = natsHeaders();
    h.set(HEADERS.from, input.from);
    h.set(HEADERS.messageType, input.messageType);
    h.set(HEADERS.to, JSON.stringify(input.to));
    h.set(HEADERS.sha256, createHash('sha256').update(bytes).digest('hex'));
    h.set(HEADERS.trace, encodeTrace(input.trace));
    const reply = await this.call('send', bytes, h);
    return envelope<AxisLinkSendReply>(reply, 'send');
  }

  async inbox(messageType: MessageType, maxItems: number): Promise<ParentInboxItem[]> {
    const out: ParentInboxItem[] = [];
    let after: string | undefined;
    do {
      const req: AxisLinkInboxRequest = { messageType, limit: PAGE, ...(after ? { after } : {}) };
      const page = envelope<AxisLinkInboxReply>(await this.call('inbox', json(req)), 'inbox');
      for (const i of page.items) out.push({ id: i.id, to: i.to, messageType: i.messageType });
      after = page.next;
    } while (after && out.length < maxItems);
    return out;
  }

  async fetch(id: string): Promise<ParentPackage> {
    const reply = await this.call('fetch', json({ id }));
    // A package answers with its hash header; anything else is an error envelope.
    const sha = reply.headers?.get(HEADERS.sha256);
    if (!sha) {
      envelope<never>(reply, `fetch ${id}`);
      throw new ParentLinkError('BAD_RESPONSE', `fetch ${id}: neither a package nor an error`, true);
    }
    const content = Buffer.from(reply.data);
    if (createHash('sha256').update(content).digest('hex') !== sha) {
      throw new ParentLinkError('BAD_RESPONSE', `fetch ${id}: the package does not match its hash`, true);
    }
    return { content, trace: decodeTrace(reply.headers?.get(HEADERS.trace)) };
  }

  async acknowledge(id: string, status: 'done' | 'fail'): Promise<void> {
    const req: AxisLinkAckRequest = { id, status };
    envelope(await this.call('ack', json(req)), `ack ${id} ${status}`);
  }

  async agencies(query: { sinceVersion: number; after?: string; limit: number }): Promise<ParentAgencyPage> {
    const req: ListAgenciesRequest = {
      sinceVersion: query.sinceVersion,
      limit: query.limit,
      ...(query.after ? { after: query.after } : {}),
    };
    const page = envelope<ListAgenciesReply>(await this.call('agencies', json(req)), 'agencies');
    return { items: page.agencies, next: page.next, version: page.version };
  }

  private async call(op: AxisLinkOp, data: Uint8Array, h?: ReturnType<typeof natsHeaders>): Promise<Msg> {
    const subject = axisLinkSubject(op, this.options.code);
    try {
      return await this.nc.request(subject, data, { timeout: this.timeoutMs, ...(h ? { headers: h } : {}) });
    } catch (e) {
      throw new ParentLinkError('UNAVAILABLE', `${subject}: ${(e as Error).message}`, true);
    }
  }
}

const json = (v: unknown): Uint8Array => Buffer.from(JSON.stringify(v));

/** The data of an OK envelope, or the national axis's refusal as a ParentLinkError. */
function envelope<T>(m: Msg, what: string): T {
  let env: ReplyEnvelope<T>;
  try {
    env = m.json<ReplyEnvelope<T>>();
  } catch {
    throw new ParentLinkError('BAD_RESPONSE', `${what}: the answer is not a JSON envelope`, true);
  }
  if (env.ok) return env.data;
  const code = env.error?.code ?? 'INTERNAL';
  const transient = isTransientParentFailure(code, code === 'INTERNAL' ? 500 : 400);
  throw new ParentLinkError(code, `${what}: ${code}: ${env.error?.message ?? ''}`, transient);
}
