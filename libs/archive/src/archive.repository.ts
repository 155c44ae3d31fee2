import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { valuesPlaceholders } from '#store';
import type { DeliveryEvent, MessageType } from '#contracts';
import type { TraceHop } from '#contracts';
import type { ArchiveColumns } from './archive.metadata.js';
import { eventRecordOf, GENESIS_DIGEST, packageRecordOf, type ChainRecord } from './chain/chain.digest.js';
import { lockChainHead } from './chain/chain.lock.js';
import { appendChainRecords } from './chain/chain.repository.js';

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
    const [r] = await this.writeBatch([{ kind: 'package', row }]);
    return { inserted: r.inserted, storedSha256: r.storedSha256 ?? '' };
  }

  /** Returns false when the event id was recorded before (events are at-least-once). */
  async insertEvent(ev: DeliveryEvent): Promise<boolean> {
    const [r] = await this.writeBatch([{ kind: 'event', ev }]);
    return r.inserted;
  }

  /**
   * Writes packages and events in one transaction with their chain records (what `docaxis archive verify`
   * checks): all commit together or none. Idempotent per DocId and event id; a repeat is answered
   * `inserted: false` (with the sha256 stored for the DocId, for a package). Many items per call is what makes
   * the archive fast: the chain is one sequence, so every write serialises on its head.
   */
  async writeBatch(items: ArchiveWrite[]): Promise<ArchiveWritten[]> {
    return this.ds.transaction(async (m) => {
      // The chain lock first: all archive writes serialise on it anyway, and holding it before the rows' own
      // (recipient bucket) locks means two archive processes can never deadlock on those.
      const head = await lockChainHead(m, 'archive', GENESIS_DIGEST);
      const packages = firstOfEach(items, (w) => (w.kind === 'package' ? w.row.docId : undefined));
      const events = firstOfEach(items, (w) => (w.kind === 'event' ? w.ev.eventId : undefined));
      const rowAt = (i: number) => (items[i] as Extract<ArchiveWrite, { kind: 'package' }>).row;
      const eventAt = (i: number) => (items[i] as Extract<ArchiveWrite, { kind: 'event' }>).ev;
      const newDocs = await insertPackageRows(m, [...packages.values()].map(rowAt));
      const newEvents = await insertEventRows(m, [...events.values()].map(eventAt));
      const stored = await storedHashes(
        m,
        [...packages.keys()].filter((d) => !newDocs.has(d)),
      );

      const chain: ChainRecord[] = [];
      const answers = items.map((w, i): ArchiveWritten => {
        if (w.kind === 'package') {
          const { docId } = w.row;
          const isNew = packages.get(docId) === i && newDocs.has(docId);
          if (isNew)
            chain.push(packageRecordOf({ ...w.row, sizeBytes: w.row.sizeBytes ?? w.row.content.length }));
          // A later copy in the same batch sees what the first one stored.
          const storedSha256 = newDocs.has(docId)
            ? rowAt(packages.get(docId)!).sha256
            : (stored.get(docId) ?? '');
          return { inserted: isNew, storedSha256 };
        }
        const isNew = events.get(w.ev.eventId) === i && newEvents.has(w.ev.eventId);
        if (isNew) chain.push(eventRecordOf(w.ev));
        return { inserted: isNew };
      });
      await appendChainRecords(m, head, chain);
      return answers;
    });
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

/** A package row or a delivery event, for ArchiveRepository.writeBatch. */
export type ArchiveWrite = { kind: 'package'; row: ArchiveRow } | { kind: 'event'; ev: DeliveryEvent };

export interface ArchiveWritten {
  /** False for a DocId or event id archived before (or earlier in the same batch). */
  inserted: boolean;
  /** Packages: the sha256 stored for the DocId. */
  storedSha256?: string;
}

const PACKAGE_COLUMNS = 19;
const EVENT_COLUMNS = 8;

/** The index of the first item per key (a redelivery can sit in the same batch as the original). */
function firstOfEach(
  items: ArchiveWrite[],
  keyOf: (w: ArchiveWrite) => string | undefined,
): Map<string, number> {
  const out = new Map<string, number>();
  items.forEach((w, i) => {
    const k = keyOf(w);
    if (k !== undefined && !out.has(k)) out.set(k, i);
  });
  return out;
}

async function insertPackageRows(m: EntityManager, rows: ArchiveRow[]): Promise<Set<string>> {
  if (!rows.length) return new Set();
  const values = rows.flatMap((row) => [
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
  ]);
  const inserted: { doc_id: string }[] = await m.query(
    `INSERT INTO archived_package (doc_id, message_type, sender_organ_id, sha256, size_bytes, content, document_id,
       code_number, code_notation, subject, promulgation_date, type_name, priority, business_doc_type, status_code,
       metadata, accepted_at, trace, blob_sha256)
     VALUES ${valuesPlaceholders(rows.length, PACKAGE_COLUMNS)}
     ON CONFLICT (doc_id) DO NOTHING
     RETURNING doc_id`,
    values,
  );
  return new Set(inserted.map((r) => r.doc_id));
}

async function insertEventRows(m: EntityManager, events: DeliveryEvent[]): Promise<Set<string>> {
  if (!events.length) return new Set();
  const values = events.flatMap((ev) => [
    ev.eventId,
    ev.docId,
    ev.recipient,
    ev.messageType,
    ev.event,
    ev.statusCode ?? null,
    ev.reason ?? null,
    new Date(ev.at),
  ]);
  const inserted: { event_id: string }[] = await m.query(
    `INSERT INTO delivery_history (event_id, doc_id, recipient_organ_id, message_type, event, status_code, reason, at)
     VALUES ${valuesPlaceholders(events.length, EVENT_COLUMNS)}
     ON CONFLICT (event_id) DO NOTHING
     RETURNING event_id`,
    values,
  );
  return new Set(inserted.map((r) => r.event_id));
}

async function storedHashes(m: EntityManager, docIds: string[]): Promise<Map<string, string>> {
  if (!docIds.length) return new Map();
  const rows: { doc_id: string; sha256: string }[] = await m.query(
    `SELECT doc_id, sha256 FROM archived_package WHERE doc_id = ANY($1::uuid[])`,
    [docIds],
  );
  return new Map(rows.map((r) => [r.doc_id, r.sha256]));
}
