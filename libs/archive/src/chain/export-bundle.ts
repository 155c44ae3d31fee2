// One self-contained JSON file that proves an archived original offline: the bytes, the chain record, the
// chain from it to the next signed checkpoint, and the checkpoint with the seal chain in its x5c.
import { createHash, X509Certificate } from 'node:crypto';
import { DxError } from '#contracts';
import type { ReceiptTrust } from '#trust';
import {
  linkDigest,
  PACKAGE_RECORD_COLUMNS,
  packageRecordOfRow,
  recordDigest,
  type PackageRecord,
  type PackageRecordRow,
} from './chain.digest.js';
import { verifyCheckpoint } from './checkpoint.js';
import type { Queryable } from './chain.verifier.js';

export const EXPORT_FORMAT = 'docaxis-archive-export';

export interface ExportLink {
  seq: number;
  kind: string;
  ref: string;
  recordDigest: string;
  prevDigest: string;
  digest: string;
}

export interface ExportBundle {
  format: typeof EXPORT_FORMAT;
  v: 1;
  docId: string;
  exportedAt: string;
  /** The original package, base64 (byte-identical when decoded); null when retention removed the bytes. */
  original: string | null;
  record: PackageRecord;
  /** From the package's own chain record to the checkpoint's seq, in order. */
  chain: ExportLink[];
  checkpoint: { seq: number; digest: string; at: string; jws: string };
  /** The package signature verdict recorded when the package was accepted (null: not submitted here). */
  signature: {
    verdict: string;
    code: string | null;
    message: string | null;
    signer: Record<string, unknown> | null;
  } | null;
  /** Set when the bytes were removed under retention (its tombstone is then in `chain`). */
  removed?: { at: string; reason: string };
}

/** Builds the export of one archived package. Errors: DOC_NOT_FOUND, CHECKPOINT_PENDING. */
export async function buildExport(
  db: Queryable,
  docId: string,
  blobs?: { read(sha256: string): Promise<Buffer | null> },
): Promise<ExportBundle> {
  const q = async <T>(sql: string, params: unknown[]): Promise<T[]> => (await db.query(sql, params)) as T[];
  const [p] = await q<
    PackageRecordRow & {
      content: Buffer | null;
      blob_sha256: string | null;
      removed_at: Date | null;
      removal_reason: string | null;
    }
  >(
    `SELECT ${PACKAGE_RECORD_COLUMNS}, p.content, p.blob_sha256, p.removed_at, p.removal_reason
       FROM archived_package p WHERE p.doc_id::text = $1`,
    [docId],
  );
  if (!p) throw new DxError('DOC_NOT_FOUND', `no archived package ${docId}`);
  if (!p.content && p.blob_sha256) {
    if (!blobs)
      throw new DxError('INTERNAL', `package ${docId} is in the blob store and no blob reader was given`);
    p.content = await blobs.read(p.blob_sha256.trim());
    if (!p.content) throw new DxError('ARCHIVE_BLOB_INCOMPLETE', `the blob of package ${docId} is missing`);
  }
  const [own] = await q<{ seq: string }>(
    `SELECT seq FROM archive_chain WHERE kind = 'package' AND ref = $1 ORDER BY seq LIMIT 1`,
    [docId],
  );
  if (!own) throw new DxError('CHAIN_BROKEN', `package ${docId} has no chain record`);
  const [cp] = await q<{ seq: string; digest: string; at: Date; jws: string }>(
    `SELECT seq, digest, at, jws FROM archive_checkpoint WHERE seq >= $1 ORDER BY seq LIMIT 1`,
    [own.seq],
  );
  if (!cp) {
    throw new DxError(
      'CHECKPOINT_PENDING',
      `package ${docId} (seq ${own.seq}) is not covered by a signed checkpoint yet; retry after the next one`,
    );
  }
  const chain = await q<{
    seq: string;
    kind: string;
    ref: string;
    record_digest: string;
    prev_digest: string;
    digest: string;
  }>(
    `SELECT seq, kind, ref, record_digest, prev_digest, digest FROM archive_chain
      WHERE seq BETWEEN $1 AND $2 ORDER BY seq`,
    [own.seq, cp.seq],
  );
  const [sub] = await q<{
    signature_verdict: string;
    signature_code: string | null;
    signature_message: string | null;
    signer: Record<string, unknown> | null;
  }>(
    `SELECT signature_verdict, signature_code, signature_message, signer FROM submission WHERE doc_id::text = $1`,
    [docId],
  );
  return {
    format: EXPORT_FORMAT,
    v: 1,
    docId,
    exportedAt: new Date().toISOString(),
    original: p.content ? p.content.toString('base64') : null,
    record: packageRecordOfRow(p),
    chain: chain.map((c) => ({
      seq: Number(c.seq),
      kind: c.kind,
      ref: c.ref,
      recordDigest: c.record_digest,
      prevDigest: c.prev_digest,
      digest: c.digest,
    })),
    checkpoint: { seq: Number(cp.seq), digest: cp.digest, at: cp.at.toISOString(), jws: cp.jws },
    signature: sub
      ? {
          verdict: sub.signature_verdict,
          code: sub.signature_code,
          message: sub.signature_message,
          signer: sub.signer,
        }
      : null,
    ...(p.removed_at ? { removed: { at: p.removed_at.toISOString(), reason: p.removal_reason ?? '' } } : {}),
  };
}

