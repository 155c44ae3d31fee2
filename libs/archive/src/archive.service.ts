import { dbCall, GroupCommit } from '#store';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DxError, type DeliveryEvent, type MessageType, type TraceHop } from '#contracts';
import type { AcceptedPackageMeta } from '#bus';
import {
  EdxmlError,
  EdxmlStreamScanner,
  parseEdxml,
  validateEdxml,
  type EdxmlDocument,
  type EdxmlStatus,
  type ScannedEdxml,
} from '#edxml';
import { archiveColumns, type ArchiveColumns, type ReadProblem } from './archive.metadata.js';
import {
  ArchiveRepository,
  type ArchiveRow,
  type ArchiveWrite,
  type ArchiveWritten,
} from './archive.repository.js';
import { BlobStore } from './blobs/blob.store.js';

export interface ArchiveResult {
  docId: string;
  /** False when the DocId was archived before (a redelivery). */
  inserted: boolean;
  sha256: string;
  /** Set when the bytes could not be parsed; they were archived all the same. */
  parseError?: ReadProblem;
}

export interface OriginalPackage {
  docId: string;
  messageType: MessageType;
  senderOrganId: string;
  documentId: string;
  /** The bytes exactly as the sender submitted them. */
  content: Buffer;
  /** SHA-256 hex recorded when the package was accepted. */
  sha256: string;
  sizeBytes: number;
  acceptedAt: Date;
  archivedAt: Date;
  /** The axes the package passed through before it was archived here, this one included (oldest first). */
  trace: TraceHop[];
  /** sha256(content) still equals the recorded hash. */
  intact: boolean;
  /** Where the bytes are kept: in the row, or apart in the blob store (large packages). */
  storage: 'inline' | 'blob';
}

/** An original's record with its bytes as a stream (see ArchiveService.openOriginal). */
export interface OriginalStream extends Omit<OriginalPackage, 'content' | 'intact'> {
  stream: Readable;
}

export interface HistoryEvent {
  eventId: string;
  messageType: string;
  event: string;
  statusCode?: string;
  reason?: string;
  at: Date;
}

export interface RecipientHistory {
  recipient: string;
  /** Oldest first. */
  events: HistoryEvent[];
}

/** Items per archive transaction: enough to amortise the chain lock, few enough to keep a transaction short. */
const WRITE_BATCH = 128;

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Keeps every accepted package byte for byte with searchable metadata, and the delivery history. */
@Injectable()
export class ArchiveService {
  private readonly logger = new Logger(ArchiveService.name);
  /** Packages and events handled at the same time share one transaction (see ArchiveRepository.writeBatch). */
  private readonly writes: GroupCommit<ArchiveWrite, ArchiveWritten>;

  constructor(
    @Inject(ArchiveRepository) private readonly repo: ArchiveRepository,
    @Inject(BlobStore) private readonly blobs: BlobStore,
  ) {
    this.writes = new GroupCommit((items) => this.repo.writeBatch(items), WRITE_BATCH);
  }

  /**
   * Archives the original bytes. A hash that does not match the header is corruption: a permanent error, so
   * the message is dead-lettered where an operator sees it. Unparseable bytes are archived all the same.
   */
  async archivePackage(meta: AcceptedPackageMeta, bytes: Uint8Array): Promise<ArchiveResult> {
    const sha256 = sha256Hex(bytes);
    if (sha256 !== meta.sha256.trim().toLowerCase()) {
      throw new DxError(
        'HASH_MISMATCH',
        `package ${meta.docId}: sha256 of the bytes is ${sha256}, the accepted header says ${meta.sha256}`,
        400,
        false,
      );
    }
    const content = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let pkg: EdxmlDocument | EdxmlStatus | null = null;
    let parseError: ReadProblem | undefined;
    try {
      pkg = parseEdxml(content);
    } catch (e) {
      parseError = problemOf(e);
    }
    const validationIssues = pkg ? safeValidate(pkg) : [];
    const cols = archiveColumns(pkg, meta, { parseError, validationIssues });
    // A large original goes to the blob store before its row, so a row never points at a missing blob; a crash in
    // between leaves an unreferenced blob that a redelivery reuses (same bytes, same key).
    const apart = this.blobs.storesApart(content.length);
    if (apart) await dbCall('store package bytes', () => this.blobs.put(sha256, content));
    return this.record(
      meta,
      { ...rowOf(meta, cols, sha256), content, blobSha256: apart ? sha256 : null },
      parseError,
    );
  }

