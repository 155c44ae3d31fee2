// The digest scheme shared by the archive chain, the audit log and offline export checks. Pure functions only:
// `docaxis verify-export` runs them without a hub.
import { createHash } from 'node:crypto';

/** prev_digest of the first record of a chain. */
export const GENESIS_DIGEST = '0'.repeat(64);

export type ChainKind = 'package' | 'event' | 'tombstone';

const sha256 = (data: Uint8Array | string): string => createHash('sha256').update(data).digest('hex');

/**
 * JSON with object keys sorted at every level and undefined dropped, so a record read back from Postgres
 * (jsonb reorders keys) digests to the same value as the one written.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return value === undefined ? 'null' : JSON.stringify(value);
  }
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** SHA-256 hex over the canonical JSON of a record's content. */
export const recordDigest = (content: unknown): string => sha256(canonicalJson(content));

/** digest = SHA-256(prev_digest || record_digest), over the 32 raw bytes of each. */
export const linkDigest = (prevDigest: string, record: string): string =>
  sha256(Buffer.concat([Buffer.from(prevDigest, 'hex'), Buffer.from(record, 'hex')]));

/** What a package chain record covers: the identity and hash of the original bytes, not the derived index. */
export interface PackageRecord {
  kind: 'package';
  docId: string;
  messageType: string;
  sender: string;
  documentId: string;
  sha256: string;
  sizeBytes: number;
  acceptedAt: string;
  trace: unknown[];
}

export interface EventRecord {
  kind: 'event';
  eventId: string;
  docId: string;
  recipient: string;
  messageType: string;
  event: string;
  statusCode: string | null;
  reason: string | null;
  at: string;
}

/** Appended when retention removes a package's bytes: the hash stays provable, the bytes are gone. */
export interface TombstoneRecord {
  kind: 'tombstone';
  docId: string;
  sha256: string;
  reason: string;
  at: string;
}

export type ChainRecord = PackageRecord | EventRecord | TombstoneRecord;

export const iso = (d: Date | string): string => new Date(d).toISOString();

/** The archived_package columns a package's chain record is made of (a SELECT list; alias the table `p`). */
export const PACKAGE_RECORD_COLUMNS =
  'p.doc_id, p.message_type, p.sender_organ_id, p.document_id, p.sha256, p.size_bytes, p.accepted_at, p.trace';

/** Those columns as node-postgres returns them. */
export interface PackageRecordRow {
  doc_id: string;
  message_type: string;
  sender_organ_id: string;
  document_id: string;
  sha256: string;
  size_bytes: string | number;
  accepted_at: Date;
  trace: unknown[] | null;
}

/** The chain record of a package read back from the database (PACKAGE_RECORD_COLUMNS). */
export const packageRecordOfRow = (p: PackageRecordRow): PackageRecord =>
  packageRecordOf({
    docId: p.doc_id,
    messageType: p.message_type,
    senderOrganId: p.sender_organ_id,
    documentId: p.document_id,
    sha256: p.sha256,
    sizeBytes: Number(p.size_bytes),
    acceptedAt: p.accepted_at,
    trace: p.trace,
  });

/** The chain record of an archived package, from the row's columns (as written, or as read back). */
export function packageRecordOf(r: {
  docId: string;
  messageType: string;
  senderOrganId: string;
  documentId: string;
  sha256: string;
  sizeBytes: number;
  acceptedAt: Date | string;
  trace: unknown[] | null;
}): PackageRecord {
  return {
    kind: 'package',
    docId: r.docId,
    messageType: r.messageType,
    sender: r.senderOrganId,
    documentId: r.documentId,
    sha256: r.sha256,
    sizeBytes: r.sizeBytes,
    acceptedAt: iso(r.acceptedAt),
    trace: r.trace ?? [],
  };
}

export function eventRecordOf(r: {
  eventId: string;
  docId: string;
  recipient: string;
  messageType: string;
  event: string;
  statusCode?: string | null;
  reason?: string | null;
  at: Date | string;
}): EventRecord {
  return {
    kind: 'event',
    eventId: r.eventId,
    docId: r.docId,
    recipient: r.recipient,
    messageType: r.messageType,
    event: r.event,
    statusCode: r.statusCode ?? null,
    reason: r.reason ?? null,
    at: iso(r.at),
  };
}
