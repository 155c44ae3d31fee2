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
import { DxError, HEADERS, REQUESTS, encodeTrace } from '#contracts';
import { NATS_CONNECTION, okReply, request, serveRequests, type RequestReply } from '#bus';
import { AgenciesService, InboxService, SubmissionService, type Caller } from '#exchange';
import {
  AxisLinkAckDto,
  AxisLinkAgenciesDto,
  AxisLinkFetchDto,
  AxisLinkInboxDto,
  parseLinkRequest,
} from './axis-link.dto.js';
import { AXIS_LINK_WILDCARD, axisSystemId, parseAxisLinkSubject } from './axis-link.subjects.js';

/** How long the agencies of a province's system are reused before the registry is asked again. */
const CALLER_TTL_MS = 2000;
const REGISTRY_PAGE = 5000;

/**
 * The national end of the NATS driver: answers dx.axis.<code>.* for the provincial axes linked as leafnodes,
 * with the same exchange services as the gateway, acting as the system axis-<code>. The province is the one
 * the subject names; the leafnode user of a province may only publish on its own dx.axis.<code>.> (see
 * deploy/topology/), which is the authentication of this driver.
 */
@Injectable()
export class AxisLinkResponder implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AxisLinkResponder.name);
  private sub?: Subscription;
  private readonly callers = new Map<string, { caller: Caller; at: number }>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(SubmissionService) private readonly submissions: SubmissionService,
    @Inject(InboxService) private readonly inbox: InboxService,
    @Inject(AgenciesService) private readonly agencies: AgenciesService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.sub = serveRequests(
      this.nc,
      AXIS_LINK_WILDCARD,
      'docaxis.axis-link',
      (m) => this.handle(m),
      this.logger,
    );
    await this.nc.flush();
  }

  onApplicationShutdown(): void {
    this.sub?.unsubscribe();
  }

  private async handle(m: Msg): Promise<RequestReply> {
    const parsed = parseAxisLinkSubject(m.subject);
    if (!parsed) throw new DxError('BAD_REQUEST', `${m.subject} is not an axis link call`);
    const caller = await this.caller(axisSystemId(parsed.code));
    switch (parsed.op) {
      case 'send': {
        const h = m.headers;
        const to = h?.get(HEADERS.to);
        const result = await this.submissions.submit({
          ...caller,
          headers: {
            from: h?.get(HEADERS.from) || undefined,
            to: to || undefined,
            servicetype: 'eDoc',
            messagetype: h?.get(HEADERS.messageType) || undefined,
            hashFile: h?.get(HEADERS.sha256) || undefined,
            trace: h?.get(HEADERS.trace) || undefined,
          },
          body: Buffer.from(m.data),
        });
        return okReply(result);
      }
      case 'inbox': {
        const q = parseLinkRequest(AxisLinkInboxDto, m.data);
        const page = await this.inbox.receivedList({
          ...caller,
          messagetype: q.messageType,
          limit: q.limit,
          after: q.after,
        });
        return okReply({
          items: page.items.map((i) => ({ id: i.id, to: i.to, messageType: i.messageType })),
          ...(page.next ? { next: page.next } : {}),
        });
      }
      case 'fetch': {
        const q = parseLinkRequest(AxisLinkFetchDto, m.data);
        const got = await this.inbox.getEdoc({ ...caller, docId: q.id });
        const h = natsHeaders();
        h.set(HEADERS.docId, got.docId);
        h.set(HEADERS.sha256, got.sha256);
        h.set(HEADERS.trace, encodeTrace(got.trace));
        return { data: got.content, headers: h };
      }
      case 'ack': {
        const q = parseLinkRequest(AxisLinkAckDto, m.data);
        const rows = await this.inbox.updateStatus({ ...caller, docId: q.id, status: q.status });
        return okReply({ updated: rows.length });
      }
      case 'agencies': {
        const q = parseLinkRequest(AxisLinkAgenciesDto, m.data);
        return okReply(await this.agencies.agenciesList(q));
      }
    }
  }

  /** The province's system and its agencies at this axis, as the gateway's guard would find them. */
  private async caller(systemId: string): Promise<Caller> {
    const cached = this.callers.get(systemId);
    if (cached && Date.now() - cached.at < CALLER_TTL_MS) return cached.caller;
    const agencies = new Set<string>();
    let after: string | undefined;
    do {
      const page = await request(this.nc, REQUESTS.registryList.subject, {
        systemId,
        limit: REGISTRY_PAGE,
        ...(after ? { after } : {}),
      });
      for (const a of page.agencies) if (a.systemId === systemId && !a.deleted) agencies.add(a.organId);
      after = page.next;
    } while (after);
    if (!agencies.size) {
      throw new DxError('AUTH_UNKNOWN_SYSTEM', `no agencies are registered under system ${systemId} here`);
    }
    const caller: Caller = { systemId, agencies };
    this.callers.set(systemId, { caller, at: Date.now() });
    return caller;
  }
}
