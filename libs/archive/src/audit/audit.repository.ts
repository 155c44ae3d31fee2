import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { GENESIS_DIGEST, linkDigest } from '../chain/chain.digest.js';
import { lockChainHead } from '../chain/chain.lock.js';
import { auditRecordDigest, type AuditEntry } from './audit.record.js';

export interface AuditRow extends AuditEntry {
  seq: number;
  recordDigest: string;
  prevDigest: string;
  digest: string;
}

interface AuditSqlRow {
  seq: string;
  at: Date;
  actor_system_id: string;
  actor_role: string;
  action: string;
  route: string;
  target: string | null;
  filters: Record<string, unknown>;
  result: string;
  record_digest: string;
  prev_digest: string;
  digest: string;
}

export const toAuditRow = (r: AuditSqlRow): AuditRow => ({
  seq: Number(r.seq),
  at: r.at,
  actorSystemId: r.actor_system_id,
  actorRole: r.actor_role,
  action: r.action,
  route: r.route,
  target: r.target,
  filters: r.filters,
  result: r.result,
  recordDigest: r.record_digest,
  prevDigest: r.prev_digest,
  digest: r.digest,
});

/** The append-only, hash-chained `audit_log`. */
@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async append(entry: AuditEntry): Promise<number> {
    return this.ds.transaction(async (m) => {
      const prev = await lockChainHead(m, 'audit', GENESIS_DIGEST);
      const record = auditRecordDigest(entry);
      const rows: { seq: string }[] = await m.query(
        `INSERT INTO audit_log (at, actor_system_id, actor_role, action, route, target, filters, result,
           record_digest, prev_digest, digest)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING seq`,
        [
          entry.at,
          entry.actorSystemId,
          entry.actorRole,
          entry.action,
          entry.route,
          entry.target,
          JSON.stringify(entry.filters),
          entry.result,
          record,
          prev,
          linkDigest(prev, record),
        ],
      );
      return Number(rows[0].seq);
    });
  }

  /** Rows after `afterSeq`, oldest first, `limit` at a time (keyset). */
  async page(afterSeq: number, limit: number): Promise<AuditRow[]> {
    const rows: AuditSqlRow[] = await this.ds.query(
      `SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
    return rows.map(toAuditRow);
  }
}
