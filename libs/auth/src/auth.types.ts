import type { Request } from 'express';

/** The authenticated caller: a connected system and the agencies registered under it. */
export interface SystemPrincipal {
  systemId: string;
  agencies: ReadonlySet<string>;
}

/** What SystemAuthGuard needs from the HTTP request (the body parser must have kept the raw bytes). */
export interface SignedRequest {
  method: string;
  /** The request target as sent (path plus query string), which is what the client signed. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
}

/** An Express request after the gateway's body parser and SystemAuthGuard ran. */
export interface AuthenticatedRequest extends Request {
  rawBody?: Buffer;
  principal?: SystemPrincipal;
}

export interface AuthOptions {
  /** Allowed clock skew of x-dx-timestamp, in seconds (DocaxisConfig.authWindowSeconds). */
  authWindowSeconds: number;
  /** Timeout of the registry's verify request. */
  verifyTimeoutMs?: number;
}

export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
