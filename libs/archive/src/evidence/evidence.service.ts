import { createHash } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { isDxError } from '#contracts';
import { parseEdxml } from '#edxml';
import { verifyPdfSignatures } from '#pdfsig';
import { dbCall } from '#store';
import { TrustStoreProvider, verifyPackageSignature } from '#trust';
import { inspectSignature } from '#xmldsig';
import {
  ArchiveDocumentRepository,
  type ArchivedDocumentRow,
} from '../retrieval/archive-document.repository.js';
import { DocumentRetrievalService, filesOf, timelineOf } from '../retrieval/document-retrieval.service.js';
import { ArchiveService } from '../archive.service.js';
import type { AttachmentEvidence, EvidenceReport, PackageSignatureEvidence } from './evidence.report.js';

/** The trust files evidence is verified against (the axis's: DOCAXIS_TRUST_ANCHORS and its CRLs). */
export interface EvidenceOptions {
  trustFiles: string[];
  allowSha1?: boolean;
  requireCrl?: boolean;
}

export const EVIDENCE_OPTIONS = Symbol('EVIDENCE_OPTIONS');

const PDF_MAGIC = Buffer.from('%PDF-');
const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Builds the evidence report of one archived package: hashes, signatures (package and PDF), trace and timeline. */
@Injectable()
export class EvidenceService {
  private readonly trust: TrustStoreProvider;

  constructor(
    @Inject(DocumentRetrievalService) private readonly retrieval: DocumentRetrievalService,
    @Inject(ArchiveService) private readonly archive: ArchiveService,
    @Inject(ArchiveDocumentRepository) private readonly docs: ArchiveDocumentRepository,
    @Optional() @Inject(EVIDENCE_OPTIONS) private readonly options: EvidenceOptions | null,
  ) {
    this.trust = new TrustStoreProvider(options?.trustFiles ?? [], { requireCrl: options?.requireCrl });
  }

  async report(docId: string): Promise<EvidenceReport> {
    const row = await this.retrieval.record(docId);
    if (row.removed) return this.removedReport(row);
    const original = await this.retrieval.original(docId);
    const content = original.content;
    const recomputed = sha256Hex(content);
    const trust = this.trust.current();

    let attachments: AttachmentEvidence[] = [];
    let attachmentsError: EvidenceReport['attachmentsError'];
    try {
      attachments = filesOf(content).map(({ info, bytes }) => {
        if (!bytes.subarray(0, 5).equals(PDF_MAGIC)) return info;
        try {
          const v = verifyPdfSignatures(bytes, { trust, now: row.acceptedAt });
          return {
            ...info,
            pdf: { signatures: v.signatures, unsignedTrailingBytes: v.unsignedTrailingBytes, valid: v.valid },
          };
        } catch (e) {
          if (!isDxError(e)) throw e;
          return { ...info, error: { code: e.code, message: e.message } };
        }
      });
    } catch (e) {
      if (!isDxError(e) && !(e as { code?: string })?.code) throw e;
      const err = e as { code: string; message: string };
      attachmentsError = { code: err.code, message: err.message };
    }

    return {
      ...(await this.common(row)),
      package: {
        sizeBytes: row.sizeBytes,
        storage: original.storage,
        sha256: { recorded: row.sha256, recomputed, intact: recomputed === row.sha256 },
      },
      packageSignature: {
        atAcceptance: atAcceptance(row),
        now: this.verifyPackageNow(content, row.acceptedAt),
      },
      attachments,
      ...(attachmentsError ? { attachmentsError } : {}),
    };
  }

  /** The record, trace, timeline and chain remain after retention removed the bytes: evidence of what was there. */
  private async removedReport(row: ArchivedDocumentRow): Promise<EvidenceReport> {
    const removed = { at: row.removed!.at.toISOString(), reason: row.removed!.reason };
    return {
      ...(await this.common(row)),
      package: {
        sizeBytes: row.sizeBytes,
        storage: 'removed',
        sha256: { recorded: row.sha256, recomputed: null, intact: null },
        removed,
      },
      packageSignature: {
        atAcceptance: atAcceptance(row),
        now: {
          verdict: 'removed',
          code: 'PAYLOAD_REMOVED',
          message: `the bytes were removed on ${removed.at}`,
          at: row.acceptedAt.toISOString(),
        },
      },
      attachments: [],
    };
  }

  private async common(row: ArchivedDocumentRow) {
    return {
      docId: row.docId,
      documentId: row.documentId,
      messageType: row.messageType,
      senderOrganId: row.senderOrganId,
      subject: row.subject,
      acceptedAt: row.acceptedAt.toISOString(),
      archivedAt: row.archivedAt.toISOString(),
      generatedAt: new Date().toISOString(),
      trace: row.trace,
      timeline: timelineOf(await this.archive.getHistory(row.docId)),
      chain: await dbCall('read chain links', () => this.docs.chainLinks(row.docId)),
    };
  }

  private verifyPackageNow(content: Buffer, at: Date): PackageSignatureEvidence['now'] {
    const base = { at: at.toISOString() };
    try {
      if (inspectSignature(content) === 'absent') {
        return { ...base, verdict: 'unsigned', code: 'SIG_MISSING', message: 'the package has no Signature' };
      }
    } catch (e) {
      return { ...base, verdict: 'unreadable', code: codeOf(e), message: (e as Error).message };
    }
    let pkg;
    try {
      pkg = parseEdxml(content);
    } catch (e) {
      return { ...base, verdict: 'unreadable', code: codeOf(e), message: (e as Error).message };
    }
    try {
      const signer = verifyPackageSignature(content, pkg, {
        trust: this.trust.current(),
        at,
        allowSha1: this.options?.allowSha1,
      });
      return { ...base, verdict: 'verified', signer: { ...signer } };
    } catch (e) {
      if (!isDxError(e)) throw e;
      return { ...base, verdict: 'invalid', code: e.code, message: e.message };
    }
  }
}

function atAcceptance(row: ArchivedDocumentRow): PackageSignatureEvidence['atAcceptance'] {
  const acc = row.acceptance;
  if (!acc) return null;
  return {
    verdict: acc.verdict,
    ...(acc.code ? { code: acc.code } : {}),
    ...(acc.message ? { message: acc.message } : {}),
    ...(acc.signer ? { signer: acc.signer } : {}),
  };
}

const codeOf = (e: unknown): string => (e as { code?: string })?.code ?? 'INTERNAL';
