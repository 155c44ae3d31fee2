import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { withDatabase } from './db-errors.js';

/** A DataSource, or the EntityManager of a transaction the receipt must be part of. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(sql: string, params?: unknown[]): Promise<any>;
}

export interface ReceiptKey {
  docId: string;
  kind: 'submission' | 'acknowledgement';
  /** The acknowledging recipient; null for a submission receipt. */
  agency: string | null;
  ackStatus: string | null;
}

export interface ReceiptRow extends ReceiptKey {
  receiptId: string;
  createdAt: Date;
  jws: string;
}

const COLUMNS = `receipt_id AS "receiptId", doc_id AS "docId", kind, agency, ack_status AS "ackStatus",
  created_at AS "createdAt", jws`;

/** The receipt table: at most one receipt per (DocId, kind, agency, acknowledgement status). */
@Injectable()
export class ReceiptRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async find(q: Queryable, key: ReceiptKey): Promise<ReceiptRow | null> {
    const rows: ReceiptRow[] = await q.query(
      `SELECT ${COLUMNS} FROM receipt
       WHERE doc_id = $1 AND kind = $2 AND coalesce(agency, '') = coalesce($3, '')
         AND coalesce(ack_status, '') = coalesce($4, '')`,
      [key.docId, key.kind, key.agency, key.ackStatus],
    );
    return rows[0] ?? null;
  }

  /**
   * Records a receipt, or answers the one already recorded under the same key (a concurrent first call wins;
   * the loser's signed receipt is dropped, never stored twice).
   */
  async insertOrFind(
    q: Queryable,
    row: Omit<ReceiptRow, 'createdAt'> & { createdAt: string },
  ): Promise<ReceiptRow> {
    const inserted: ReceiptRow[] = await q.query(
      `INSERT INTO receipt (receipt_id, doc_id, kind, agency, ack_status, created_at, jws)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (doc_id, kind, (coalesce(agency, '')), (coalesce(ack_status, ''))) DO NOTHING
       RETURNING ${COLUMNS}`,
      [row.receiptId, row.docId, row.kind, row.agency, row.ackStatus, row.createdAt, row.jws],
    );
    if (inserted.length) return inserted[0];
    const existing = await this.find(q, row);
    if (!existing) throw new Error(`receipt conflict without a row for ${row.docId}`);
    return existing;
  }

  /**
   * The receipts of a DocId that `agencies` may see: all of them when one of them sent it; when one of them is
   * a recipient, the submission receipt and their own acknowledgements. `visible` is false when the DocId is
   * neither sent nor received by them (the caller answers DOC_NOT_FOUND).
   */
  async visibleTo(docId: string, agencies: string[]): Promise<{ visible: boolean; receipts: ReceiptRow[] }> {
    return withDatabase('reading receipts', async () => {
      const [role]: { sender: boolean; recipient: boolean }[] = await this.ds.query(
        `SELECT EXISTS (SELECT 1 FROM submission WHERE doc_id = $1 AND sender_organ_id = ANY($2)) AS sender,
                EXISTS (SELECT 1 FROM delivery WHERE doc_id = $1 AND recipient_organ_id = ANY($2)) AS recipient`,
        [docId, agencies],
      );
      if (!role.sender && !role.recipient) return { visible: false, receipts: [] };
      const receipts: ReceiptRow[] = await this.ds.query(
        `SELECT ${COLUMNS} FROM receipt
         WHERE doc_id = $1 AND ($3 OR kind = 'submission' OR agency = ANY($2))
         ORDER BY created_at, receipt_id`,
        [docId, agencies, role.sender],
      );
      return { visible: true, receipts };
    });
  }
}
