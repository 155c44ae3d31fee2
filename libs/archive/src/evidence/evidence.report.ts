import type { TraceHop } from '#contracts';
import type { PdfSignatureResult } from '#pdfsig';
import type { ChainLinkRow } from '../retrieval/archive-document.repository.js';
import type { AttachmentInfo } from '../retrieval/attachment.file.js';
import type { ArchivedDocumentView } from '../retrieval/document-retrieval.service.js';

/** The package signature: what was recorded when the axis accepted it, and a verification done now. */
export interface PackageSignatureEvidence {
  /** Null when the package reached this axis over a link, not through this axis's gateway. */
  atAcceptance: {
    verdict: string;
    code?: string;
    message?: string;
    signer?: Record<string, unknown>;
  } | null;
  /** Re-verified now against this axis's trust files, the chain checked at the acceptance time. */
  now: {
    /** `removed`: the bytes were removed under retention, nothing left to verify. */
    verdict: 'verified' | 'invalid' | 'unsigned' | 'unreadable' | 'removed';
    code?: string;
    message?: string;
    signer?: Record<string, unknown>;
    /** The time the signer's chain was checked at (acceptance; XML-DSig carries no trusted signing time). */
    at: string;
  };
}

export interface AttachmentEvidence extends AttachmentInfo {
  /** Present for PDF files: every signature inside (Decree 30 requires the signer's and the agency's). */
  pdf?: {
    signatures: PdfSignatureResult[];
    /** Bytes after the last signature's signed ranges (0: nothing was added after the last signature). */
    unsignedTrailingBytes: number;
    /** At least one signature, all valid, nothing unsigned appended. */
    valid: boolean;
  };
  /** The PDF could not be read (PDF_MALFORMED). */
  error?: { code: string; message: string };
}

export interface EvidenceReport {
  docId: string;
  documentId: string;
  messageType: string;
  senderOrganId: string;
  subject: string | null;
  acceptedAt: string;
  archivedAt: string;
  generatedAt: string;
  package: {
    sizeBytes: number;
    /** Where the bytes are kept: in the row, or apart in the blob store. */
    storage: 'inline' | 'blob' | 'removed';
    /** recomputed and intact are null when the bytes were removed under retention. */
    sha256: { recorded: string; recomputed: string | null; intact: boolean | null };
    removed?: { at: string; reason: string | null };
  };
  packageSignature: PackageSignatureEvidence;
  /** Null when the package could not be parsed (see attachmentsError). */
  attachments: AttachmentEvidence[];
  attachmentsError?: { code: string; message: string };
  /** The axes the package passed through, oldest first. */
  trace: TraceHop[];
  timeline: ArchivedDocumentView['timeline'];
  /** The package's links in the archive's hash chain (null when this archive has no chain). */
  chain: ChainLinkRow[] | null;
}
