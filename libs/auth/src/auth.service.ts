import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { DxError, REQUESTS, type AuthVerifyReply } from '#contracts';
import { NATS_CONNECTION, request } from '#bus';
import { NONCE_PATTERN, SIGNATURE_HEADERS, stringToSign } from '#contracts';
import { AUTH_OPTIONS, type AuthOptions, type SignedRequest, type SystemPrincipal } from './auth.types.js';
import { NonceStore } from './nonce.store.js';
import { SYSTEM_URI_PREFIX } from './client-cert.js';

const header = (h: SignedRequest['headers'], name: string): string | undefined => {
  const v = h[name];
  return (Array.isArray(v) ? v[0] : v)?.trim() || undefined;
};

// Shapes that can never verify are refused here, without a round trip to the registry.
const SYSTEM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SIGNATURE = /^[0-9a-fA-F]{64}$/;

export interface SignatureHeaders {
  systemId: string;
  timestamp: string;
  signature: string;
  nonce: string;
}

/** The four DX1 headers: AUTH_MISSING naming those absent, and the shapes a registry could accept. */
export function readSignatureHeaders(headers: SignedRequest['headers']): SignatureHeaders {
  const systemId = header(headers, SIGNATURE_HEADERS.system);
  const timestamp = header(headers, SIGNATURE_HEADERS.timestamp);
  const signature = header(headers, SIGNATURE_HEADERS.signature);
  const nonce = header(headers, SIGNATURE_HEADERS.nonce);
  const missing = (
    [
      [SIGNATURE_HEADERS.system, systemId],
      [SIGNATURE_HEADERS.timestamp, timestamp],
      [SIGNATURE_HEADERS.nonce, nonce],
      [SIGNATURE_HEADERS.signature, signature],
    ] as const
  )
    .filter(([, v]) => !v)
    .map(([name]) => name);
  if (missing.length || !systemId || !timestamp || !signature || !nonce) {
    throw new DxError('AUTH_MISSING', `request is not signed: missing ${missing.join(', ')}`);
  }
  if (!SYSTEM_ID.test(systemId))
    throw new DxError('AUTH_UNKNOWN_SYSTEM', `unknown system ${systemId.slice(0, 64)}`);
  if (!SIGNATURE.test(signature)) {
    throw new DxError('AUTH_BAD_SIGNATURE', `${SIGNATURE_HEADERS.signature} must be 64 hex characters`);
  }
  if (!NONCE_PATTERN.test(nonce)) {
    throw new DxError(
      'AUTH_BAD_SIGNATURE',
      `${SIGNATURE_HEADERS.nonce} must be 16-64 characters of [A-Za-z0-9_-]`,
    );
  }
  return { systemId, timestamp, signature, nonce };
}

/** Whether the request carries any DX1 header (then it is a signed request and must verify as one). */
export function hasSignatureHeaders(headers: SignedRequest['headers']): boolean {
  return Object.values(SIGNATURE_HEADERS).some((name) => header(headers, name) !== undefined);
}

/**
 * Authenticates a gateway request, by a DX1 signature or by a TLS client certificate (mTLS).
 *
 * DX1 (see #contracts request-signature): the four headers are present, the timestamp is within the allowed
 * window, the registry confirms the HMAC over method, path, timestamp, nonce and body hash, and the nonce was
 * not used by that system before (within twice the window; AUTH_REPLAYED). The signature is verified by the
 * registry on every call (it holds the secrets; it keeps a system's record and agencies in memory for 2 s, see
 * RegistryService). The nonce is recorded only once the signature verified, so nobody but the system itself can
 * use up its nonces.
 *
 * mTLS (options.mtls optional or required): a certificate Node's TLS layer verified, whose subjectAltName URI
 * is urn:docaxis:system:<systemId>, authenticates the call as that system without DX1 headers (TLS itself
 * prevents replays). A presented certificate that is untrusted or names no system is refused, as is one that
 * names another system than the DX1 headers. Per system, the registry's `auth` (hmac | mtls | any) says which
 * of the two it may use.
 */
