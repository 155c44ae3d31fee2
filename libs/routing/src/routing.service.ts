import { dbCall } from '#store';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { JetStreamClient } from '@nats-io/jetstream';
import { DxError, type DeliveryEvent } from '#contracts';
import { JETSTREAM, publishDeliveryEvent, publishOutboundPackage, type AcceptedPackageMeta } from '#bus';
import {
  EdxmlError,
  isOrganId,
  parseEdxml,
  validateEdxml,
  type EdxmlDocument,
  type EdxmlStatus,
} from '#edxml';
import {
  DeliveryRepository,
  type BusinessStatusResult,
  type BusinessStatusUpdate,
  type PlannedDelivery,
  type StoredDelivery,
} from './delivery.repository.js';
import { SubmissionRepository, type OriginalDocument } from './submission.repository.js';
import { RecipientResolver } from './recipient.resolver.js';
import { ROUTING_OPTIONS, type RoutingOptions } from './routing.options.js';
import {
  bestEffortRecipients,
  documentIntent,
  placement,
  noRouteReason,
  statusIntent,
  uniqueIds,
  type RoutingIntent,
} from './routing.rules.js';

/**
 * recipient_organ_id of the one failed row recorded when a package names nobody at all, so the failure is still
 * visible in the sender's getSentEdocList. It is not an OrganId, so it can never match an inbox.
 */
export const NO_RECIPIENT = '-';

/**
 * A package that refers to a document whose own routing has not been recorded yet (both were in flight at once)
 * is retried this many times before it is routed with what is known.
 */
export const WAIT_FOR_ORIGINAL_ATTEMPTS = 4;

export interface RouteOptions {
  /** Delivery attempt of the bus message (1 = first). */
  attempt?: number;
}

export interface AppliedBusinessStatus {
  /** DocId of the original document whose delivery the status is about. */
  originalDocId: string;
  /** The reporting agency (recipient of that delivery). */
  recipient: string;
  statusCode: string;
  result: BusinessStatusResult;
}

export interface RouteResult {
  docId: string;
  /** Rows inserted by this call (0 for a redelivered package). */
  inserted: number;
  /** Every delivery row of the package after routing. */
  deliveries: StoredDelivery[];
  businessStatus?: AppliedBusinessStatus;
}

interface RoutingPlan {
  rows: PlannedDelivery[];
  businessStatus?: BusinessStatusUpdate;
}

type Parsed =
  | { ok: true; pkg: EdxmlDocument | EdxmlStatus }
  | { ok: false; pkg: EdxmlDocument | EdxmlStatus | null; code: string; message: string };

const EVENT_PUBLISH_BATCH = 64;
const MAX_REASON = 1000;

/**
 * Turns an accepted package into one `delivery` row per recipient (the inboxes), idempotently, and announces
 * each row on the events stream after the rows are committed.
 */
