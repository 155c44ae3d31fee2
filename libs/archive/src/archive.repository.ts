import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { DeliveryEvent, MessageType } from '#contracts';
import type { TraceHop } from '#contracts';
import type { ArchiveColumns } from './archive.metadata.js';
import { eventRecordOf, packageRecordOf } from './chain/chain.digest.js';
import { appendChainRecord } from './chain/chain.repository.js';

export interface ArchiveRow extends ArchiveColumns {
  docId: string;
  messageType: MessageType;
  senderOrganId: string;
  sha256: string;
  content: Buffer;
  /** Set when `content` was stored apart in the blob store under this key: the row then keeps no bytes. */
  blobSha256?: string | null;
  /** The package's size when `content` is not at hand (streamed into the blob store); else its length. */
  sizeBytes?: number;
  acceptedAt: Date;
  /** Hops so far (TraceHeaders), kept beside the unchanged bytes. */
  trace: TraceHop[];
}

export interface StoredOriginal {
  docId: string;
  messageType: MessageType;
  senderOrganId: string;
  documentId: string;
  sha256: string;
  sizeBytes: number;
  /** Null when the bytes are in the blob store (`blobSha256`) or were removed. */
  content: Buffer | null;
  blobSha256: string | null;
  acceptedAt: Date;
  archivedAt: Date;
  trace: TraceHop[];
}

export interface HistoryRow {
  eventId: string;
  recipient: string;
  messageType: string;
  event: string;
  statusCode: string | null;
  reason: string | null;
  at: Date;
}

/** SQL over `archived_package` and `delivery_history`; inserts are idempotent so redelivery is harmless. */
@Injectable()
export class ArchiveRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Inserts the package unless its DocId is archived already; returns the sha256 stored for the DocId. */
  async insertPackage(row: ArchiveRow): Promise<{ inserted: boolean; storedSha256: string }> {
    // The row and its chain record commit together (the chain is what `docaxis archive verify` checks).
    return this.ds.transaction((m) => this.insertPackageIn(m, row));
  }

  private async insertPackageIn(
    m: EntityManager,
    row: ArchiveRow,
  ): Promise<{ inserted: boolean; storedSha256: string }> {
    const inserted: unknown[] = await m.query(
      `INSERT INTO archived_package (doc_id, message_type, sender_organ_id, sha256, size_bytes, content, document_id,
         code_number, code_notation, subject, promulgation_date, type_name, priority, business_doc_type, status_code,
         metadata, accepted_at, trace, blob_sha256)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
       ON CONFLICT (doc_id) DO NOTHING
       RETURNING doc_id`,
      [
        row.docId,
        row.messageType,
        row.senderOrganId,
        row.sha256,
        row.sizeBytes ?? row.content.length,
        row.blobSha256 ? null : row.content,
        row.documentId,
        row.codeNumber,
        row.codeNotation,
        row.subject,
        row.promulgationDate,
        row.typeName,
        row.priority,
        row.businessDocType,
        row.statusCode,
        JSON.stringify(row.metadata),
        row.acceptedAt,
        JSON.stringify(row.trace),
        row.blobSha256 ?? null,
      ],
    );
    if (inserted.length) {
      await appendChainRecord(m, packageRecordOf({ ...row, sizeBytes: row.sizeBytes ?? row.content.length }));
      return { inserted: true, storedSha256: row.sha256 };
    }
    const existing: { sha256: string }[] = await m.query(
      `SELECT sha256 FROM archived_package WHERE doc_id = $1`,
      [row.docId],
    );
    return { inserted: false, storedSha256: existing[0]?.sha256 ?? '' };
  }

  async findOriginal(docId: string): Promise<StoredOriginal | null> {
    const rows: {
      doc_id: string;
      message_type: MessageType;
      sender_organ_id: string;
      document_id: string;
      sha256: string;
      size_bytes: string;
      content: Buffer | null;
      blob_sha256: string | null;
      accepted_at: Date;
      archived_at: Date;
      trace: TraceHop[];
    }[] = await this.ds.query(
      `SELECT doc_id, message_type, sender_organ_id, document_id, sha256, size_bytes, content, blob_sha256,
              accepted_at, archived_at, trace
         FROM archived_package WHERE doc_id = $1`,
      [docId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      docId: r.doc_id,
      messageType: r.message_type,
      senderOrganId: r.sender_organ_id,
      documentId: r.document_id,
      sha256: r.sha256,
      sizeBytes: Number(r.size_bytes),
      content: r.content,
      blobSha256: r.blob_sha256,
      acceptedAt: r.accepted_at,
      archivedAt: r.archived_at,
      trace: r.trace ?? [],
    };
  }

  /** Returns false when the event id was recorded before (events are at-least-once). */
  async insertEvent(ev: DeliveryEvent): Promise<boolean> {
    return this.ds.transaction((m) => this.insertEventIn(m, ev));
  }

  private async insertEventIn(m: EntityManager, ev: DeliveryEvent): Promise<boolean> {
    const inserted: unknown[] = await m.query(
      `INSERT INTO delivery_history (event_id, doc_id, recipient_organ_id, message_type, event, status_code, reason, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (event_id) DO NOTHING
       RETURNING id`,
      [
        ev.eventId,
        ev.docId,
        ev.recipient,
        ev.messageType,
        ev.event,
        ev.statusCode ?? null,
        ev.reason ?? null,
        new Date(ev.at),
      ],
    );
    if (inserted.length) await appendChainRecord(m, eventRecordOf(ev));
    return inserted.length > 0;
  }

  async listHistory(docId: string): Promise<HistoryRow[]> {
    const rows: {
      event_id: string;
      recipient_organ_id: string;
      message_type: string;
      event: string;
      status_code: string | null;
      reason: string | null;
      at: Date;
    }[] = await this.ds.query(
      `SELECT event_id, recipient_organ_id, message_type, event, status_code, reason, at
         FROM delivery_history WHERE doc_id = $1
        ORDER BY recipient_organ_id, at, id`,
      [docId],
    );
    return rows.map((r) => ({
      eventId: r.event_id,
      recipient: r.recipient_organ_id,
      messageType: r.message_type,
      event: r.event,
      statusCode: r.status_code,
      reason: r.reason,
      at: r.at,
    }));
  }
}
