import { Injectable } from '@nestjs/common';
import type { SentItem } from '#sdk-client';
import { agenciesInScope } from './caller-scope.js';
import { DeliveryRepository } from './delivery.repository.js';
import type { Caller, MessageType, Page, PageRequest } from './exchange.types.js';
import { messageTypes, pageLimit, requireDocId } from './pagination.js';
import { toSentItem } from './sdk-items.js';
import { SubmissionRepository } from './submission.repository.js';

export interface SentListInput extends Caller, PageRequest {
  /** Both types when absent. */
  messagetype?: MessageType;
  agency?: string;
  docId?: string;
}

/** The sending side: what happened to each package the caller sent, per recipient. */
@Injectable()
export class SentService {
  constructor(
    private readonly submissions: SubmissionRepository,
    private readonly deliveries: DeliveryRepository,
  ) {}

  /** Newest first; `next` is the last DocId of the page. */
  async sentList(input: SentListInput): Promise<Page<SentItem>> {
    const senders = agenciesInScope(input, input.agency);
    const limit = pageLimit(input.limit);
    const rows = await this.submissions.sentBy(senders, messageTypes(input.messagetype), limit + 1, {
      afterDocId: input.after ? requireDocId(input.after, 'after') : undefined,
      docId: input.docId ? requireDocId(input.docId) : undefined,
    });
    const page = rows.slice(0, limit);
    const deliveries = await this.deliveries.ofDocs(page.map((r) => r.docId));
    return {
      items: page.map((r) => toSentItem(r, deliveries)),
      next: rows.length > limit ? page[page.length - 1].docId : undefined,
    };
  }
}
