import type { DataSource } from 'typeorm';
import { DxError } from '#contracts';
import type { TombstoneRecord } from '../chain/chain.digest.js';
import { BlobStore } from '../blobs/blob.store.js';
import { appendChainRecord } from '../chain/chain.repository.js';

export interface RetentionPolicy {
  documentType: string;
  /** null: kept forever. */
  years: number | null;
}

export interface RetentionCandidate {
  docId: string;
  typeName: string | null;
  acceptedAt: Date;
  years: number;
}

export interface RetentionRun {
  /** Removed (or, on a dry run, to be removed). */
  removed: RetentionCandidate[];
  /** Past their period but under legal hold: kept. */
  held: RetentionCandidate[];
}

export interface LegalHold {
  docId: string;
  reason: string;
  placedBy: string;
  since: Date;
  releasedAt: Date | null;
  releasedBy: string | null;
}

/**
 * Retention periods per document type and legal holds. Removing a package takes its bytes only: the row, its
 * SHA-256 and its chain record stay, and a tombstone record is chained in the same transaction.
 */
export class RetentionService {
  constructor(
    private readonly ds: DataSource,
    /** Years for a type without a policy; 0 keeps it forever. */
    private readonly defaultYears = 0,
  ) {}

  async setPolicy(documentType: string, years: number | null): Promise<void> {
    if (!documentType.trim()) throw new DxError('BAD_REQUEST', 'the document type is empty');
    if (years !== null && (!Number.isInteger(years) || years < 1)) {
      throw new DxError('BAD_REQUEST', `years must be a whole number ≥ 1 or permanent, got ${years}`);
    }
    await this.ds.query(
      `INSERT INTO retention_policy (document_type, years) VALUES ($1, $2)
       ON CONFLICT (document_type) DO UPDATE SET years = EXCLUDED.years, updated_at = now()`,
      [documentType.normalize('NFC').trim(), years],
    );
  }

  async listPolicies(): Promise<RetentionPolicy[]> {
    const rows: { document_type: string; years: number | null }[] = await this.ds.query(
      `SELECT document_type, years FROM retention_policy ORDER BY document_type`,
    );
    return rows.map((r) => ({ documentType: r.document_type, years: r.years }));
  }

  /** Packages past their period at `now`, split into removable and held. */
  async due(now: Date): Promise<RetentionRun> {
    const rows: {
      doc_id: string;
      type_name: string | null;
      accepted_at: Date;
      years: number;
      held: boolean;
    }[] = await this.ds.query(
      `SELECT * FROM (
           SELECT p.doc_id, p.type_name, p.accepted_at,
                  CASE WHEN rp.document_type IS NOT NULL THEN rp.years ELSE NULLIF($2::int, 0) END AS years,
                  EXISTS (SELECT 1 FROM legal_hold h WHERE h.doc_id = p.doc_id AND h.released_at IS NULL) AS held
             FROM archived_package p
             LEFT JOIN retention_policy rp ON rp.document_type = p.type_name
            WHERE p.removed_at IS NULL) t
          WHERE years IS NOT NULL AND accepted_at + make_interval(years => years) <= $1
          ORDER BY accepted_at, doc_id`,
      [now, this.defaultYears],
    );
    const all = rows.map((r) => ({
      docId: r.doc_id,
      typeName: r.type_name,
      acceptedAt: r.accepted_at,
      years: r.years,
      held: r.held,
    }));
    const strip = ({ held: _held, ...c }: RetentionCandidate & { held: boolean }) => c;
    return { removed: all.filter((c) => !c.held).map(strip), held: all.filter((c) => c.held).map(strip) };
  }

  /** Removes the bytes of every package past its period and not under hold (nothing on a dry run). */
  async apply(
    opts: { now?: Date; dryRun?: boolean; onProgress?: (done: number, total: number) => void } = {},
  ) {
    const now = opts.now ?? new Date();
    const run = await this.due(now);
    if (opts.dryRun) return run;
    const removed: RetentionCandidate[] = [];
    for (const c of run.removed) {
      if (await this.remove(c)) removed.push(c);
      else run.held.push(c);
      opts.onProgress?.(removed.length, run.removed.length);
    }
    return { removed, held: run.held };
  }

