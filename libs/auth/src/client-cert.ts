import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ClientCertificate } from './auth.types.js';

/** The subjectAltName URI that binds a client certificate to a connected system. */
export const SYSTEM_URI_PREFIX = 'urn:docaxis:system:';

const SYSTEM_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The system a certificate's subjectAltName names (Node's "URI:…, DNS:…" form). A certificate naming several
 * systems names none: it cannot say which one the caller is.
 */
export function systemIdFromSubjectAltName(san: string | undefined): string | undefined {
  const ids = (san ?? '')
    .split(/,\s*/)
    .filter((entry) => entry.startsWith(`URI:${SYSTEM_URI_PREFIX}`))
    .map((entry) => entry.slice(`URI:${SYSTEM_URI_PREFIX}`.length));
  return ids.length === 1 && SYSTEM_ID.test(ids[0]) ? ids[0] : undefined;
}

/**
 * The client certificate of a request's connection, or undefined on plain HTTP or when none was presented.
 * The chain, validity and CRL were checked by Node's TLS layer (the server runs with rejectUnauthorized false
 * so that optional mode can serve callers without a certificate): `authorized` carries its verdict.
 */
export function clientCertificateOf(socket: Socket | undefined): ClientCertificate | undefined {
  const tls = socket as TLSSocket | undefined;
  if (!tls || typeof tls.getPeerCertificate !== 'function') return undefined;
  const cert = tls.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  const found: ClientCertificate = { authorized: tls.authorized };
  if (tls.authorizationError) found.error = String(tls.authorizationError);
  const systemId = systemIdFromSubjectAltName(cert.subjectaltname);
  if (systemId) found.systemId = systemId;
  return found;
}
