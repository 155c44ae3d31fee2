import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * DX1 request signing, shared by the gateway (verifier, through the registry) and every client.
 *
 *   string to sign = "DX1-HMAC-SHA256\n" + METHOD + "\n" + path + "\n" + unix seconds + "\n" + nonce + "\n"
 *                    + sha256hex(body)
 *   signature      = hex(HMAC-SHA256(key = UTF-8 bytes of the system secret, string to sign))
 *
 * `path` is the request target exactly as sent on the request line (path plus query string, if any). The nonce
 * (x-dx-nonce, 16–64 characters of [A-Za-z0-9_-]) is fresh for every request: the gateway refuses a nonce it
 * has already seen from the same system within the timestamp window (AUTH_REPLAYED).
 */
export const SIGNATURE_SCHEME = 'DX1-HMAC-SHA256';

export const SIGNATURE_HEADERS = {
  system: 'x-dx-system',
  timestamp: 'x-dx-timestamp',
  signature: 'x-dx-signature',
  nonce: 'x-dx-nonce',
} as const;

/** What x-dx-nonce must look like. */
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

/** A fresh nonce: 16 random bytes, base64url (22 characters). */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

export interface SignatureParts {
  method: string;
  path: string;
  /** Unix time in seconds. */
  timestamp: number | string;
  /** x-dx-nonce: 16–64 characters of [A-Za-z0-9_-], never reused by the same system. */
  nonce: string;
  /** Lower-case hex SHA-256 of the exact body bytes (of the empty string when there is no body). */
  bodySha256: string;
}

export function sha256Hex(body: Uint8Array | string = ''): string {
  return createHash('sha256').update(body).digest('hex');
}

export function stringToSign(parts: SignatureParts): string {
  const ts = String(parts.timestamp);
  if (!/^\d+$/.test(ts)) throw new Error('timestamp must be unix seconds');
  if (!/^[0-9a-f]{64}$/.test(parts.bodySha256)) throw new Error('bodySha256 must be lower-case hex SHA-256');
  if (/[\r\n]/.test(parts.method) || /[\r\n]/.test(parts.path))
    throw new Error('method/path contain a newline');
  if (!NONCE_PATTERN.test(parts.nonce)) throw new Error('nonce must be 16-64 characters of [A-Za-z0-9_-]');
  return [SIGNATURE_SCHEME, parts.method.toUpperCase(), parts.path, ts, parts.nonce, parts.bodySha256].join(
    '\n',
  );
}

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(text, 'utf8').digest('hex');
}

export function signRequest(secret: string, parts: SignatureParts): string {
  return hmacHex(secret, stringToSign(parts));
}

export type SignedHeaders = Record<(typeof SIGNATURE_HEADERS)[keyof typeof SIGNATURE_HEADERS], string>;

/** Headers a client adds to a request; `timestamp` defaults to now, `nonce` to a fresh random one. */
export function signedHeaders(
  systemId: string,
  secret: string,
  req: { method: string; path: string; body?: Uint8Array | string; timestamp?: number; nonce?: string },
): SignedHeaders {
  const timestamp = req.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = req.nonce ?? newNonce();
  const signature = signRequest(secret, {
    method: req.method,
    path: req.path,
    timestamp,
    nonce,
    bodySha256: sha256Hex(req.body ?? ''),
  });
  return {
    [SIGNATURE_HEADERS.system]: systemId,
    [SIGNATURE_HEADERS.timestamp]: String(timestamp),
    [SIGNATURE_HEADERS.nonce]: nonce,
    [SIGNATURE_HEADERS.signature]: signature,
  } as SignedHeaders;
}

/** Constant-time check of a hex signature; malformed signatures are simply false. */
export function verifySignature(secret: string, text: string, signature: string): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-fA-F]{64}$/.test(signature)) return false;
  const expected = Buffer.from(hmacHex(secret, text), 'hex');
  return timingSafeEqual(expected, Buffer.from(signature, 'hex'));
}