export interface ExportCheck {
  problems: string[];
  docId?: string;
  sha256?: string;
  checkpointSeq?: number;
  /** The seal certificate's subject. */
  sealedBy?: string;
}

/**
 * Checks an export with nothing but the file (and optionally a trust store): bytes → sha256 → record digest →
 * chain links → checkpoint digest → checkpoint signature (→ seal chain). Names every problem.
 */
export function verifyExport(text: string | Buffer, opts: { trust?: ReceiptTrust } = {}): ExportCheck {
  let b: ExportBundle;
  try {
    b = JSON.parse(text.toString()) as ExportBundle;
  } catch (e) {
    return { problems: [`not a docaxis export: the file is not JSON (${(e as Error).message})`] };
  }
  if (
    !b ||
    b.format !== EXPORT_FORMAT ||
    b.v !== 1 ||
    !b.record ||
    !Array.isArray(b.chain) ||
    !b.checkpoint
  ) {
    return { problems: ['not a docaxis export: format, record, chain or checkpoint missing'] };
  }
  const problems: string[] = [];
  const r = b.record;
  if (r.docId !== b.docId) problems.push(`record: names package ${r.docId}, the export ${b.docId}`);
  if (b.original !== null) {
    const bytes = Buffer.from(b.original, 'base64');
    const sha = createHash('sha256').update(bytes).digest('hex');
    if (sha !== r.sha256) problems.push(`original: its SHA-256 is ${sha}, the record says ${r.sha256}`);
    if (bytes.length !== r.sizeBytes)
      problems.push(`original: ${bytes.length} bytes, the record says ${r.sizeBytes}`);
  } else if (!b.removed) {
    problems.push('original: the bytes are missing and no removal is recorded');
  } else if (!b.chain.some((c) => c.kind === 'tombstone' && c.ref === b.docId)) {
    problems.push('original: removed, but the tombstone is not in the exported chain');
  }
  const first = b.chain[0];
  if (!first || first.kind !== 'package' || first.ref !== b.docId) {
    problems.push(`chain: does not start with the chain record of package ${b.docId}`);
  } else if (recordDigest(r) !== first.recordDigest) {
    problems.push(`record: its digest is not the one chained at seq ${first.seq} (the record was altered)`);
  }
  b.chain.forEach((c, i) => {
    if (linkDigest(c.prevDigest, c.recordDigest) !== c.digest) {
      problems.push(`chain: seq ${c.seq} digest is not SHA-256(prev_digest || record_digest)`);
    }
    const prev = b.chain[i - 1];
    if (prev && (c.prevDigest !== prev.digest || c.seq <= prev.seq)) {
      problems.push(`chain: seq ${c.seq} does not link to seq ${prev.seq}`);
    }
  });
  const last = b.chain[b.chain.length - 1];
  if (last && (last.seq !== b.checkpoint.seq || last.digest !== b.checkpoint.digest)) {
    problems.push(`chain: ends at seq ${last.seq}, not at checkpoint ${b.checkpoint.seq}'s digest`);
  }
  const out: ExportCheck = { problems, docId: b.docId, sha256: r.sha256, checkpointSeq: b.checkpoint.seq };
  try {
    const p = verifyCheckpoint(b.checkpoint.jws, opts);
    if (p.seq !== b.checkpoint.seq || p.digest !== b.checkpoint.digest) {
      problems.push(`checkpoint ${b.checkpoint.seq}: the signed seq/digest differ from the exported ones`);
    }
    const x5c = (
      JSON.parse(Buffer.from(b.checkpoint.jws.split('.')[0], 'base64url').toString()) as { x5c: string[] }
    ).x5c;
    out.sealedBy = x5c.length ? certSubject(x5c[0]) : undefined;
  } catch (e) {
    const err = e as { code?: string; message?: string };
    problems.push(
      `checkpoint ${b.checkpoint.seq} signature invalid (${err.code ?? 'ERROR'}: ${err.message})`,
    );
  }
  return out;
}

function certSubject(b64: string): string | undefined {
  try {
    return new X509Certificate(Buffer.from(b64, 'base64')).subject.split('\n').join(', ');
  } catch {
    return undefined;
  }
}
