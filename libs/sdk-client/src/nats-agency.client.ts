import { createHash } from 'node:crypto';
import { connect, headers as natsHeaders, type Msg, type NatsConnection } from '@nats-io/transport-node';
import {
  HEADERS,
  agencyNatsSubject,
  decodeTrace,
  type AgencyNatsOp,
  type AgencySendReply,
  type ReplyEnvelope,
} from '#contracts';
import { DocaxisClientError } from './docaxis.client.js';
import {
  SEND_HEADERS,
  SERVICE_TYPE,
  type EdocView,
  type ReceivedItem,
  type StatusUpdateResult,
  type TraceHop,
  type TransportStatus,
} from './sdk.protocol.js';

export interface NatsAgencyClientOptions {
  /** The axis's NATS server(s), e.g. nats://axis.example:4222. */
  servers: string | string[];
  /** The credentials `docaxis nats-creds --system <id>` issued (user = the system id). */
  user: string;
  pass: string;
  /** Where replies come; the user may read only `_INBOX_<user>.>`, so that is the default. */
  inboxPrefix?: string;
  timeoutMs?: number;
}

export interface NatsFetchedEdoc {
  docId: string;
  sha256: string;
  trace: TraceHop[];
  view: EdocView;
  content: Buffer;
}

/**
 * An agency document system's client for the axis's NATS interface (dx.agency.<agency>.*): the same calls as
 * the HTTP SDK's sendEdoc, getReceivedEdocList, getEdoc and updateStatus, each made as one of the system's
 * agencies. Failures are DocaxisClientError with the hub's stable code (httpStatus 0).
 */
export class NatsAgencyClient {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs: number,
  ) {}

  static async connect(opts: NatsAgencyClientOptions): Promise<NatsAgencyClient> {
    const nc = await connect({
      servers: opts.servers,
      user: opts.user,
      pass: opts.pass,
      inboxPrefix: opts.inboxPrefix ?? `_INBOX_${opts.user}`,
      name: `agency-system ${opts.user}`,
    });
    return new NatsAgencyClient(nc, opts.timeoutMs ?? 30_000);
  }

  /** sendEdoc as `agency`; `to` is the recipients hint (optional, the package's To is authoritative). */
  async send(
    agency: string,
    edxml: Uint8Array,
    opts: { messageType: 'edoc' | 'status'; to?: string[] },
  ): Promise<AgencySendReply> {
    const h = natsHeaders();
    h.set(SEND_HEADERS.messageType, opts.messageType);
    h.set(SEND_HEADERS.serviceType, SERVICE_TYPE);
    h.set(SEND_HEADERS.hashFile, createHash('sha256').update(edxml).digest('hex'));
    if (opts.to?.length) h.set(SEND_HEADERS.to, JSON.stringify(opts.to));
    return this.json(await this.call('send', agency, edxml, h));
  }

  /** getReceivedEdocList for `agency`. */
  async inbox(
    agency: string,
    q: { messagetype?: 'edoc' | 'status'; limit?: number; after?: string } = {},
  ): Promise<{ items: ReceivedItem[]; next?: string }> {
    return this.json(await this.call('inbox', agency, JSON.stringify(q)));
  }

  /** getEdoc: the package bytes as stored (or the traced view). */
  async get(agency: string, docId: string, view?: EdocView): Promise<NatsFetchedEdoc> {
    const m = await this.call('get', agency, JSON.stringify({ docId, ...(view ? { view } : {}) }));
    const docIdHeader = m.headers?.get(HEADERS.docId);
    // A package comes with its DocId header; an error is a JSON envelope without it.
    if (!docIdHeader) this.json(m);
    return {
      docId: docIdHeader!,
      sha256: m.headers!.get(HEADERS.sha256),
      trace: decodeTrace(m.headers!.get(HEADERS.trace)),
      view: m.headers!.get(HEADERS.view) as EdocView,
      content: Buffer.from(m.data),
    };
  }

  /** updateStatus as `agency`. */
  async ack(agency: string, docId: string, status: TransportStatus): Promise<StatusUpdateResult[]> {
    const r = await this.json<{ items: StatusUpdateResult[] }>(
      await this.call('ack', agency, JSON.stringify({ docId, status })),
    );
    return r.items;
  }

  async close(): Promise<void> {
    await this.nc.close();
  }

  private async call(
    op: AgencyNatsOp,
    agency: string,
    data: Uint8Array | string,
    h?: ReturnType<typeof natsHeaders>,
  ): Promise<Msg> {
    const subject = agencyNatsSubject(op, agency);
    try {
      return await this.nc.request(subject, data, { timeout: this.timeoutMs, ...(h ? { headers: h } : {}) });
    } catch (e) {
      const text = (e as Error).message;
      const denied = /permission/i.test(text) || /permission/i.test(String((e as Error).cause ?? ''));
      throw new DocaxisClientError(
        denied ? 'FORBIDDEN_AGENCY' : 'UNAVAILABLE',
        `${subject}: ${denied ? 'NATS refused this user to publish here' : text}`,
        0,
      );
    }
  }

  private json<T>(m: Msg): T {
    let env: ReplyEnvelope<T>;
    try {
      env = m.json<ReplyEnvelope<T>>();
    } catch {
      throw new DocaxisClientError('BAD_RESPONSE', 'the axis answered something that is not JSON', 0);
    }
    if (!env.ok) throw new DocaxisClientError(env.error.code, env.error.message, 0);
    return env.data;
  }
}
