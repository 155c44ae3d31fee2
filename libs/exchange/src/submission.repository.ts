import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { PackageSignature, TraceHop } from '#sdk-client';
import { GroupCommit, valuesPlaceholders } from '#store';
import { withDatabase } from './db-errors.js';
import type { MessageType } from './exchange.types.js';
import type { Queryable } from './receipt.repository.js';

export interface SubmissionRow {
  docId: string;
  messageType: MessageType;
  senderOrganId: string;
  systemId: string;
  documentKey: string;
  documentId: string;
  sha256: string;
  sizeBytes: number;
  toHeader: string[];
  acceptedAt: Date;
  publishedAt: Date | null;
  /** Hops so far, this hub's included (kept beside the bytes). */
  trace: TraceHop[];
  /** The parent axis a forwarded package came from; null for a package a connected system sent here. */
  originAxis: string | null;
  /** The signature check at acceptance (of the first acceptance, for a repeated send). */
  signature: PackageSignature;
}

export type NewSubmission = Omit<SubmissionRow, 'acceptedAt' | 'publishedAt'>;

/** A receipt signed for a submission before it is inserted, so both are written by one statement. */
export interface PresignedReceipt {
  receiptId: string;
  createdAt: string;
  jws: string;
}

const submissionValues = (row: NewSubmission): unknown[] => [
  row.docId,
  row.messageType,
  row.senderOrganId,
  row.systemId,
  row.documentKey,
  row.documentId,
  row.sha256,
  row.sizeBytes,
  row.toHeader,
  JSON.stringify(row.trace),
  row.originAxis,
  row.signature.verdict,
  row.signature.code ?? null,
  row.signature.message ?? null,
  row.signature.signer ? JSON.stringify(row.signature.signer) : null,
];

const SUBMISSION_COLUMNS = `doc_id, message_type, sender_organ_id, system_id, document_key, document_id,
  sha256, size_bytes, to_header, trace, origin_axis, signature_verdict, signature_code, signature_message, signer`;

const columns = (t: string): string =>
  `${t}.doc_id AS "docId", ${t}.message_type AS "messageType", ${t}.sender_organ_id AS "senderOrganId",
   ${t}.system_id AS "systemId", ${t}.document_key AS "documentKey", ${t}.document_id AS "documentId",
   ${t}.sha256, ${t}.size_bytes::float8 AS "sizeBytes", ${t}.to_header AS "toHeader",
   ${t}.accepted_at AS "acceptedAt", ${t}.published_at AS "publishedAt", ${t}.trace,
   ${t}.origin_axis AS "originAxis",
   jsonb_strip_nulls(jsonb_build_object('verdict', ${t}.signature_verdict, 'code', ${t}.signature_code,
     'message', ${t}.signature_message, 'signer', ${t}.signer)) AS signature`;

/** The submission table: one row per accepted package, unique per (sender, message type, document key). */
@Injectable()
export class SubmissionRepository {
  /** Marks of sends answered at the same time share one UPDATE. */
  private readonly published: GroupCommit<string, null>;

  constructor(@InjectDataSource() private readonly ds: DataSource) {
    this.published = new GroupCommit(async (docIds) => {
      await this.ds.query(
        `UPDATE submission SET published_at = now() WHERE doc_id = ANY($1::uuid[]) AND published_at IS NULL`,
        [docIds],
      );
      return docIds.map(() => null);
    });
  }

