import type { ReceiptTrust } from '#trust';
import { auditRecordDigest } from '../audit/audit.record.js';
import { toAuditRow } from '../audit/audit.repository.js';
import {
  eventRecordOf,
  GENESIS_DIGEST,
  iso,
  packageRecordOfRow,
  type PackageRecordRow,
  recordDigest,
  type ChainKind,
} from './chain.digest.js';
import { LinkChecker } from './chain.links.js';
import { verifyCheckpoint } from './checkpoint.js';

/** What the verifier needs of a database connection (a TypeORM DataSource or EntityManager). */
export interface Queryable {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

export interface VerifyOptions {
  /** Start at this archive chain seq (the audit log is always checked whole). */
  fromSeq?: number;
  /** Also check each checkpoint's seal certificate chain. */
  trust?: ReceiptTrust;
  /** Called after each page: records checked so far, and the total to check. */
  onProgress?: (done: number, total: number) => void;
  pageSize?: number;
  /** Recomputes the digest of bytes kept in the blob store (BlobStore). */
  blobs?: { digest(sha256: string): Promise<{ sha256: string; complete: boolean } | null> };
}

export interface VerifyReport {
  problems: string[];
  records: number;
  checkpoints: number;
  auditRows: number;
  /** Seq of the newest checkpoint, if any. */
  lastCheckpoint: number | null;
}

interface JoinedRow {
  seq: string;
  kind: ChainKind;
  ref: string;
  record_digest: string;
  prev_digest: string;
  digest: string;
  p_doc_id: string | null;
  message_type: string | null;
  sender_organ_id: string | null;
  document_id: string | null;
  sha256: string | null;
  size_bytes: string | null;
  accepted_at: Date | null;
  trace: unknown[] | null;
  content_sha256: string | null;
  has_content: boolean | null;
  blob_sha256: string | null;
  removed_at: Date | null;
  removal_reason: string | null;
  h_event_id: string | null;
  h_doc_id: string | null;
  recipient_organ_id: string | null;
  h_message_type: string | null;
  event: string | null;
  status_code: string | null;
  reason: string | null;
  at: Date | null;
}

/**
 * Recomputes the archive chain and the audit log from the live rows: every record digest (packages: the
 * SHA-256 of the stored bytes too), every link, every checkpoint signature; names each problem found.
 */
export async function verifyArchive(db: Queryable, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const pageSize = opts.pageSize ?? 500;
  const from = Math.max(1, opts.fromSeq ?? 1);
  const problems: string[] = [];
  const q = async <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    (await db.query(sql, params)) as T[];

  const [{ n: chainTotal }] = await q<{ n: string }>(
    `SELECT count(*) AS n FROM archive_chain WHERE seq >= $1`,
    [from],
  );
  const [{ n: auditTotal }] = await q<{ n: string }>(`SELECT count(*) AS n FROM audit_log`);
  const total = Number(chainTotal) + Number(auditTotal);
  let done = 0;

  // --- the archive chain
  const before = await q<{ seq: string; digest: string }>(
    `SELECT seq, digest FROM archive_chain WHERE seq < $1 ORDER BY seq DESC LIMIT 1`,
    [from],
  );
  const links = new LinkChecker('', {
    seq: before[0] ? Number(before[0].seq) : from - 1,
    digest: before[0]?.digest ?? GENESIS_DIGEST,
  });
  const digests = new Map<number, string>();
  const bytesMissing = new Map<string, number>();
  const tombstoned = new Set<string>();
  let records = 0;
  for (let after = from - 1; ;) {
    const page = await q<JoinedRow>(
      `SELECT c.seq, c.kind, c.ref, c.record_digest, c.prev_digest, c.digest,
              p.doc_id AS p_doc_id, p.message_type, p.sender_organ_id, p.document_id, p.sha256, p.size_bytes,
              p.accepted_at, p.trace, encode(sha256(p.content), 'hex') AS content_sha256,
              p.content IS NOT NULL OR p.blob_sha256 IS NOT NULL AS has_content, p.blob_sha256, p.removed_at, p.removal_reason,
              h.event_id AS h_event_id, h.doc_id AS h_doc_id, h.recipient_organ_id, h.message_type AS h_message_type,
              h.event, h.status_code, h.reason, h.at
         FROM archive_chain c
         LEFT JOIN archived_package p ON c.kind IN ('package', 'tombstone') AND p.doc_id::text = c.ref
         LEFT JOIN delivery_history h ON c.kind = 'event' AND h.event_id = c.ref
        WHERE c.seq > $1 ORDER BY c.seq LIMIT $2`,
      [after, pageSize],
    );
    if (!page.length) break;
    for (const r of page) {
      const seq = Number(r.seq);
      problems.push(
        ...links.check({ seq, prevDigest: r.prev_digest, recordDigest: r.record_digest, digest: r.digest }),
      );
      problems.push(...checkRecord(r, seq, bytesMissing, tombstoned));
      if (r.blob_sha256) problems.push(...(await checkBlob(r, seq, opts.blobs)));
      digests.set(seq, r.digest);
      records++;
    }
    after = Number(page[page.length - 1].seq);
    done += page.length;
    opts.onProgress?.(done, total);
  }
  for (const [docId, seq] of bytesMissing) {
    if (!tombstoned.has(docId)) {
      problems.push(`deleted: package ${docId} (seq ${seq}) has no bytes and no tombstone`);
    }
  }

  // --- rows the chain does not know: inserted behind its back (or archived before the chain existed)
  for (const r of await q<{ doc_id: string }>(
    `SELECT p.doc_id FROM archived_package p WHERE NOT EXISTS
       (SELECT 1 FROM archive_chain c WHERE c.kind = 'package' AND c.ref = p.doc_id::text) ORDER BY p.doc_id`,
  )) {
    problems.push(`inserted: package ${r.doc_id} has no chain record`);
  }
  for (const r of await q<{ event_id: string }>(
    `SELECT h.event_id FROM delivery_history h WHERE NOT EXISTS
       (SELECT 1 FROM archive_chain c WHERE c.kind = 'event' AND c.ref = h.event_id) ORDER BY h.id`,
  )) {
    problems.push(`inserted: event ${r.event_id} has no chain record`);
  }

  // --- checkpoints
  const checkpoints = await q<{ seq: string; digest: string; jws: string }>(
    `SELECT seq, digest, jws FROM archive_checkpoint WHERE seq >= $1 ORDER BY seq`,
    [from],
  );
  for (const c of checkpoints) {
    const seq = Number(c.seq);
    try {
      const p = verifyCheckpoint(c.jws, { trust: opts.trust });
      if (p.seq !== seq || p.digest !== c.digest) {
        problems.push(`checkpoint ${seq} altered: its row does not say what its signature says`);
      }
      const live = digests.get(p.seq);
      if (live === undefined) problems.push(`deleted: seq ${p.seq} (checkpoint ${seq} signed it)`);
      else if (live !== p.digest) problems.push(`checkpoint ${seq} does not match the chain at seq ${p.seq}`);
    } catch (e) {
      const err = e as { code?: string; message?: string };
      problems.push(`checkpoint ${seq} signature invalid (${err.code ?? 'ERROR'}: ${err.message})`);
    }
  }

  // --- the audit log
  const audit = new LinkChecker('audit ', { seq: 0, digest: GENESIS_DIGEST });
  let auditRows = 0;
  for (let after = 0; ;) {
    const page = (
      await q<Parameters<typeof toAuditRow>[0]>(
        `SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, pageSize],
      )
    ).map(toAuditRow);
    if (!page.length) break;
    for (const r of page) {
      problems.push(...audit.check(r));
      if (auditRecordDigest(r) !== r.recordDigest) problems.push(`altered: audit seq ${r.seq}`);
      auditRows++;
    }
    after = page[page.length - 1].seq;
    done += page.length;
    opts.onProgress?.(done, total);
  }

  const last = checkpoints.length ? Number(checkpoints[checkpoints.length - 1].seq) : null;
  return { problems, records, checkpoints: checkpoints.length, auditRows, lastCheckpoint: last };
}

function checkRecord(
  r: JoinedRow,
  seq: number,
  bytesMissing: Map<string, number>,
  tombstoned: Set<string>,
): string[] {
  if (r.kind === 'event') {
    if (!r.h_event_id) return [`deleted: event ${r.ref} (seq ${seq}) has no history row`];
    const record = eventRecordOf({
      eventId: r.h_event_id,
      docId: r.h_doc_id!,
      recipient: r.recipient_organ_id!,
      messageType: r.h_message_type!,
      event: r.event!,
      statusCode: r.status_code,
      reason: r.reason,
      at: r.at!,
    });
    return recordDigest(record) === r.record_digest ? [] : [`altered: event ${r.ref} (seq ${seq})`];
  }
  if (!r.p_doc_id) return [`deleted: package ${r.ref} (seq ${seq}) has no archived row`];
  if (r.kind === 'tombstone') {
    tombstoned.add(r.ref);
    const record = {
      kind: 'tombstone',
      docId: r.p_doc_id,
      sha256: r.sha256,
      reason: r.removal_reason,
      at: r.removed_at ? iso(r.removed_at) : null,
    };
    return recordDigest(record) === r.record_digest
      ? []
      : [`altered: tombstone of package ${r.ref} (seq ${seq})`];
  }
  const problems: string[] = [];
  // The LEFT JOIN found the row (p_doc_id is set), so its package columns are all there.
  const record = packageRecordOfRow({ ...r, doc_id: r.p_doc_id } as PackageRecordRow);
  if (recordDigest(record) !== r.record_digest) problems.push(`altered: package ${r.ref} (seq ${seq})`);
  if (!r.has_content) bytesMissing.set(r.ref, seq);
  else if (!r.blob_sha256 && r.content_sha256 !== r.sha256) {
    problems.push(`altered: package ${r.ref} (seq ${seq}): the stored bytes do not hash to its sha256`);
  }
  return problems;
}

async function checkBlob(r: JoinedRow, seq: number, blobs: VerifyOptions['blobs']): Promise<string[]> {
  const where = `package ${r.ref} (seq ${seq})`;
  if (r.blob_sha256?.trim() !== r.sha256) return [`altered: ${where}: it points at blob ${r.blob_sha256}`];
  if (!blobs) return [];
  const d = await blobs.digest(r.blob_sha256);
  if (!d) return [`deleted: ${where}: its blob is missing`];
  if (!d.complete || d.sha256 !== r.sha256)
    return [`altered: ${where}: the stored bytes do not hash to its sha256`];
  return [];
}
