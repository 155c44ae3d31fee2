import { createHash } from 'node:crypto';
import { DxError, type MessageType } from '#contracts';
import { assertValid, parseEdxml, type EdxmlPackage } from '#edxml';
import { documentKeyOf } from './document-key.js';
import { parseToHeader } from './to-header.js';
import type { SubmitInput } from './exchange.types.js';

/** Everything a send is accepted with, once every check has passed. */
export interface InspectedSubmission {
  from: string;
  to: string[];
  messageType: MessageType;
  serviceType: string;
  sha256: string;
  sizeBytes: number;
  pkg: EdxmlPackage;
  documentKey: string;
  documentId: string;
}

const SERVICE_TYPE = 'eDoc';

/** The headers of a send, checked: who sends what, and the hash it claims for the body. */
export interface CheckedHeaders {
  from: string;
  to: string[];
  messageType: MessageType;
  serviceType: string;
  /** `hash-file` as sent (compare in lower case). */
  claimed: string;
}

/**
 * The checks of a send's headers, with no I/O and before a byte of the body is looked at: the caller may send
 * for `from`, and the headers are well formed. Throws DxError (stable codes).
 */
export function inspectHeaders(
  input: Pick<SubmitInput, 'headers' | 'agencies' | 'systemId'>,
): CheckedHeaders {
  const h = input.headers;
  const from = h.from?.trim();
  if (!from) throw new DxError('BAD_REQUEST', 'header from is required (the sending agency OrganId)');
  if (!input.agencies.has(from)) {
    throw new DxError('FORBIDDEN_SENDER', `header from ${from} is not an agency of system ${input.systemId}`);
  }
  const messageType = h.messagetype?.trim().toLowerCase();
  if (messageType !== 'edoc' && messageType !== 'status') {
    throw new DxError('BAD_REQUEST', 'header messagetype must be edoc or status');
  }
  // The SDK always sends servicetype eDoc; a missing one is tolerated, another value is not ours to carry.
  const serviceType = h.servicetype?.trim() || SERVICE_TYPE;
  if (serviceType.toLowerCase() !== SERVICE_TYPE.toLowerCase()) {
    throw new DxError('BAD_REQUEST', `header servicetype must be ${SERVICE_TYPE}`);
  }
  const to = parseToHeader(h.to);

  const claimed = h.hashFile?.trim();
  if (!claimed) throw new DxError('HASH_MISSING', 'header hash-file (SHA-256 hex of the body) is missing');
  return { from, to, messageType, serviceType, claimed };
}

function checkClaimedHash(claimed: string, sha256: string): void {
  if (claimed.toLowerCase() !== sha256) {
    throw new DxError(
      'HASH_MISMATCH',
      `header hash-file ${claimed} does not match the body (SHA-256 ${sha256})`,
    );
  }
}

/**
 * The checks of a send, cheapest first, with no I/O: the caller may send for `from`, the headers are well
 * formed, the body is what `hash-file` says and not too large, and the package parses, is valid and matches the
 * headers. Throws DxError (stable codes) or EdxmlError (EDXML_* codes with the library's message).
 */
export function inspectSubmission(input: SubmitInput, maxPackageBytes: number): InspectedSubmission {
  const { from, to, messageType, serviceType, claimed } = inspectHeaders(input);
  const sha256 = hashBody(input.body, maxPackageBytes);
  checkClaimedHash(claimed, sha256);
  return {
    ...inspectParsed(parseEdxml(input.body), sha256, input.body.length, messageType, from),
    to,
    serviceType,
  };
}

/**
 * The same checks for a body that was streamed (hashed and scanned on its way, see EdxmlStreamScanner): `pkg` is
 * what the scanner read, `sha256` and `sizeBytes` what streamed past.
 */
export function inspectStreamed(
  headers: CheckedHeaders,
  pkg: EdxmlPackage,
  sha256: string,
  sizeBytes: number,
): InspectedSubmission {
  if (sizeBytes === 0) throw new DxError('BAD_REQUEST', 'the body is empty: send the edXML package');
  checkClaimedHash(headers.claimed, sha256);
  return {
    ...inspectParsed(pkg, sha256, sizeBytes, headers.messageType, headers.from),
    to: headers.to,
    serviceType: headers.serviceType,
  };
}

/**
 * The checks of a package another axis delivered (the connector injects it): there are no headers to check and
 * no calling system to authorise, the sender is the package's own From. Its size, validity and kind still are.
 */
export function inspectForwarded(
  body: Buffer,
  messageType: MessageType,
  to: string[],
  maxPackageBytes: number,
): InspectedSubmission {
  const sha256 = hashBody(body, maxPackageBytes);
  return {
    ...inspectParsed(parseEdxml(body), sha256, body.length, messageType),
    to,
    serviceType: SERVICE_TYPE,
  };
}

function hashBody(body: Buffer, maxPackageBytes: number): string {
  if (body.length > maxPackageBytes) {
    throw new DxError(
      'PAYLOAD_TOO_LARGE',
      `the package is ${body.length} bytes; this hub accepts at most ${maxPackageBytes}`,
    );
  }
  if (body.length === 0) throw new DxError('BAD_REQUEST', 'the body is empty: send the edXML package');
  return createHash('sha256').update(body).digest('hex');
}

/** Validates the parsed package; `from`, when given, must be its From.OrganId. */
function inspectParsed(
  pkg: EdxmlPackage,
  sha256: string,
  sizeBytes: number,
  messageType: MessageType,
  from?: string,
): Omit<InspectedSubmission, 'to' | 'serviceType'> {
  assertValid(pkg);
  if (pkg.kind !== messageType) {
    throw new DxError(
      'MESSAGE_TYPE_MISMATCH',
      `header messagetype is ${messageType} but the body is a ${pkg.kind === 'edoc' ? 'document' : 'status'} package`,
    );
  }
  const sender = pkg.MessageHeader.From?.OrganId;
  if (!sender) throw new DxError('FROM_MISMATCH', "the package's From.OrganId is empty");
  if (from !== undefined && sender !== from) {
    throw new DxError(
      'FROM_MISMATCH',
      `header from ${from} differs from the package's From.OrganId ${sender}`,
    );
  }
  const { documentKey, documentId } = documentKeyOf(pkg, sha256);
  return { from: sender, messageType, sha256, sizeBytes, pkg, documentKey, documentId };
}
