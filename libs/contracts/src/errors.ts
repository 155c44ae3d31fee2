// Stable error codes of the hub's API and services. Clients match on `code`; messages may improve over time.
export const ErrorCodes = {
  AUTH_MISSING: { status: 401, text: 'Request is not signed' },
  AUTH_UNKNOWN_SYSTEM: { status: 401, text: 'Unknown system' },
  AUTH_BAD_SIGNATURE: { status: 401, text: 'Signature does not match' },
  AUTH_STALE_TIMESTAMP: { status: 401, text: 'Timestamp outside the allowed window' },
  AUTH_REPLAYED: { status: 401, text: 'This nonce was already used by the system within the window' },
  FORBIDDEN_SENDER: { status: 403, text: 'The sender is not an agency of the calling system' },
  FORBIDDEN_AGENCY: { status: 403, text: 'The agency is not registered under the calling system' },
  FORBIDDEN_ROLE: { status: 403, text: "The caller's role does not allow this call" },
  AUTH_CLIENT_CERT: {
    status: 401,
    text: 'The TLS client certificate is missing, untrusted or names no system',
  },
  CERT_INVALID: { status: 422, text: 'The certificate cannot be read' },
  CERT_UNTRUSTED: { status: 422, text: 'The certificate does not chain to a trusted root' },
  CERT_EXPIRED: { status: 422, text: 'The certificate was not valid at the signing time' },
  CERT_REVOKED: { status: 422, text: 'The certificate is revoked' },
  CERT_USAGE: { status: 422, text: 'The certificate is not meant for this use (key usage)' },
  CERT_BINDING: { status: 422, text: "The certificate's OrganId is not the package's sender" },
  CRL_INVALID: { status: 422, text: 'The CRL cannot be read or its signature does not verify' },
  SIG_MISSING: {
    status: 422,
    text: 'The package carries no verifiable signature and the policy requires one',
  },
  SIG_MALFORMED: { status: 422, text: 'The Signature element is not a usable XML-DSig signature' },
  SIG_ALGORITHM: { status: 422, text: 'The signature uses an algorithm this axis does not accept' },
  SIG_DIGEST_MISMATCH: { status: 422, text: 'The signed content was changed after signing' },
  SIG_INVALID: { status: 422, text: 'The signature value does not verify with the signer certificate' },
  SIG_WRAPPING: {
    status: 422,
    text: 'The signature does not cover the whole package (wrapping): only enveloped, whole-document signatures are accepted',
  },
  SIG_TOO_LARGE: {
    status: 422,
    text: 'The package is above the size whose signature this axis verifies (1 MiB) and the policy requires a verified signature',
  },
  PDF_MALFORMED: { status: 422, text: 'The PDF cannot be read' },
  PDF_SIG_INVALID: {
    status: 422,
    text: 'The PDF signature is not a usable detached CMS signature or does not verify',
  },
  PDF_SIG_RANGE: {
    status: 422,
    text: "The PDF signature's /ByteRange does not cover the whole file except its own /Contents",
  },
  PDF_SIG_DIGEST: { status: 422, text: 'The signed bytes of the PDF were changed after signing' },
  BAD_REQUEST: { status: 400, text: 'Invalid request' },
  HASH_MISSING: { status: 400, text: 'hash-file header is missing' },
  HASH_MISMATCH: { status: 400, text: 'hash-file does not match the body' },
  PAYLOAD_TOO_LARGE: { status: 413, text: 'Package is larger than the hub accepts' },
  FROM_MISMATCH: { status: 400, text: 'The from header does not match the package sender' },
  MESSAGE_TYPE_MISMATCH: { status: 400, text: 'messagetype does not match the package kind' },
  DUPLICATE_DOCUMENT_ID: { status: 409, text: 'This DocumentId was already sent with different content' },
  UNKNOWN_RECIPIENT: { status: 422, text: 'Recipient is not registered' },
  NO_RECIPIENTS: { status: 422, text: 'The package names no recipient' },
  NO_ROUTE: { status: 422, text: 'The recipient is on another axis and this axis has no link to it' },
  EXPIRED: { status: 410, text: 'Not delivered within the package lifetime' },
  UNKNOWN_ORIGINAL: { status: 422, text: 'The document this package refers to is unknown' },
  DOC_NOT_FOUND: { status: 404, text: 'No such DocId for the caller' },
  PAYLOAD_REMOVED: { status: 410, text: 'The package bytes were removed under the retention policy' },
  ARCHIVE_BLOB_INCOMPLETE: { status: 500, text: 'The stored bytes of this package are incomplete' },
  PACKAGE_OBJECT_MISSING: {
    status: 410,
    text: "The package's bytes are no longer in the object store (archived and routed, or expired)",
  },
  PACKAGE_OBJECT_INCOMPLETE: { status: 500, text: "Chunks of the package's object are missing" },
  CHAIN_BROKEN: { status: 409, text: 'The archive hash chain does not hold for this record' },
  CHECKPOINT_PENDING: { status: 409, text: 'No signed checkpoint covers this record yet; retry later' },
  LEGAL_HOLD: { status: 409, text: 'The document is under legal hold' },
  UNAVAILABLE: { status: 503, text: 'A backing service is unavailable; retry' },
  INTERNAL: { status: 500, text: 'Internal error' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** An error with a stable code that crosses process boundaries (HTTP answers, NATS replies, DLQ headers). */
export class DxError extends Error {
  constructor(
    readonly code: string,
    message?: string,
    readonly httpStatus: number = (ErrorCodes as Record<string, { status: number }>)[code]?.status ?? 400,
    /** Transient errors are retried by consumers (nak with back-off); others go to the dead-letter subject. */
    readonly transient = false,
  ) {
    super(message ?? (ErrorCodes as Record<string, { text: string }>)[code]?.text ?? code);
    this.name = 'DxError';
  }
}

export function isDxError(e: unknown): e is DxError {
  return e instanceof DxError;
}
