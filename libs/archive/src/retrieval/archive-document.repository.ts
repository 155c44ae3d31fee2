import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { MessageType, TraceHop } from '#contracts';
import type { ArchiveColumns } from '../archive.metadata.js';

/** An archived package's record without its bytes, with the signature verdict recorded at acceptance. */
export interface ArchivedDocumentRow extends ArchiveColumns {
  docId: string;
  messageType: MessageType;
  senderOrganId: string;
  sha256: string;
  sizeBytes: number;
  acceptedAt: Date;
  archivedAt: Date;
  trace: TraceHop[];
  /** Set when the bytes were removed under the retention policy (the record and a tombstone remain). */
  removed: { at: Date; reason: string | null } | null;
  /** Null when this axis did not accept the package itself (it came over a link from another axis). */
  acceptance: {
    systemId: string;
    verdict: string;
    code: string | null;
    message: string | null;
    signer: Record<string, unknown> | null;
  } | null;
}

export interface ChainLinkRow {
  seq: number;
  kind: string;
  recordDigest: string;
  prevDigest: string;
  digest: string;
  at: Date;
}

/** Read-only SQL for retrieval and evidence (the bytes are read through ArchiveService, wherever they are kept). */
@Injectable()
export class ArchiveDocumentRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async findDocument(docId: string): Promise<ArchivedDocumentRow | null> {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT a.doc_id, a.message_type, a.sender_organ_id, a.document_id, a.sha256, a.size_bytes, a.code_number,
              a.code_notation, a.subject, a.promulgation_date, a.type_name, a.priority, a.business_doc_type,
              a.status_code, a.metadata, a.accepted_at, a.archived_at, a.trace, a.removed_at, a.removal_reason,
              s.system_id, s.signature_verdict, s.signature_code, s.signature_message, s.signer
         FROM archived_package a LEFT JOIN submission s ON s.doc_id = a.doc_id
        WHERE a.doc_id = $1`,
      [docId],
    );
    const r = rows[0];
    if (!r) return null;
    const str = (k: string): string | null => (r[k] as string | null) ?? null;
    return {
      docId: r.doc_id as string,
      messageType: r.message_type as MessageType,
      senderOrganId: r.sender_organ_id as string,
      documentId: r.document_id as string,
      sha256: r.sha256 as string,
      sizeBytes: Number(r.size_bytes),
      codeNumber: str('code_number'),
      codeNotation: str('code_notation'),
      subject: str('subject'),
      promulgationDate: str('promulgation_date'),
      typeName: str('type_name'),
      priority: str('priority'),
      businessDocType: str('business_doc_type'),
      statusCode: str('status_code'),
      metadata: (r.metadata as Record<string, unknown>) ?? {},
      acceptedAt: r.accepted_at as Date,
      archivedAt: r.archived_at as Date,
      trace: (r.trace as TraceHop[]) ?? [],
      removed: r.removed_at ? { at: r.removed_at as Date, reason: str('removal_reason') } : null,
      acceptance: r.signature_verdict
        ? {
            systemId: r.system_id as string,
            verdict: r.signature_verdict as string,
            code: str('signature_code'),
            message: str('signature_message'),
            signer: (r.signer as Record<string, unknown> | null) ?? null,
          }
        : null,
    };
  }

  /** The package's links in the archive's hash chain (its record, and a tombstone if its bytes were removed). */
  async chainLinks(docId: string): Promise<ChainLinkRow[] | null> {
    const [t]: { present: boolean }[] = await this.ds.query(
      `SELECT to_regclass('archive_chain') IS NOT NULL AS present`,
    );
    if (!t?.present) return null;
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT seq, kind, record_digest, prev_digest, digest, at FROM archive_chain
        WHERE ref = $1 AND kind <> 'event' ORDER BY seq`,
      [docId],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      kind: r.kind as string,
      recordDigest: r.record_digest as string,
      prevDigest: r.prev_digest as string,
      digest: r.digest as string,
      at: r.at as Date,
    }));
  }
}
