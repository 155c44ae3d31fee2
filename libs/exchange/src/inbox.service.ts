import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { DxError, type DeliveryEvent } from '#contracts';
import { JETSTREAM, publishDeliveryEvent } from '#bus';
import type { EdocView, ReceivedItem, StatusUpdateResult, TraceHop } from '#sdk-client';
import { agenciesInScope } from './caller-scope.js';
import { DeliveryRepository } from './delivery.repository.js';
import { checkTransition, isTransportStatus, TRANSPORT_STATUSES } from './delivery-transition.js';
import type { Caller, MessageType, Page, PageRequest } from './exchange.types.js';
import { deliveryCursor, messageTypes, pageLimit, requireDocId } from './pagination.js';
import { ReceiptService } from './receipt.service.js';
import { toReceivedItem, toStatusUpdateResult } from './sdk-items.js';
import { tracedCopy } from './traced-view.js';

export interface ReceivedListInput extends Caller, PageRequest {
  /** Both types when absent. */
  messagetype?: MessageType;
  agency?: string;
}

export interface GetEdocInput extends Caller {
  docId: string;
  /** `original` (default) or `traced`. */
  view?: EdocView;
}

export interface FetchedPackage {
  docId: string;
  sha256: string;
  content: Buffer;
  trace: TraceHop[];
  view: EdocView;
}

/** A fetched package with its bytes as a stream (raw-bytes answers). */
export interface StreamedPackage extends Omit<FetchedPackage, 'content'> {
  sizeBytes: number;
  stream: Readable;
}

export interface UpdateStatusInput extends Caller {
  docId: string;
  status: string;
  agency?: string;
}

/** The receiving side: the inbox, fetching a package, and acknowledging it. */
@Injectable()
export class InboxService {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly receipts: ReceiptService,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
  ) {}

  /** Packages waiting for the caller's agencies; they stay listed (redelivered) until acknowledged done or fail. */
  async receivedList(input: ReceivedListInput): Promise<Page<ReceivedItem>> {
    const recipients = agenciesInScope(input, input.agency);
    const limit = pageLimit(input.limit);
    // One extra row tells whether another page follows.
    const rows = await this.deliveries.inbox(
      recipients,
      messageTypes(input.messagetype),
      deliveryCursor(input.after),
      limit + 1,
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map(toReceivedItem),
      next: rows.length > limit ? page[page.length - 1].id : undefined,
    };
  }

  /**
   * The original bytes of a package the caller sent or received, with the hops it took. Anything else, including
   * a DocId that exists but is someone else's, is DOC_NOT_FOUND so that existence is not revealed. The `traced`
   * view of a document is a rebuilt copy with the hops appended to its TraceHeaderList (not the signed bytes).
   */
  async getEdoc(input: GetEdocInput): Promise<FetchedPackage> {
    const docId = requireDocId(input.docId);
    const row = await this.deliveries.contentFor(docId, [...input.agencies]);
    if (!row) throw new DxError('DOC_NOT_FOUND', `DocId ${docId} not found for system ${input.systemId}`);
    const trace = row.trace ?? [];
    const original: FetchedPackage = {
      docId: row.docId,
      sha256: row.sha256.trim(),
      content: row.content,
      trace,
      view: 'original',
    };
    if (input.view !== 'traced') return original;
    const copy = tracedCopy(row.content, trace);
    if (!copy) return original;
    return {
      ...original,
      content: copy,
      sha256: createHash('sha256').update(copy).digest('hex'),
      view: 'traced',
    };
  }

  /**
   * getEdoc for raw-bytes answers: the original is streamed, a large (blob-stored) package one chunk at a time
   * instead of whole in memory. The traced view is a rebuilt copy, made in memory as in getEdoc.
   */
  async streamEdoc(input: GetEdocInput): Promise<StreamedPackage> {
    if (input.view === 'traced') {
      const { content, ...rest } = await this.getEdoc(input);
      return { ...rest, sizeBytes: content.length, stream: Readable.from([content]) };
    }
    const docId = requireDocId(input.docId);
    const row = await this.deliveries.streamFor(docId, [...input.agencies]);
    if (!row) throw new DxError('DOC_NOT_FOUND', `DocId ${docId} not found for system ${input.systemId}`);
    return {
      docId: row.docId,
      sha256: row.sha256.trim(),
      trace: row.trace ?? [],
      view: 'original',
      sizeBytes: row.sizeBytes,
      stream: row.stream,
    };
  }

  /**
   * Transport acknowledgement of the caller's copies of a DocId (the named agency's, or all of the caller's:
   * then if any copy cannot move, e.g. it is done, none does). The rows change in one transaction; the
   * events are published after it for every copy now in the requested state, so a client retrying after a
   * failed publish re-publishes them (eventIds de-duplicate). Each copy now in the requested state gets its
   * acknowledgement receipt, written in the same transaction (a repeat answers the first one).
   */
  async updateStatus(input: UpdateStatusInput): Promise<StatusUpdateResult[]> {
    const docId = requireDocId(input.docId);
    const status = input.status;
    if (!isTransportStatus(status)) {
      throw new DxError('BAD_REQUEST', `status must be one of ${TRANSPORT_STATUSES.join(', ')}`);
    }
    const recipients = agenciesInScope(input, input.agency);
    const { rows, receipts } = await this.deliveries.transaction(
      'updating the delivery status',
      async (em) => {
        const current = await this.deliveries.lockForUpdate(em, docId, recipients);
        if (!current.length) {
          throw new DxError(
            'DOC_NOT_FOUND',
            `DocId ${docId} was not delivered to ${input.agency ?? 'your agencies'}`,
          );
        }
        const changing = current.filter((r) =>
          checkTransition(r.state, status, `the delivery of ${docId} to ${r.recipientOrganId}`),
        );
        const changed = await this.deliveries.setState(
          em,
          changing.map((r) => r.id),
          status,
        );
        const byId = new Map(changed.map((r) => [r.id, r]));
        const now = current.map((r) => byId.get(r.id) ?? r);
        const acks = now
          .filter((r) => r.state === status)
          .map((r) => ({ agency: r.recipientOrganId, status, at: r.updatedAt, systemId: input.systemId }));
        return { rows: now, receipts: await this.receipts.forAcknowledgements(em, docId, acks) };
      },
    );

    try {
      for (const r of rows) {
        const event: DeliveryEvent = {
          eventId: `${docId}:${r.recipientOrganId}:${status}`,
          docId,
          recipient: r.recipientOrganId,
          messageType: r.messageType,
          event: status,
          at: new Date(r.updatedAt).toISOString(),
        };
        await publishDeliveryEvent(this.js, event);
      }
    } catch (e) {
      throw new DxError(
        'UNAVAILABLE',
        `the status was recorded but its event could not be published (${(e as Error).message}); send it again`,
        503,
        true,
      );
    }
    return rows.map((r) => {
      const receipt = receipts.get(r.recipientOrganId);
      return { ...toStatusUpdateResult(docId, r), ...(receipt ? { receipt } : {}) };
    });
  }
}
