import { Inject, Injectable } from '@nestjs/common';
import { DxError } from '#contracts';
import { parseEdxml, type EdxmlDocument } from '#edxml';
import { dbCall } from '#store';
import {
  ArchiveService,
  type OriginalPackage,
  type OriginalStream,
  type RecipientHistory,
} from '../archive.service.js';
import { attachmentFile, type AttachmentFile, type AttachmentInfo } from './attachment.file.js';
import { ArchiveDocumentRepository, type ArchivedDocumentRow } from './archive-document.repository.js';

/** What an archivist sees of a document: its record (no bytes) and each recipient's delivery and status timeline. */
export interface ArchivedDocumentView {
  docId: string;
  messageType: string;
  senderOrganId: string;
  documentId: string;
  codeNumber: string | null;
  codeNotation: string | null;
  subject: string | null;
  promulgationDate: string | null;
  typeName: string | null;
  priority: string | null;
  businessDocType: string | null;
  statusCode: string | null;
  sha256: string;
  sizeBytes: number;
  acceptedAt: string;
  archivedAt: string;
  trace: ArchivedDocumentRow['trace'];
  /** Set when the bytes were removed under the retention policy. */
  removed?: { at: string; reason: string | null };
  /** Everything read from the package when it was archived (from, to, attachments, ...). */
  metadata: Record<string, unknown>;
  timeline: { recipient: string; events: TimelineEvent[] }[];
}

export interface TimelineEvent {
  at: string;
  /** Transport events (delivered, fetched, ...) or `status` for a business status from the recipient. */
  event: string;
  messageType: string;
  statusCode?: string;
  reason?: string;
  eventId: string;
}

const notFound = (docId: string): DxError =>
  new DxError('DOC_NOT_FOUND', `no archived package has DocId ${docId}`);

/** Read-only retrieval from the archive: records, timelines, the original bytes and decoded attachments. */
@Injectable()
export class DocumentRetrievalService {
  constructor(
    @Inject(ArchiveDocumentRepository) private readonly docs: ArchiveDocumentRepository,
    @Inject(ArchiveService) private readonly archive: ArchiveService,
  ) {}

  async record(docId: string): Promise<ArchivedDocumentRow> {
    const row = await dbCall('read archived document', () => this.docs.findDocument(docId));
    if (!row) throw notFound(docId);
    return row;
  }

  async document(docId: string): Promise<ArchivedDocumentView> {
    const row = await this.record(docId);
    const { acceptance: _acceptance, removed, ...rest } = row;
    return {
      ...rest,
      ...(removed ? { removed: { at: removed.at.toISOString(), reason: removed.reason } } : {}),
      acceptedAt: row.acceptedAt.toISOString(),
      archivedAt: row.archivedAt.toISOString(),
      timeline: timelineOf(await this.archive.getHistory(docId)),
    };
  }

  async timeline(docId: string): Promise<ArchivedDocumentView['timeline']> {
    return timelineOf(await this.archive.getHistory(docId));
  }

  /** The original bytes as a stream (DOC_NOT_FOUND when unknown or its bytes were removed). */
  async openOriginal(docId: string): Promise<OriginalStream> {
    await this.present(docId);
    const original = await this.archive.openOriginal(docId);
    if (!original) throw notFound(docId);
    return original;
  }

  /** The whole original, with `intact` = sha256 recomputed equals the recorded one. */
  async original(docId: string): Promise<OriginalPackage> {
    await this.present(docId);
    const original = await this.archive.getOriginal(docId);
    if (!original) throw notFound(docId);
    return original;
  }

  /** DOC_NOT_FOUND for an unknown DocId, PAYLOAD_REMOVED when its bytes are gone under retention. */
  private async present(docId: string): Promise<void> {
    const row = await this.record(docId);
    if (row.removed) {
      throw new DxError(
        'PAYLOAD_REMOVED',
        `the bytes of ${docId} were removed on ${row.removed.at.toISOString()} (${row.removed.reason ?? 'retention'})`,
      );
    }
  }

  async attachments(docId: string): Promise<AttachmentInfo[]> {
    return (await this.files(docId)).map((f) => f.info);
  }

  /** Attachment `n` (1-based), decoded. */
  async attachment(docId: string, n: number): Promise<AttachmentFile> {
    const files = await this.files(docId);
    const file = Number.isInteger(n) && n >= 1 ? files[n - 1] : undefined;
    if (!file)
      throw new DxError(
        'DOC_NOT_FOUND',
        `package ${docId} has ${files.length} attachment(s), no number ${n}`,
      );
    return file;
  }

  /** Every attachment decoded; a package that cannot be read has none to offer (EDXML_* error). */
  async files(docId: string): Promise<AttachmentFile[]> {
    const original = await this.original(docId);
    return filesOf(original.content);
  }
}

/** The attachments of an edXML document package (a status package has none). */
export function filesOf(content: Buffer): AttachmentFile[] {
  const pkg = parseEdxml(content);
  if (pkg.kind !== 'edoc') return [];
  return ((pkg as EdxmlDocument).attachments ?? []).map((a, i) => attachmentFile(a, i + 1));
}

export function timelineOf(history: RecipientHistory[]): ArchivedDocumentView['timeline'] {
  return history.map((h) => ({
    recipient: h.recipient,
    events: h.events.map((e) => ({
      at: e.at.toISOString(),
      event: e.event,
      messageType: e.messageType,
      ...(e.statusCode ? { statusCode: e.statusCode } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
      eventId: e.eventId,
    })),
  }));
}
