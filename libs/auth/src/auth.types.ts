import type { Request } from 'express';

/** system: acts for its registered agencies; archivist: read-only, acts for no agency. */
export type PrincipalRole = 'system' | 'archivist';

/** The authenticated caller: a connected system, the agencies registered under it, and its role. */
export interface SystemPrincipal {
  systemId: string;
  agencies: ReadonlySet<string>;
  role: PrincipalRole;
  /** The package signature policy for what it sends (registry); `axis` follows the axis's own. */
  signaturePolicy?: 'axis' | 'required' | 'if-present' | 'report' | 'off';
}

/** off: no client certificates; optional: used when presented; required: every call needs one. */
export type MtlsMode = 'off' | 'optional' | 'required';

/** The TLS client certificate of a request, as the gateway's TLS layer checked it. */
export interface ClientCertificate {
  /** Chains to the configured client CA, in its validity period and not revoked by the CRL. */
  authorized: boolean;
  /** Node's reason when not authorized (e.g. CERT_REVOKED, UNABLE_TO_VERIFY_LEAF_SIGNATURE). */
  error?: string;
  /** From the subjectAltName URI urn:docaxis:system:<systemId>; absent when there is none (or several). */
  systemId?: string;
}

/** What SystemAuthGuard needs from the HTTP request (the body parser must have kept the raw bytes). */
export interface SignedRequest {
  method: string;
  /** The request target as sent (path plus query string), which is what the client signed. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  /**
   * SHA-256 hex of a body that is streamed rather than held (a large sendEdoc): the hash the client declared
   * (`hash-file`), which the DX1 signature then covers; the body is checked against it before it is accepted.
   */
  bodySha256?: string;
  /** The client certificate the TLS connection presented, if any. */
  clientCert?: ClientCertificate;
}

/** An Express request after the gateway's body parser and SystemAuthGuard ran. */
export interface AuthenticatedRequest extends Request {
  rawBody?: Buffer;
  /** Set for a streamed body, whose bytes are still to be read (see SignedRequest.bodySha256). */
  bodySha256?: string;
  principal?: SystemPrincipal;
}

export interface AuthOptions {
  /** Allowed clock skew of x-dx-timestamp, in seconds (DocaxisConfig.authWindowSeconds). */
  authWindowSeconds: number;
  /** Timeout of the registry's verify request. */
  verifyTimeoutMs?: number;
  /** Whether TLS client certificates authenticate systems (default off). */
  mtls?: MtlsMode;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