  /**
   * Archives a large package from its stream (the object store, see readPackageObject): the bytes go chunk by
   * chunk into the blob store, which checks their SHA-256 against the accepted one (HASH_MISMATCH, permanent),
   * while EdxmlStreamScanner reads the metadata from them on the way. Memory holds a chunk and the package's
   * skeleton, never the package. `open` may be called twice: once more when the blob was already stored (a
   * redelivery after a crash), just to read the metadata.
   */
  async archiveStreamed(
    meta: AcceptedPackageMeta,
    open: () => AsyncIterable<Uint8Array>,
  ): Promise<ArchiveResult> {
    const sha256 = meta.sha256.trim().toLowerCase();
    const stored = await dbCall('read original', () => this.repo.findOriginal(meta.docId));
    if (stored) return this.alreadyArchived(meta, stored.sha256, sha256);
    const scanner = new EdxmlStreamScanner();
    let parseError: ReadProblem | undefined;
    let size = 0;
    let read = false;
    async function* scanned(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
      read = true;
      for await (const chunk of source) {
        size += chunk.length;
        if (!parseError) {
          try {
            scanner.write(chunk);
          } catch (e) {
            parseError = problemOf(e);
          }
        }
        yield chunk;
      }
    }
    await dbCall('store package bytes', () => this.blobs.put(sha256, scanned(open())));
    // Stored before (same bytes, same key): put read nothing; read the stream once more for the metadata.
    if (!read) for await (const chunk of scanned(open())) void chunk;
    let result: ScannedEdxml | undefined;
    if (!parseError) {
      try {
        result = scanner.finish();
      } catch (e) {
        parseError = problemOf(e);
      }
    }
    const pkg = result?.pkg ?? null;
    const cols = archiveColumns(pkg, meta, { parseError, validationIssues: pkg ? safeValidate(pkg) : [] });
    withAttachmentSizes(cols.metadata, result);
    const row = {
      ...rowOf(meta, cols, sha256),
      content: Buffer.alloc(0),
      sizeBytes: size,
      blobSha256: sha256,
    };
    return this.record(meta, row, parseError);
  }

  private alreadyArchived(meta: AcceptedPackageMeta, storedSha256: string, sha256: string): ArchiveResult {
    this.checkSameBytes(meta, storedSha256, sha256);
    return { docId: meta.docId, inserted: false, sha256 };
  }

  /** Same DocId, other bytes: never overwrite evidence; make the conflict visible instead (dead-lettered). */
  private checkSameBytes(meta: AcceptedPackageMeta, storedSha256: string, sha256: string): void {
    if (storedSha256 !== sha256) {
      throw new DxError(
        'HASH_MISMATCH',
        `package ${meta.docId} is archived with sha256 ${storedSha256}, redelivered with ${sha256}`,
        409,
        false,
      );
    }
  }

  /** Archives a package row through the group commit; a DocId archived before must have the same bytes. */
  private async record(
    meta: AcceptedPackageMeta,
    row: ArchiveRow,
    parseError: ReadProblem | undefined,
  ): Promise<ArchiveResult> {
    const { inserted, storedSha256 = '' } = await dbCall('archive package', () =>
      this.writes.submit({ kind: 'package', row }),
    );
    if (!inserted) this.checkSameBytes(meta, storedSha256, row.sha256);
    else if (parseError) {
      this.logger.warn(`${meta.docId} archived unparsed: ${parseError.code}: ${parseError.message}`);
    }
    return { docId: meta.docId, inserted, sha256: row.sha256, ...(parseError ? { parseError } : {}) };
  }

  /** Records one delivery event; an event id seen before is ignored (returns false). */
  async recordEvent(ev: DeliveryEvent): Promise<boolean> {
    const { inserted } = await dbCall('record event', () => this.writes.submit({ kind: 'event', ev }));
    return inserted;
  }

