// Shapes rows into the SDK's answer items (pure; the field names are the SDK's, see #sdk-client protocol).
import { STATUS_CODES } from '#edxml';
import type { ReceivedItem, SentItem, SentRecipient, StatusUpdateResult } from '#sdk-client';
import type { DeliveryStateRow, InboxRow, SentDeliveryRow } from './delivery.repository.js';
import type { SubmissionRow } from './submission.repository.js';

const SERVICE_TYPE = 'eDoc';
const iso = (d: Date | string): string => new Date(d).toISOString();

export function toReceivedItem(r: InboxRow): ReceivedItem {
  return {
    id: r.docId,
    from: r.senderOrganId,
    to: r.recipientOrganId,
    serviceType: SERVICE_TYPE,
    messageType: r.messageType,
    status: r.state,
    created_time: iso(r.createdAt),
    updated_time: iso(r.updatedAt),
    contentSha256: r.sha256,
    contentLength: Number(r.sizeBytes),
    documentId: r.documentId,
    trace: r.trace ?? [],
    signature: r.signature ?? 'not-checked',
  };
}

export function toStatusUpdateResult(docId: string, r: DeliveryStateRow): StatusUpdateResult {
  return { docId, agency: r.recipientOrganId, status: r.state, updated_time: iso(r.updatedAt) };
}

export function toSentRecipient(d: SentDeliveryRow): SentRecipient {
  const code = d.businessStatus;
  return {
    to: d.recipientOrganId,
    status: d.state,
    businessStatus: code
      ? {
          code,
          meaning: (STATUS_CODES as Record<string, { meaning: string }>)[code]?.meaning ?? null,
          description: d.businessDescription,
          time: d.businessStatusAt ? iso(d.businessStatusAt) : null,
        }
      : null,
    failure: d.failureCode || d.failureReason ? { code: d.failureCode, reason: d.failureReason } : null,
    updated_time: iso(d.updatedAt),
  };
}

export function toSentItem(s: SubmissionRow, deliveries: SentDeliveryRow[]): SentItem {
  return {
    id: s.docId,
    from: s.senderOrganId,
    serviceType: SERVICE_TYPE,
    messageType: s.messageType,
    documentId: s.documentId,
    contentSha256: s.sha256,
    contentLength: Number(s.sizeBytes),
    toHeader: s.toHeader,
    accepted_time: iso(s.acceptedAt),
    published: s.publishedAt !== null,
    signature: s.signature,
    recipients: deliveries.filter((d) => d.docId === s.docId).map(toSentRecipient),
  };
}
