// An edXML attachment as a file for an archivist: base64 decoded, a one-entry zip unwrapped, named from
// AttachmentName (never from anything inside the bytes) and safe to write into a directory.
import { createHash } from 'node:crypto';
import { decodeAttachment, type Attachment } from '#edxml';
import { unzipSingleEntry } from './single-zip.js';

export interface AttachmentInfo {
  /** 1-based position in AttachmentEncoded. */
  index: number;
  contentId?: string;
  /** A file name: AttachmentName without any directory part (a fallback when absent). */
  fileName: string;
  /** AttachmentName exactly as the package gives it. */
  attachmentName?: string;
  description?: string;
  /** ContentType declared in the package. */
  declaredContentType?: string;
  /** The type of the decoded file (after unwrapping a zip: guessed from the name). */
  contentType: string;
  /** 'zip' when a one-entry zip was unwrapped; 'none' when the bytes are served as decoded. */
  unwrapped: 'zip' | 'none';
  sizeBytes: number;
  /** SHA-256 of the decoded file (what the archivist downloads). */
  sha256: string;
  /** SHA-256 of the base64-decoded bytes as carried in the package (the zip when wrapped). */
  encodedSha256: string;
}

export interface AttachmentFile {
  info: AttachmentInfo;
  bytes: Buffer;
}

const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  xml: 'application/xml',
  txt: 'text/plain',
  zip: 'application/zip',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  tif: 'image/tiff',
  tiff: 'image/tiff',
};

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Throws EDXML_BASE64 when the base64 text is invalid. */
export function attachmentFile(a: Attachment, index: number): AttachmentFile {
  const decoded = decodeAttachment(a);
  const declared = a.ContentType?.trim();
  const isZip = /^application\/(x-)?zip(-compressed)?$/i.test(declared ?? '');
  const inner = isZip ? unzipSingleEntry(decoded) : null;
  const bytes = inner ?? decoded;
  let fileName = safeFileName(a.AttachmentName, index);
  // "bao-cao.pdf.zip" unwrapped is "bao-cao.pdf"; a plain name is kept as the package gives it.
  if (inner && /\.zip$/i.test(fileName) && fileName.length > 4) fileName = fileName.slice(0, -4);
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  const contentType = inner || !declared ? (ext && TYPES[ext]) || 'application/octet-stream' : declared;
  return {
    bytes,
    info: {
      index,
      ...(a.ContentId ? { contentId: a.ContentId } : {}),
      fileName,
      ...(a.AttachmentName ? { attachmentName: a.AttachmentName } : {}),
      ...(a.Description ? { description: a.Description } : {}),
      ...(declared ? { declaredContentType: declared } : {}),
      contentType,
      unwrapped: inner ? 'zip' : 'none',
      sizeBytes: bytes.length,
      sha256: sha256Hex(bytes),
      encodedSha256: sha256Hex(decoded),
    },
  };
}

/** The last path segment, without control characters or characters Windows forbids; never empty, "." or "..". */
export function safeFileName(name: string | undefined, index: number): string {
  const base = (name ?? '')
    .normalize('NFC')
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex -- replacing control characters is the point
    .replace(/[\u0000-\u001f\u007f<>:"|?*]/g, '_')
    .trim()
    .slice(0, 200);
  return base && base !== '.' && base !== '..' ? base : `attachment-${index}`;
}
