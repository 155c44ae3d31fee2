import { createPublicKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { DxError } from '#contracts';
import { algorithmOf, type Seal, type SealAlgorithm } from './seal.js';

/** The JWS `typ` of a docaxis receipt. */
export const RECEIPT_TYPE = 'dx-receipt+jws';

export const RECEIPT_KINDS = ['submission', 'acknowledgement'] as const;
export type ReceiptKind = (typeof RECEIPT_KINDS)[number];
export const ACK_STATUSES = ['processing', 'done', 'fail'] as const;
export type AckStatus = (typeof ACK_STATUSES)[number];

/** What the hub attests, signed with its seal. */
export interface ReceiptPayload {
  v: 1;
  kind: ReceiptKind;
  /** OrganId of the axis that recorded it (the seal's owner). */
  axis: string;
  docId: string;
  /** edXML DocumentId of the package. */
  documentId: string;
  /** SHA-256 hex of the package bytes as submitted. */
  sha256: string;
  sizeBytes: number;
  /** Sending agency. */
  from: string;
  /** Recipients the sender named (submission receipts). */
  to?: string[];
  /** The system that made the call: the sender's for a submission, the recipient's for an acknowledgement. */
  systemId: string;
  /** The acknowledging recipient agency (acknowledgements). */
  agency?: string;
  ackStatus?: AckStatus;
  /** ISO-8601 time the hub recorded the submission or acknowledgement. */
  at: string;
  receiptId: string;
}

export interface ReceiptHeader {
  alg: SealAlgorithm;
  typ: typeof RECEIPT_TYPE;
  /** Base64 DER certificates: the seal's first, then its chain. */
  x5c: string[];
}

/**
 * The chain check of a receipt's seal. `#pki` TrustStore satisfies it; a returned `organId` (the seal
 * certificate's organizationIdentifier) must be the receipt's axis.
 */
export interface ReceiptTrust {
  verify(
    leaf: X509Certificate,
    opts: { at: Date; purpose: 'seal'; extra?: X509Certificate[] },
  ): { organId?: string } | unknown;
}

export interface DecodedReceipt {
  header: ReceiptHeader;
  /** Not verified: read it only after verifyReceipt. */
  payload: ReceiptPayload;
  /** The seal certificate first, then the chain that came with it. */
  certificates: X509Certificate[];
}

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');
const SEGMENT = /^[A-Za-z0-9_-]+$/;

/** ES256 signatures are r||s in JWS (RFC 7518 §3.4), not DER. */
const signOptions = (alg: SealAlgorithm, key: KeyObject) =>
  alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' as const } : key;

/** Signs a receipt: JWS compact serialisation (RFC 7515) with the seal chain in x5c. */
export function signReceipt(seal: Seal, payload: ReceiptPayload): string {
  return signSealedJws(seal, RECEIPT_TYPE, payload);
}

/** Signs any payload with the seal as a JWS of type `typ` (receipts, archive checkpoints), x5c = seal chain. */
export function signSealedJws(seal: Seal, typ: string, payload: object): string {
  const header = {
    alg: seal.alg,
    typ,
    x5c: seal.chain.map((c) => c.raw.toString('base64')),
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  const signature = sign('sha256', Buffer.from(input), signOptions(seal.alg, seal.key));
  return `${input}.${b64url(signature)}`;
}

function malformed(why: string): DxError {
  return new DxError('SIG_MALFORMED', `not a docaxis receipt: ${why}`);
}

function parseJson(segment: string, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw malformed(`the ${what} is not base64url JSON`);
  }
}

function splitJws(jws: string): [string, string, string] {
  const parts = jws.trim().split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) {
    throw malformed('expected three base64url segments separated by dots (JWS compact serialisation)');
  }
  return parts as [string, string, string];
}

function parseHeader(
  segment: string,
  typ: string = RECEIPT_TYPE,
): { header: ReceiptHeader; certificates: X509Certificate[] } {
  const h = parseJson(segment, 'protected header') as Partial<ReceiptHeader> | null;
  if (!h || typeof h !== 'object') throw malformed('the protected header is not an object');
  if (h.typ !== typ) throw malformed(`typ is ${JSON.stringify(h.typ)}, not ${typ}`);
  if (h.alg !== 'RS256' && h.alg !== 'ES256') {
    throw new DxError(
      'SIG_ALGORITHM',
      `receipt alg ${JSON.stringify(h.alg)}: only RS256 and ES256 are accepted`,
    );
  }
  if (!Array.isArray(h.x5c) || !h.x5c.length || !h.x5c.every((c) => typeof c === 'string')) {
    throw malformed('x5c must be a non-empty array of base64 certificates');
  }
  const certificates = h.x5c.map((c, i) => {
    try {
      return new X509Certificate(Buffer.from(c, 'base64'));
    } catch {
      throw new DxError('CERT_INVALID', `receipt x5c[${i}] is not a certificate`);
    }
  });
  return { header: h as ReceiptHeader, certificates };
}