  /** One package, in one transaction: re-checks the hold under the row lock, nulls the bytes, chains a tombstone. */
  private async remove(c: RetentionCandidate): Promise<boolean> {
    const blob = await this.ds.transaction(async (m): Promise<string | null | false> => {
      const rows: { sha256: string; removed_at: Date | null; blob_sha256: string | null }[] = await m.query(
        `SELECT sha256, removed_at, blob_sha256 FROM archived_package WHERE doc_id = $1 FOR UPDATE`,
        [c.docId],
      );
      const row = rows[0];
      if (!row || row.removed_at) return false;
      const hold: unknown[] = await m.query(
        `SELECT 1 FROM legal_hold WHERE doc_id = $1 AND released_at IS NULL`,
        [c.docId],
      );
      if (hold.length) return false;
      const at = new Date();
      const reason = `retention: ${c.typeName ?? '(no type)'} kept ${c.years} year(s) from ${c.acceptedAt.toISOString()}`;
      await m.query(
        `UPDATE archived_package SET content = NULL, blob_sha256 = NULL, removed_at = $2, removal_reason = $3 WHERE doc_id = $1`,
        [c.docId, at, reason],
      );
      const tombstone: TombstoneRecord = {
        kind: 'tombstone',
        docId: c.docId,
        sha256: row.sha256,
        reason,
        at: at.toISOString(),
      };
      await appendChainRecord(m, tombstone);
      return row.blob_sha256?.trim() ?? null;
    });
    // A blob no other package shares goes with the last row that referenced it.
    if (blob) await new BlobStore(this.ds).release(blob);
    return blob !== false;
  }

  /** Places a legal hold (idempotent while one is active). Errors: DOC_NOT_FOUND, BAD_REQUEST. */
  async hold(docId: string, reason: string, by: string): Promise<LegalHold> {
    if (!reason.trim()) throw new DxError('BAD_REQUEST', 'a legal hold needs a reason');
    return this.ds.transaction(async (m) => {
      // The package row lock orders a hold against a concurrent retention removal.
      const pkg: unknown[] = await m.query(
        `SELECT 1 FROM archived_package WHERE doc_id::text = $1 FOR UPDATE`,
        [docId],
      );
      if (!pkg.length) throw new DxError('DOC_NOT_FOUND', `no archived package ${docId}`);
      await m.query(
        `INSERT INTO legal_hold (doc_id, reason, placed_by) VALUES ($1, $2, $3)
         ON CONFLICT (doc_id) WHERE released_at IS NULL DO NOTHING`,
        [docId, reason, by],
      );
      const [h] = await this.holdsIn(m, docId, true);
      return h;
    });
  }

  /** Releases the active hold. Errors: DOC_NOT_FOUND when there is none. */
  async release(docId: string, by: string): Promise<LegalHold> {
    // UPDATE … RETURNING answers [rows, count] through TypeORM.
    const [rows] = (await this.ds.query(
      `UPDATE legal_hold SET released_at = now(), released_by = $2
        WHERE doc_id::text = $1 AND released_at IS NULL RETURNING id`,
      [docId, by],
    )) as [unknown[], number];
    if (!rows.length) throw new DxError('DOC_NOT_FOUND', `package ${docId} is not under legal hold`);
    return (await this.holds(docId))[0];
  }

  async holds(docId?: string): Promise<LegalHold[]> {
    return this.holdsIn(this.ds, docId, false);
  }

  private async holdsIn(
    db: { query(sql: string, p?: unknown[]): Promise<unknown> },
    docId: string | undefined,
    activeOnly: boolean,
  ): Promise<LegalHold[]> {
    const rows = (await db.query(
      `SELECT doc_id, reason, placed_by, since, released_at, released_by FROM legal_hold
        WHERE ($1::text IS NULL OR doc_id::text = $1) AND (NOT $2 OR released_at IS NULL)
        ORDER BY id DESC`,
      [docId ?? null, activeOnly],
    )) as {
      doc_id: string;
      reason: string;
      placed_by: string;
      since: Date;
      released_at: Date | null;
      released_by: string | null;
    }[];
    return rows.map((r) => ({
      docId: r.doc_id,
      reason: r.reason,
      placedBy: r.placed_by,
      since: r.since,
      releasedAt: r.released_at,
      releasedBy: r.released_by,
    }));
  }
}
