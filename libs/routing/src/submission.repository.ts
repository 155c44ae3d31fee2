import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

/** The earlier document a status or a business package (revoke/update/replace) refers to. */
export interface OriginalDocument {
  docId: string;
  senderOrganId: string;
  /** Recipients of its deliveries that are not `failed`. */
  recipients: string[];
  /** False while the router has not recorded the original's deliveries yet (it may still be in flight). */
  routed: boolean;
}

export interface FindOriginalOptions {
  /** The referring package itself, which may carry the same DocumentId (the revocation sample does). */
  excludeDocId: string;
  /** Only documents of this sender (revoke/update/replace act on one's own documents). */
  sender?: string;
  /** Prefer documents of this sender when several agencies used the same DocumentId. */
  preferSender?: string;
}

/** Reads `submission` (written by the gateway) to find the documents packages refer to. */
@Injectable()
export class SubmissionRepository {
  /** The earliest edoc submission with this DocumentId, with its current recipients. */
  async findOriginal(
    em: EntityManager,
    documentId: string,
    opts: FindOriginalOptions,
  ): Promise<OriginalDocument | null> {
    const found: { doc_id: string; sender_organ_id: string }[] = await em.query(
      `SELECT doc_id, sender_organ_id FROM submission
        WHERE message_type = 'edoc' AND document_id = $1 AND doc_id <> $2
          AND ($3::text IS NULL OR sender_organ_id = $3)
        ORDER BY (sender_organ_id = $4) DESC NULLS LAST, accepted_at, doc_id
        LIMIT 1`,
      [documentId, opts.excludeDocId, opts.sender ?? null, opts.preferSender ?? null],
    );
    if (!found.length) return null;
    const { doc_id: docId, sender_organ_id: senderOrganId } = found[0];
    const rows: { recipient: string; state: string }[] = await em.query(
      `SELECT recipient_organ_id AS recipient, state FROM delivery WHERE doc_id = $1 ORDER BY id`,
      [docId],
    );
    return {
      docId,
      senderOrganId,
      recipients: rows.filter((r) => r.state !== 'failed').map((r) => r.recipient),
      routed: rows.length > 0,
    };
  }
}