@Injectable()
export class AuthService {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
    private readonly nonces: NonceStore,
  ) {}

  async authenticate(req: SignedRequest, now = Date.now()): Promise<SystemPrincipal> {
    const certSystem = this.certificateSystem(req);
    if (certSystem !== undefined && !hasSignatureHeaders(req.headers)) {
      const reply = await request(
        this.nc,
        REQUESTS.registryPrincipal.subject,
        { systemId: certSystem },
        this.timeoutMs,
      );
      if (reply.auth === 'hmac') {
        throw new DxError(
          'AUTH_MISSING',
          `system ${reply.systemId} authenticates with DX1 signatures only: request is not signed`,
        );
      }
      return toPrincipal(reply);
    }

    const { systemId, timestamp, signature, nonce } = readSignatureHeaders(req.headers);
    if (certSystem !== undefined && certSystem !== systemId) {
      // Nobody may present one system's certificate and sign as another.
      throw new DxError(
        'AUTH_CLIENT_CERT',
        `the client certificate names system ${certSystem} but the request is signed as ${systemId}`,
      );
    }
    checkTimestamp(timestamp, this.options.authWindowSeconds, now);

    const text = stringToSign({
      method: req.method,
      path: req.path,
      timestamp,
      nonce,
      bodySha256: req.bodySha256 ?? createHash('sha256').update(req.rawBody).digest('hex'),
    });
    const reply = await request(
      this.nc,
      REQUESTS.registryAuthVerify.subject,
      { systemId, stringToSign: text, signature },
      this.timeoutMs,
    );
    if (reply.auth === 'mtls' && certSystem === undefined) {
      throw new DxError(
        'AUTH_CLIENT_CERT',
        `system ${reply.systemId} must authenticate with a TLS client certificate`,
      );
    }
    await this.nonces.claim(reply.systemId, nonce, now);
    return toPrincipal(reply);
  }

  private get timeoutMs(): number {
    return this.options.verifyTimeoutMs ?? 5000;
  }

  /** The system a usable client certificate names; undefined when none was presented (or mTLS is off). */
  private certificateSystem(req: SignedRequest): string | undefined {
    const mode = this.options.mtls ?? 'off';
    if (mode === 'off') return undefined;
    const cert = req.clientCert;
    if (!cert) {
      if (mode === 'required') {
        throw new DxError('AUTH_CLIENT_CERT', 'this gateway requires a TLS client certificate');
      }
      return undefined;
    }
    if (!cert.authorized) {
      throw new DxError(
        'AUTH_CLIENT_CERT',
        `the client certificate is not trusted: ${cert.error ?? 'unverified'}`,
      );
    }
    if (!cert.systemId) {
      throw new DxError(
        'AUTH_CLIENT_CERT',
        `the client certificate names no system (subjectAltName URI ${SYSTEM_URI_PREFIX}<systemId>)`,
      );
    }
    return cert.systemId;
  }
}

function toPrincipal(reply: AuthVerifyReply): SystemPrincipal {
  return {
    systemId: reply.systemId,
    agencies: new Set(reply.agencies),
    role: reply.role,
    signaturePolicy: reply.signaturePolicy,
  };
}

/** x-dx-timestamp must be unix seconds within ±window of our clock. */
export function checkTimestamp(value: string, windowSeconds: number, now = Date.now()): void {
  if (!/^\d{1,12}$/.test(value)) {
    throw new DxError('AUTH_STALE_TIMESTAMP', `${SIGNATURE_HEADERS.timestamp} must be unix time in seconds`);
  }
  const skew = Math.abs(Math.floor(now / 1000) - Number(value));
  if (skew > windowSeconds) {
    throw new DxError(
      'AUTH_STALE_TIMESTAMP',
      `${SIGNATURE_HEADERS.timestamp} is ${skew}s away from the hub's clock (allowed ±${windowSeconds}s)`,
    );
  }
}