  /**
   * Records a new package, accepted at `acceptedAt`, with its submission receipt (if any) in one statement, so
   * both commit together in one round trip. Null when its idempotency key is taken: a repeated send, which
   * insertOrFind then answers.
   */
  async insertNew(
    row: NewSubmission,
    acceptedAt: Date,
    receipt: PresignedReceipt | undefined,
  ): Promise<SubmissionRow | null> {
    const params = [...submissionValues(row), acceptedAt];
    const at = params.length;
    let withReceipt = '';
    if (receipt) {
      params.push(receipt.receiptId, receipt.createdAt, receipt.jws);
      withReceipt = `, r AS (
           INSERT INTO receipt (receipt_id, doc_id, kind, agency, ack_status, created_at, jws)
           SELECT $${at + 1}, s.doc_id, 'submission', NULL, NULL, $${at + 2}, $${at + 3} FROM s)`;
    }
    const rows: SubmissionRow[] = await withDatabase('recording the submission', () =>
      this.ds.query(
        `WITH s AS (
           INSERT INTO submission (${SUBMISSION_COLUMNS}, accepted_at)
           VALUES (${valuesPlaceholders(1, at).slice(1, -1)})
           ON CONFLICT ON CONSTRAINT submission_idempotency DO NOTHING
           RETURNING *)${withReceipt}
         SELECT ${columns('s')} FROM s`,
        params,
      ),
    );
    return rows[0] ?? null;
  }

  /**
   * Records a new package, or finds the one already recorded under the same idempotency key (never
   * overwriting it). Concurrent identical sends are serialised by the unique constraint. `q` is the
   * transaction the receipt is written in.
   */
  async insertOrFind(
    row: NewSubmission,
    q: Queryable = this.ds,
  ): Promise<{ row: SubmissionRow; inserted: boolean }> {
    return withDatabase('recording the submission', async () => {
      const inserted: SubmissionRow[] = await q.query(
        `INSERT INTO submission (${SUBMISSION_COLUMNS})
         VALUES (${valuesPlaceholders(1, 15).slice(1, -1)})
         ON CONFLICT ON CONSTRAINT submission_idempotency DO NOTHING
         RETURNING ${columns('submission')}`,
        submissionValues(row),
      );
      if (inserted.length) return { row: inserted[0], inserted: true };
      const existing: SubmissionRow[] = await q.query(
        `SELECT ${columns('s')} FROM submission s
         WHERE s.sender_organ_id = $1 AND s.message_type = $2 AND s.document_key = $3`,
        [row.senderOrganId, row.messageType, row.documentKey],
      );
      if (!existing.length) throw new Error(`submission conflict without a row for ${row.documentKey}`);
      return { row: existing[0], inserted: false };
    });
  }

  /**
   * Submissions of the given senders, newest first. `afterDocId` is the last DocId of the previous page; it
   * only counts when it is one of these senders' own submissions (otherwise the page is empty).
   */
  async sentBy(
    senders: string[],
    messageTypes: MessageType[],
    limit: number,
    options: { afterDocId?: string; docId?: string } = {},
  ): Promise<SubmissionRow[]> {
    const params: unknown[] = [senders, messageTypes, limit];
    let where = '';
    if (options.docId) {
      params.push(options.docId);
      where += ` AND s.doc_id = $${params.length}`;
    }
    if (options.afterDocId) {
      params.push(options.afterDocId);
      where += ` AND (s.accepted_at, s.doc_id) < (SELECT c.accepted_at, c.doc_id FROM submission c
        WHERE c.doc_id = $${params.length} AND c.sender_organ_id = ANY($1))`;
    }
    return withDatabase('listing sent packages', () =>
      this.ds.query(
        `SELECT ${columns('s')} FROM submission s
         WHERE s.sender_organ_id = ANY($1) AND s.message_type = ANY($2)${where}
         ORDER BY s.accepted_at DESC, s.doc_id DESC
         LIMIT $3`,
        params,
      ),
    );
  }

  /** Runs `fn` in a transaction (a submission and its receipt are written together). */
  async transaction<T>(what: string, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return withDatabase(what, () => this.ds.transaction(fn));
  }

  /** One submission by DocId (what an acknowledgement receipt attests). */
  async byDocId(q: Queryable, docId: string): Promise<SubmissionRow | null> {
    const rows: SubmissionRow[] = await q.query(
      `SELECT ${columns('s')} FROM submission s WHERE s.doc_id = $1`,
      [docId],
    );
    return rows[0] ?? null;
  }

  async markPublished(docId: string): Promise<void> {
    await withDatabase('marking the submission published', () => this.published.submit(docId));
  }
}