const isString = (v: unknown): v is string => typeof v === 'string' && v !== '';

function checkPayload(p: unknown): ReceiptPayload {
  const o = p as Partial<ReceiptPayload> | null;
  if (!o || typeof o !== 'object' || o.v !== 1) throw malformed('payload is not a v1 receipt');
  if (!RECEIPT_KINDS.includes(o.kind as ReceiptKind))
    throw malformed(`unknown kind ${JSON.stringify(o.kind)}`);
  for (const f of ['axis', 'docId', 'documentId', 'sha256', 'from', 'systemId', 'at', 'receiptId'] as const) {
    if (!isString(o[f])) throw malformed(`payload field ${f} is missing`);
  }
  if (typeof o.sizeBytes !== 'number') throw malformed('payload field sizeBytes is missing');
  if (
    o.kind === 'acknowledgement' &&
    (!isString(o.agency) || !ACK_STATUSES.includes(o.ackStatus as AckStatus))
  ) {
    throw malformed('an acknowledgement names its agency and ackStatus');
  }
  return o as ReceiptPayload;
}

/** Reads a receipt WITHOUT verifying it (to show it, or to pick a trust store for it). */
export function decodeReceipt(jws: string): DecodedReceipt {
  const [h, p] = splitJws(jws);
  const { header, certificates } = parseHeader(h);
  return { header, certificates, payload: checkPayload(parseJson(p, 'payload')) };
}

/**
 * Verifies a receipt: the signature with the key of its x5c seal certificate (before the payload is read),
 * then, given a trust store, the seal's chain at the receipt's time for purpose 'seal'. Answers the payload.
 * Errors: SIG_MALFORMED, SIG_ALGORITHM, SIG_INVALID, CERT_* (from the trust store), CERT_BINDING.
 */
export function verifyReceipt(jws: string, opts: { trust?: ReceiptTrust } = {}): ReceiptPayload {
  const { leaf, extra, payloadSegment } = verifySealedJws(jws, RECEIPT_TYPE);
  const payload = checkPayload(parseJson(payloadSegment, 'payload'));
  if (opts.trust) {
    const at = new Date(payload.at);
    if (Number.isNaN(at.getTime())) throw malformed(`at ${JSON.stringify(payload.at)} is not a time`);
    const verified = opts.trust.verify(leaf, { at, purpose: 'seal', extra }) as
      { organId?: string } | undefined;
    if (verified?.organId && verified.organId !== payload.axis) {
      throw new DxError(
        'CERT_BINDING',
        `the seal certificate belongs to ${verified.organId}, but the receipt names axis ${payload.axis}`,
      );
    }
  }
  return payload;
}

/**
 * Verifies the signature of a seal-signed JWS of type `typ` with its x5c leaf (before the payload is read).
 * The caller reads the payload and checks the chain. Errors: SIG_MALFORMED, SIG_ALGORITHM, SIG_INVALID.
 */
export function verifySealedJws(
  jws: string,
  typ: string,
): { leaf: X509Certificate; extra: X509Certificate[]; payloadSegment: string; payload: unknown } {
  const [h, p, s] = splitJws(jws);
  const { header, certificates } = parseHeader(h, typ);
  const [leaf, ...extra] = certificates;
  const key = createPublicKey(leaf.publicKey.export({ type: 'spki', format: 'pem' }));
  // The header's alg must be what the certificate's key does, so a key is never used with another algorithm.
  if (algorithmOf(key) !== header.alg) {
    throw new DxError(
      'SIG_ALGORITHM',
      `receipt alg ${header.alg} does not fit the seal's ${key.asymmetricKeyType} key`,
    );
  }
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    signOptions(header.alg, key),
    Buffer.from(s, 'base64url'),
  );
  if (!ok)
    throw new DxError(
      'SIG_INVALID',
      `the ${typ === RECEIPT_TYPE ? 'receipt' : typ}'s signature does not verify with ${leaf.subject}`,
    );
  return { leaf, extra, payloadSegment: p, payload: parseJson(p, 'payload') };
}
