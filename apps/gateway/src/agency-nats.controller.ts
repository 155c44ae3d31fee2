import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  headers as natsHeaders,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';
import {
  AGENCY_NATS_WILDCARD,
  DxError,
  HEADERS,
  REQUESTS,
  encodeTrace,
  parseAgencyNatsSubject,
  type ReplyEnvelope,
} from '#contracts';
import { NATS_CONNECTION, request } from '#bus';
import { InboxService, SubmissionService, type Caller } from '#exchange';
import { SEND_HEADERS } from '#sdk-client';
import { GetEdocDto } from './dto/get-edoc.dto.js';
import { ReceivedListDto } from './dto/received-list.dto.js';
import { SendEdocHeadersDto } from './dto/send-edoc-headers.dto.js';
import { UpdateStatusDto } from './dto/update-status.dto.js';
import { validateDto } from './validation.js';

type Reply = { data: Uint8Array; headers?: MsgHdrs };

/**
 * Agency systems straight on NATS: answers dx.agency.<agency>.{send,inbox,get,ack} with the same exchange
 * services and request checks as the HTTP calls. The caller is the agency the subject names, acting as the
 * system that owns it in the registry; NATS authenticates it (a system's user may publish only on
 * dx.agency.<its agencies>.>, see `docaxis nats-creds`). Every call is scoped to that one agency.
 */
@Injectable()
export class AgencyNatsController implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AgencyNatsController.name);
  private sub?: Subscription;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SubmissionService) private readonly submissions: SubmissionService,
    @Inject(InboxService) private readonly inbox: InboxService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.sub = this.nc.subscribe(AGENCY_NATS_WILDCARD, {
      queue: 'docaxis.gateway.agency',
      callback: (err, m) => {
        if (err) return this.logger.error(`subscription ${AGENCY_NATS_WILDCARD}: ${err.message}`);
        void this.answer(m);
      },
    });
    await this.nc.flush();
  }

  onApplicationShutdown(): void {
    this.sub?.unsubscribe();
  }

  private async answer(m: Msg): Promise<void> {
    try {
      const reply = await this.handle(m);
      m.respond(reply.data, reply.headers ? { headers: reply.headers } : undefined);
    } catch (e) {
      const error =
        e instanceof DxError
          ? { code: e.code, message: e.message }
          : { code: 'INTERNAL', message: (e as Error)?.message ?? String(e) };
      if (!(e instanceof DxError)) this.logger.error(`${m.subject}: ${(e as Error)?.stack ?? String(e)}`);
      const env: ReplyEnvelope<never> = { ok: false, error };
      m.respond(JSON.stringify(env));
    }
  }

  private async handle(m: Msg): Promise<Reply> {
    const call = parseAgencyNatsSubject(m.subject);
    if (!call) throw new DxError('BAD_REQUEST', `${m.subject} is not an agency call`);
    const caller = await this.caller(call.organId);
    const ok = (data: unknown): Reply => ({ data: Buffer.from(JSON.stringify({ ok: true, data })) });
    switch (call.op) {
      case 'send': {
        const h = m.headers;
        const pick = (name: string) => h?.get(name) || undefined;
        const headers = validateDto(SendEdocHeadersDto, {
          from: pick(SEND_HEADERS.from) ?? call.organId,
          to: pick(SEND_HEADERS.to),
          servicetype: pick(SEND_HEADERS.serviceType),
          messagetype: pick(SEND_HEADERS.messageType),
          hashFile: pick(SEND_HEADERS.hashFile),
        });
        return ok(await this.submissions.submit({ ...caller, headers, body: Buffer.from(m.data) }));
      }
      case 'inbox': {
        const q = validateDto(ReceivedListDto, json(m));
        const page = await this.inbox.receivedList({ ...caller, ...q });
        return ok({ items: page.items, ...(page.next ? { next: page.next } : {}) });
      }
      case 'get': {
        const q = validateDto(GetEdocDto, json(m));
        const got = await this.inbox.getEdoc({ ...caller, docId: q.docId, view: q.view });
        const h = natsHeaders();
        h.set(HEADERS.docId, got.docId);
        h.set(HEADERS.sha256, got.sha256);
        h.set(HEADERS.trace, encodeTrace(got.trace));
        h.set(HEADERS.view, got.view);
        return { data: got.content, headers: h };
      }
      case 'ack': {
        const q = validateDto(UpdateStatusDto, json(m));
        return ok({ items: await this.inbox.updateStatus({ ...caller, ...q }) });
      }
    }
  }

  /** The agency and the system that owns it in the registry; refused when it has none here. */
  private async caller(organId: string): Promise<Caller> {
    const reply = await request(this.nc, REQUESTS.registryResolve.subject, { organIds: [organId] });
    const agency = reply.agencies.find((a) => a.organId === organId && !a.deleted);
    if (!agency?.systemId) {
      throw new DxError(
        'FORBIDDEN_AGENCY',
        `agency ${organId} is not registered under a system of this axis`,
      );
    }
    return { systemId: agency.systemId, agencies: new Set([organId]) };
  }
}

function json(m: Msg): object {
  if (!m.data.length) return {};
  try {
    const v: unknown = m.json();
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch {
    // answered below
  }
  throw new DxError('BAD_REQUEST', 'the request must be a JSON object');
}
