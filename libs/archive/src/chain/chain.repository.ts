import type { DataSource, EntityManager } from 'typeorm';
import { valuesPlaceholders } from '#store';
import {
  eventRecordOf,
  GENESIS_DIGEST,
  linkDigest,
  PACKAGE_RECORD_COLUMNS,
  packageRecordOfRow,
  type PackageRecordRow,
  recordDigest,
  type ChainRecord,
} from './chain.digest.js';
import { lockChainHead } from './chain.lock.js';

export interface ChainLink {
  seq: number;
  kind: ChainRecord['kind'];
  ref: string;
  recordDigest: string;
  prevDigest: string;
  digest: string;
  at: Date;
}

export interface ChainSqlRow {
  seq: string;
  kind: ChainRecord['kind'];
  ref: string;
  record_digest: string;
  prev_digest: string;
  digest: string;
  at: Date;
}

export const toChainLink = (r: ChainSqlRow): ChainLink => ({
  seq: Number(r.seq),
  kind: r.kind,
  ref: r.ref,
  recordDigest: r.record_digest,
  prevDigest: r.prev_digest,
  digest: r.digest,
  at: r.at,
});

const refOf = (r: ChainRecord): string => (r.kind === 'event' ? r.eventId : r.docId);

/**
 * Appends a record to `archive_chain` inside the caller's transaction (the one that writes the archived row),
 * so a row and its chain record commit together or not at all.
 */
export async function appendChainRecord(m: EntityManager, record: ChainRecord): Promise<ChainLink> {
  const prev = await lockChainHead(m, 'archive', GENESIS_DIGEST);
  const [link] = await appendChainRecords(m, prev, [record]);
  return link;
}

/**
 * Appends records in order after `prev`, the head digest read under the chain lock the caller's transaction
 * already holds (lockChainHead), in one statement.
 */
export async function appendChainRecords(
  m: EntityManager,
  prev: string,
  records: ChainRecord[],
): Promise<ChainLink[]> {
  if (!records.length) return [];
  const values: unknown[] = [];
  for (const record of records) {
    const rd = recordDigest(record);
    const digest = linkDigest(prev, rd);
    values.push(record.kind, refOf(record), rd, prev, digest);
    prev = digest;
  }
  // VALUES rows take their seq in order, so the links follow seq as `archive verify` reads them.
  const rows: ChainSqlRow[] = await m.query(
    `INSERT INTO archive_chain (kind, ref, record_digest, prev_digest, digest) VALUES ${valuesPlaceholders(records.length, 5)}
     RETURNING *`,
    values,
  );
  return rows.map(toChainLink).sort((a, b) => a.seq - b.seq);
}

/**
 * Chains the packages and events archived before the chain existed (upgrade from a hub without it): rows with
 * no chain record that were archived before the chain's first record, oldest first. A row added behind the
 * chain's back later stays unchained, so `archive verify` keeps naming it.
 */
export async function adoptLegacyRows(ds: DataSource): Promise<{ packages: number; events: number }> {
  const q = `SELECT min(at) AS first FROM archive_chain`;
  const [{ first }] = (await ds.query(q)) as { first: Date | null }[];
  const since = first ?? new Date('9999-12-31T00:00:00Z');
  const packages = (await ds.query(
    `SELECT ${PACKAGE_RECORD_COLUMNS}
       FROM archived_package p
      WHERE p.archived_at < $1
        AND NOT EXISTS (SELECT 1 FROM archive_chain c WHERE c.kind = 'package' AND c.ref = p.doc_id::text)
      ORDER BY p.archived_at, p.doc_id`,
    [since],
  )) as PackageRecordRow[];
  for (const p of packages) {
    await ds.transaction((m) => appendChainRecord(m, packageRecordOfRow(p)));
  }
  const events = (await ds.query(
    `SELECT event_id, doc_id, recipient_organ_id, message_type, event, status_code, reason, at
       FROM delivery_history h
      WHERE h.recorded_at < $1
        AND NOT EXISTS (SELECT 1 FROM archive_chain c WHERE c.kind = 'event' AND c.ref = h.event_id)
      ORDER BY h.id`,
    [since],
  )) as {
    event_id: string;
    doc_id: string;
    recipient_organ_id: string;
    message_type: string;
    event: string;
    status_code: string | null;
    reason: string | null;
    at: Date;
  }[];
  for (const e of events) {
    await ds.transaction((m) =>
      appendChainRecord(
        m,
        eventRecordOf({
          eventId: e.event_id,
          docId: e.doc_id,
          recipient: e.recipient_organ_id,
          messageType: e.message_type,
          event: e.event,
          statusCode: e.status_code,
          reason: e.reason,
          at: e.at,
        }),
      ),
    );
  }
  return { packages: packages.length, events: events.length };
}