@Injectable()
export class RoutingService {
  private readonly logger = new Logger(RoutingService.name);

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(DeliveryRepository) private readonly deliveries: DeliveryRepository,
    @Inject(SubmissionRepository) private readonly submissions: SubmissionRepository,
    @Inject(RecipientResolver) private readonly resolver: RecipientResolver,
    @Inject(ROUTING_OPTIONS) private readonly options: RoutingOptions,
  ) {}

  /**
   * Routes one accepted package. Safe to repeat: rows are keyed by (doc_id, recipient) and event ids are
   * deterministic. Throws a transient DxError when the database or the registry is unavailable (retry), and a
   * permanent one only for an unreadable package that names no recipient to record the failure for.
   * Recipients on other axes get an `outbound` row and, after the commit, the package is queued once for the
   * connector with just those recipients (a repeat while they are still outbound is de-duplicated by DocId).
   */
  async route(meta: AcceptedPackageMeta, bytes: Uint8Array, opts: RouteOptions = {}): Promise<RouteResult> {
    const plan = await this.plan(meta, bytes, opts.attempt ?? 1);
    const { inserted, status, stored } = await dbCall('record deliveries', () => this.record(meta, plan));
    const businessStatus =
      plan.businessStatus && status
        ? {
            originalDocId: plan.businessStatus.docId,
            recipient: plan.businessStatus.recipient,
            statusCode: plan.businessStatus.statusCode,
            result: status,
          }
        : undefined;
    await this.queueOutbound(meta, bytes, stored);
    await this.publishEvents(meta, stored, plan.businessStatus, status);
    if (inserted) {
      const failed = stored.filter((d) => d.state === 'failed').length;
      const outbound = stored.filter((d) => d.state === 'outbound').length;
      this.logger.log(
        `${meta.docId} (${meta.messageType}) routed: ${inserted} new deliveries, ${failed} failed, ` +
          `${outbound} to other axes`,
      );
    }
    return { docId: meta.docId, inserted, deliveries: stored, businessStatus };
  }

  /** The package's delivery rows (and business status); one statement for the common case, a new package. */
  private async record(
    meta: AcceptedPackageMeta,
    plan: RoutingPlan,
  ): Promise<{ inserted: number; status?: BusinessStatusResult; stored: StoredDelivery[] }> {
    const { docId, messageType, from } = meta;
    if (!plan.businessStatus) {
      return this.deliveries.insertAndList(this.ds.manager, docId, messageType, from, plan.rows);
    }
    const update = plan.businessStatus;
    const { inserted, status } = await this.ds.transaction(async (em) => ({
      inserted: await this.deliveries.insertMany(em, docId, messageType, from, plan.rows),
      status: await this.deliveries.applyBusinessStatus(em, update),
    }));
    return { inserted, status, stored: await this.deliveries.listForDoc(this.ds.manager, docId) };
  }

  /**
   * A redelivered package whose rows are already recorded but whose bytes are gone (a large package's object,
   * released once it was archived and routed): publishes the events of its stored rows again, which a failed
   * first publish may have left out (ids are deterministic). Answers false when nothing is recorded for it.
   */
  async republishRouted(meta: AcceptedPackageMeta): Promise<boolean> {
    const stored = await dbCall('read deliveries', () =>
      this.deliveries.listForDoc(this.ds.manager, meta.docId),
    );
    if (!stored.length) return false;
    await this.publishEvents(meta, stored, undefined, undefined);
    return true;
  }

  private async plan(meta: AcceptedPackageMeta, bytes: Uint8Array, attempt: number): Promise<RoutingPlan> {
    const parsed = this.parse(meta, bytes);
    if (!parsed.ok) {
      // The gateway validated the package, so this is a gateway/library mismatch: record it where the sender
      // sees it; with nobody to record it for, dead-letter it (permanent error) so an operator sees it.
      const recipients = bestEffortRecipients(parsed.pkg, meta);
      if (!recipients.length) {
        throw new DxError(parsed.code, `${parsed.message} (the package names no recipient)`, 422, false);
      }
      return { rows: recipients.map((r) => failed(r, parsed.code, parsed.message)) };
    }
    const intent =
      parsed.pkg.kind === 'edoc' ? documentIntent(parsed.pkg, meta) : statusIntent(parsed.pkg, meta);
    switch (intent.kind) {
      case 'new':
        if (!intent.recipients.length) {
          return { rows: [failed(NO_RECIPIENT, 'NO_RECIPIENTS', 'The document names no recipient')] };
        }
        return { rows: await this.resolveRows(intent.recipients, meta) };
      case 'business':
        return this.planBusiness(meta, intent, attempt);
      case 'status':
        return this.planStatus(meta, intent, attempt);
    }
  }

  /** Revoke / update / replace reach everyone who holds the referred documents, plus whom the package names. */
  private async planBusiness(
    meta: AcceptedPackageMeta,
    intent: Extract<RoutingIntent, { kind: 'business' }>,
    attempt: number,
  ): Promise<RoutingPlan> {
    const originals: OriginalDocument[] = [];
    for (const documentId of intent.referredDocumentIds) {
      // Only the sender's own documents: nobody else may act on them or learn their distribution list.
      const o = await dbCall('find original', () =>
        this.submissions.findOriginal(this.ds.manager, documentId, {
          excludeDocId: meta.docId,
          sender: meta.from,
        }),
      );
      if (o) originals.push(o);
    }
    this.waitForOriginals(originals, attempt);
    const recipients = uniqueIds(...originals.map((o) => o.recipients), intent.recipients);
    if (!recipients.length) {
      const referred = intent.referredDocumentIds.join(', ') || '(none)';
      return {
        rows: [
          originals.length
            ? failed(
                NO_RECIPIENT,
                'NO_RECIPIENTS',
                `Nobody holds ${referred} and the package names no recipient`,
              )
            : failed(NO_RECIPIENT, 'UNKNOWN_ORIGINAL', `Unknown document ${referred} and no recipient named`),
        ],
      };
    }
    return { rows: await this.resolveRows(recipients, meta) };
  }

  /**
   * A status goes back to the original's sender and updates the reporter's copy of the original; a status sent
   * by the original's sender (13, take-back) goes to ResponseFor.OrganId, or to all recipients without one.
   */
  private async planStatus(
    meta: AcceptedPackageMeta,
    intent: Extract<RoutingIntent, { kind: 'status' }>,
    attempt: number,
  ): Promise<RoutingPlan> {
    const original = await dbCall('find original', () =>
      this.submissions.findOriginal(this.ds.manager, intent.originalDocumentId, {
        excludeDocId: meta.docId,
        preferSender: intent.counterpart || undefined,
      }),
    );
    if (!original) return this.planStatusWithoutOriginal(intent, isInjected(meta));
    this.waitForOriginals([original], attempt);

    if (intent.reporter === original.senderOrganId) {
      const targets =
        intent.counterpart && intent.counterpart !== original.senderOrganId
          ? [intent.counterpart]
          : original.recipients;
      if (!targets.length) {
        return { rows: [failed(NO_RECIPIENT, 'NO_RECIPIENTS', 'The original document has no recipient')] };
      }
      return { rows: await this.resolveRows(targets, meta) };
    }
    return {
      rows: await this.resolveRows([original.senderOrganId], meta),
      businessStatus: {
        docId: original.docId,
        recipient: intent.reporter,
        statusCode: intent.statusCode,
        at: intent.timestamp ?? new Date(meta.acceptedAt),
        description: intent.description,
      },
    };
  }

  /**
   * The original did not pass through this hub (or is mistyped): the failure is recorded for the status sender
   * to see, and the status still goes to ResponseFor.OrganId when that agency is registered, the best guess of
   * the original's sender (a document received from another axis is a legitimate case).
   */
  private async planStatusWithoutOriginal(
    intent: Extract<RoutingIntent, { kind: 'status' }>,
    injected: boolean,
  ): Promise<RoutingPlan> {
    const unknown = `Unknown original document ${intent.originalDocumentId}`;
    if (!intent.counterpart) return { rows: [failed(NO_RECIPIENT, 'UNKNOWN_ORIGINAL', unknown)] };
    const res = await this.resolver.resolve([intent.counterpart]);
    const agency = res.known.get(intent.counterpart);
    if (agency) {
      const where = placement(agency.axisOrganId, this.options, injected);
      if (where === 'skip') return { rows: [] };
      if (where === 'unroutable') {
        return {
          rows: [
            failed(intent.counterpart, 'NO_ROUTE', noRouteReason(intent.counterpart, agency.axisOrganId)),
          ],
        };
      }
      return {
        rows: [
          {
            recipient: intent.counterpart,
            state: where === 'outbound' ? 'outbound' : 'pending',
            failureCode: 'UNKNOWN_ORIGINAL',
            failureReason: `${unknown}; delivered to ResponseFor.OrganId ${intent.counterpart}`,
          },
        ],
      };
    }
    const why = res.unknown.get(intent.counterpart) ?? 'not registered';
    return { rows: [failed(intent.counterpart, 'UNKNOWN_ORIGINAL', `${unknown}; ${why}`)] };
  }

  /**
   * Known agencies get a pending delivery (outbound when they live on another axis); unknown ones a failed row
   * the sender sees, never a silent drop. A package from the parent axis gets no row for agencies elsewhere.
   */
  private async resolveRows(recipients: string[], meta: AcceptedPackageMeta): Promise<PlannedDelivery[]> {
    // A malformed id (e.g. from the to header) must not make the registry refuse the whole batch.
    const res = await this.resolver.resolve(recipients.filter(isOrganId));
    const rows: PlannedDelivery[] = [];
    for (const r of recipients) {
      const agency = res.known.get(r);
      if (agency) {
        const where = placement(agency.axisOrganId, this.options, isInjected(meta));
        if (where === 'unroutable') rows.push(failed(r, 'NO_ROUTE', noRouteReason(r, agency.axisOrganId)));
        else if (where !== 'skip')
          rows.push({ recipient: r, state: where === 'outbound' ? 'outbound' : 'pending' });
        continue;
      }
      const why = isOrganId(r)
        ? (res.unknown.get(r) ?? `Recipient ${r} is not registered at this hub`)
        : `Recipient ${JSON.stringify(r.slice(0, 100))} is not an agency identifier`;
      rows.push(failed(r.slice(0, 200), 'UNKNOWN_RECIPIENT', why));
    }
    return rows;
  }

  /**
   * Hands the copies for other axes to the connector: one message with the recipients still outbound (none once
   * the connector has forwarded them, so a late redelivery of the package sends nothing up again).
   */
  private async queueOutbound(meta: AcceptedPackageMeta, bytes: Uint8Array, stored: StoredDelivery[]) {
    const remote = stored.filter((d) => d.state === 'outbound').map((d) => d.recipient);
    if (!remote.length) return;
    try {
      // A large package's message names its object (Dx-Object) and carries no bytes; `bytes` is its skeleton.
      await publishOutboundPackage(this.js, meta, remote, meta.object ? new Uint8Array(0) : bytes);
    } catch (e) {
      throw new DxError('UNAVAILABLE', `queue for the parent axis: ${(e as Error).message}`, 503, true);
    }
  }

  private waitForOriginals(originals: OriginalDocument[], attempt: number): void {
    const pending = originals.filter((o) => !o.routed);
    if (pending.length && attempt < WAIT_FOR_ORIGINAL_ATTEMPTS) {
      throw new DxError(
        'UNAVAILABLE',
        `original ${pending.map((o) => o.docId).join(', ')} is not routed yet`,
        503,
        true,
      );
    }
  }

  private parse(meta: AcceptedPackageMeta, bytes: Uint8Array): Parsed {
    let pkg: EdxmlDocument | EdxmlStatus;
    try {
      pkg = parseEdxml(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (e) {
      if (e instanceof EdxmlError) return { ok: false, pkg: null, code: e.code, message: e.message };
      throw e;
    }
    if (pkg.kind !== meta.messageType) {
      return {
        ok: false,
        pkg,
        code: 'MESSAGE_TYPE_MISMATCH',
        message: `messagetype ${meta.messageType} but the package is a ${pkg.kind} package`,
      };
    }
    const issues = validateEdxml(pkg);
    if (issues.length) {
      const message = issues.map((i) => i.message).join('; ');
      return { ok: false, pkg, code: issues[0].code, message: message.slice(0, MAX_REASON) };
    }
    return { ok: true, pkg };
  }

  /**
   * One event per delivery row (and one for an applied business status). Published after the commit, for all
   * rows, so a retry after a failed publish completes the set; deterministic ids make repeats harmless.
   */
  private async publishEvents(
    meta: AcceptedPackageMeta,
    stored: StoredDelivery[],
    status: BusinessStatusUpdate | undefined,
    statusResult: BusinessStatusResult | undefined,
  ): Promise<void> {
    const events: DeliveryEvent[] = [];
    for (const d of stored) {
      const event = routedEvent(d.state);
      if (!event) continue;
      const ev: DeliveryEvent = {
        eventId: `${meta.docId}:${d.recipient}:${event}`,
        docId: meta.docId,
        recipient: d.recipient,
        messageType: meta.messageType,
        event,
        at: d.createdAt.toISOString(),
      };
      if (d.failureCode) ev.reason = `${d.failureCode}: ${d.failureReason ?? ''}`.slice(0, MAX_REASON);
      events.push(ev);
    }
    // Recorded even when a newer status is already stored: the history keeps every status in time order.
    if (status && statusResult && statusResult !== 'missing') {
      const ev: DeliveryEvent = {
        eventId: `${meta.docId}:status`,
        docId: status.docId,
        recipient: status.recipient,
        messageType: 'edoc',
        event: 'status',
        statusCode: status.statusCode,
        at: status.at.toISOString(),
      };
      if (status.description) ev.reason = status.description.slice(0, MAX_REASON);
      events.push(ev);
    }
    try {
      for (let i = 0; i < events.length; i += EVENT_PUBLISH_BATCH) {
        await Promise.all(
          events.slice(i, i + EVENT_PUBLISH_BATCH).map((ev) => publishDeliveryEvent(this.js, ev)),
        );
      }
    } catch (e) {
      throw new DxError('UNAVAILABLE', `publish delivery events: ${(e as Error).message}`, 503, true);
    }
  }
}

/** A package the connector brought down from the parent axis. */
const isInjected = (meta: AcceptedPackageMeta): boolean => Boolean(meta.originAxis);

/**
 * The event announcing how a row was routed, also for rows another service has since moved on (done, forwarded)
 * so that a repeat publishes the same event id. None for an expired row: whether it was pending or outbound is
 * no longer known, and its expiry event tells its story.
 */
function routedEvent(state: StoredDelivery['state']): 'failed' | 'outbound' | 'recorded' | null {
  if (state === 'failed') return 'failed';
  if (state === 'outbound' || state === 'forwarded') return 'outbound';
  if (state === 'expired') return null;
  return 'recorded';
}

function failed(recipient: string, code: string, reason: string): PlannedDelivery {
  return { recipient, state: 'failed', failureCode: code, failureReason: reason.slice(0, MAX_REASON) };
}
