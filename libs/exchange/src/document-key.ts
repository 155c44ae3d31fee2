import type { EdxmlPackage } from '#edxml';

export interface DocumentKey {
  /** What makes a resubmission idempotent, per sender and message type (submission_idempotency). */
  documentKey: string;
  /** The edXML DocumentId the package is about: its own, or the answered document's for a status. */
  documentId: string;
}

/**
 * A document is identified by its DocumentId. A revoke/update/replace package (BussinessDocType 1–3) may carry
 * the DocumentId of the document it acts on (the official samples do), and one document can be updated more
 * than once: its key adds the type and the content hash, so only a byte-identical resend is a duplicate. A status package is about another document and several statuses
 * answer the same one, so its key adds the StatusCode and the Timestamp: re-sending the same status is a
 * duplicate, a new status for the same document is not. Call on a validated package (the fields are required).
 */
export function documentKeyOf(pkg: EdxmlPackage, sha256: string): DocumentKey {
  if (pkg.kind === 'edoc') {
    const documentId = pkg.MessageHeader.DocumentId ?? '';
    const type = pkg.TraceHeaderList?.business?.BussinessDocType ?? '0';
    const action = ['1', '2', '3'].includes(type) ? `|${type}|${sha256}` : '';
    return { documentKey: `${documentId}${action}`, documentId };
  }
  const h = pkg.MessageHeader;
  const documentId = h.ResponseFor?.DocumentId ?? '';
  return { documentKey: `${documentId}|${h.StatusCode ?? ''}|${h.Timestamp ?? ''}`, documentId };
}
