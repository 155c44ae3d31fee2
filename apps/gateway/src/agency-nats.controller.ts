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
} from '#contracts';
import { NATS_CONNECTION, okReply, request, requestObject, serveRequests, type RequestReply } from '#bus';
import { InboxService, SubmissionService, type Caller } from '#exchange';
import { SEND_HEADERS } from '#sdk-client';
import { GetEdocDto } from './dto/get-edoc.dto.js';
import { ReceivedListDto } from './dto/received-list.dto.js';
import { SendEdocHeadersDto } from './dto/send-edoc-headers.dto.js';
import { UpdateStatusDto } from './dto/update-status.dto.js';
import { validateDto } from './validation.js';

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
    this.sub = serveRequests(
      this.nc,
      AGENCY_NATS_WILDCARD,
      'docaxis.gateway.agency',
      (m) => this.handle(m),
      this.logger,
    );
    await this.nc.flush();
  }

  onApplicationShutdown(): void {
    this.sub?.unsubscribe();
  }

  private async handle(m: Msg): Promise<RequestReply> {
    const call = parseAgencyNatsSubject(m.subject);
    if (!call) throw new DxError('BAD_REQUEST', `${m.subject} is not an agency call`);
    const caller = await this.caller(call.organId);
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
        return okReply(await this.submissions.submit({ ...caller, headers, body: Buffer.from(m.data) }));
      }
      case 'inbox': {
        const q = validateDto(ReceivedListDto, requestObject(m.data));
        const page = await this.inbox.receivedList({ ...caller, ...q });
        return okReply({ items: page.items, ...(page.next ? { next: page.next } : {}) });
      }
      case 'get': {
        const q = validateDto(GetEdocDto, requestObject(m.data));
        const got = await this.inbox.getEdoc({ ...caller, docId: q.docId, view: q.view });
        const h = natsHeaders();
        h.set(HEADERS.docId, got.docId);
        h.set(HEADERS.sha256, got.sha256);
        h.set(HEADERS.trace, encodeTrace(got.trace));
        h.set(HEADERS.view, got.view);
        return { data: got.content, headers: h };
      }
      case 'ack': {
        const q = validateDto(UpdateStatusDto, requestObject(m.data));
        return okReply({ items: await this.inbox.updateStatus({ ...caller, ...q }) });
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