  /** The original package bytes and their recorded hash, or null for an unknown DocId. */
  async getOriginal(docId: string): Promise<OriginalPackage | null> {
    const row = await dbCall('read original', () => this.repo.findOriginal(docId));
    if (!row) return null;
    const { blobSha256, content: inline, ...rest } = row;
    const content = blobSha256 ? await this.readBlob(blobSha256) : inline;
    return {
      ...rest,
      storage: blobSha256 ? 'blob' : 'inline',
      // Missing bytes (a blob lost or incomplete) are not intact either.
      content: content ?? Buffer.alloc(0),
      intact: content !== null && sha256Hex(content) === row.sha256,
    };
  }

  /**
   * The original as a stream, for downloads: a blob-stored package is read one chunk at a time, never whole.
   * Null for an unknown DocId or a package whose bytes are not kept.
   */
  async openOriginal(docId: string): Promise<OriginalStream | null> {
    const row = await dbCall('read original', () => this.repo.findOriginal(docId));
    if (!row) return null;
    const { blobSha256, content, ...rest } = row;
    if (!blobSha256) return content ? { ...rest, storage: 'inline', stream: Readable.from([content]) } : null;
    const blob = await dbCall('open original bytes', () => this.blobs.open(blobSha256));
    return blob ? { ...rest, storage: 'blob', stream: blob.stream } : null;
  }

  private async readBlob(sha256: string): Promise<Buffer | null> {
    try {
      return await dbCall('read original bytes', () => this.blobs.read(sha256));
    } catch (e) {
      if (e instanceof DxError && e.code === 'ARCHIVE_BLOB_INCOMPLETE') return null;
      throw e;
    }
  }

  /** Delivery events of a package, grouped per recipient (ordered by OrganId), each group oldest first. */
  async getHistory(docId: string): Promise<RecipientHistory[]> {
    const rows = await dbCall('read history', () => this.repo.listHistory(docId));
    const byRecipient = new Map<string, HistoryEvent[]>();
    for (const r of rows) {
      const list = byRecipient.get(r.recipient) ?? [];
      const ev: HistoryEvent = { eventId: r.eventId, messageType: r.messageType, event: r.event, at: r.at };
      if (r.statusCode) ev.statusCode = r.statusCode;
      if (r.reason) ev.reason = r.reason;
      list.push(ev);
      byRecipient.set(r.recipient, list);
    }
    return [...byRecipient].map(([recipient, events]) => ({ recipient, events }));
  }
}

/**
 * The skeleton a large package is read from holds a stand-in for each attachment's content: its metadata sizes
 * are the ones the scanner counted.
 */
function withAttachmentSizes(metadata: Record<string, unknown>, scanned: ScannedEdxml | undefined): void {
  const list = metadata.attachments;
  if (!scanned || !Array.isArray(list)) return;
  const sizes = new Map(scanned.attachments.map((a) => [a.contentId, a.decodedBytes]));
  for (const a of list as { contentId?: string; sizeBytes?: number }[]) {
    const size = sizes.get(a.contentId?.trim() ?? '');
    if (size !== undefined && a.sizeBytes !== undefined) a.sizeBytes = size;
  }
}

/** Why a package could not be read, for its metadata (it is archived all the same). */
const problemOf = (e: unknown): ReadProblem =>
  e instanceof EdxmlError
    ? { code: e.code, message: e.message }
    : { code: 'INTERNAL', message: (e as Error)?.message ?? String(e) };

/** A package's row but for where its bytes are. */
const rowOf = (meta: AcceptedPackageMeta, cols: ArchiveColumns, sha256: string) => ({
  ...cols,
  docId: meta.docId,
  messageType: meta.messageType,
  senderOrganId: meta.from,
  sha256,
  acceptedAt: new Date(meta.acceptedAt),
  trace: meta.trace ?? [],
});

/** Validation findings are recorded as evidence, never a reason not to archive. */
function safeValidate(pkg: EdxmlDocument | EdxmlStatus): { code: string; field: string }[] {
  try {
    return validateEdxml(pkg).map((i) => ({ code: i.code, field: i.field }));
  } catch {
    return [];
  }
}
