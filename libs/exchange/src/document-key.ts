import type { EdxmlPackage } from '#edxml';

export interface DocumentKey {
  /** What makes a resubmission idempotent, per sender and message type (submission_idempotency). */
  documentKey: string;
  /** The edXML DocumentId the package is about: its own, or the answered document's for a status. */
  documentId: string;
}

/**
 * A document is identified by its DocumentId. A status package is about another document and several statuses
 * answer the same one, so its key adds the StatusCode and the Timestamp: re-sending the same status is a
 * duplicate, a new status for the same document is not. Call on a validated package (the fields are required).
 */
export function documentKeyOf(pkg: EdxmlPackage): DocumentKey {
  if (pkg.kind === 'edoc') {
    const documentId = pkg.MessageHeader.DocumentId ?? '';
    return { documentKey: documentId, documentId };
  }
  const h = pkg.MessageHeader;
  const documentId = h.ResponseFor?.DocumentId ?? '';
  return { documentKey: `${documentId}|${h.StatusCode ?? ''}|${h.Timestamp ?? ''}`, documentId };
}
