import { readFileSync } from 'node:fs';
import type { NestApplicationOptions } from '@nestjs/common';
import type { MtlsMode } from '#auth';
import type { DocaxisConfig } from '#config';

type HttpsOptions = NonNullable<NestApplicationOptions['httpsOptions']>;

/** HTTPS for the gateway, optionally with TLS client certificates that authenticate systems (mTLS). */
export interface GatewayTlsOptions {
  /** PEM server certificate (chain allowed) and private key. */
  cert: string | Buffer;
  key: string | Buffer;
  /** PEM trust anchors of client certificates; needed for mtls optional or required. */
  clientCa?: string | Buffer;
  /** PEM CRL(s) of the client CA: a revoked client certificate is not authorized. */
  crl?: string | Buffer;
  /** Default: optional when clientCa is set, else off. */
  mtls?: MtlsMode;
}

export function mtlsModeOf(tls: GatewayTlsOptions | undefined): MtlsMode {
  if (!tls) return 'off';
  return tls.mtls ?? (tls.clientCa ? 'optional' : 'off');
}

/**
 * Options for https.createServer (via Nest). Client certificates are requested but never refused during the handshake
 * (rejectUnauthorized false): Node still checks chain, validity and CRL and records the verdict in
 * `socket.authorized`, which the auth guard reads per request, so optional mode serves callers without one
 * and a refusal is an SDK answer (AUTH_CLIENT_CERT) rather than a dropped connection.
 */
export function httpsServerOptions(tls: GatewayTlsOptions): HttpsOptions {
  const mode = mtlsModeOf(tls);
  if (mode !== 'off' && !tls.clientCa) {
    throw new Error(`mTLS ${mode} needs the client CA (DOCAXIS_GATEWAY_TLS_CLIENT_CA)`);
  }
  const options: HttpsOptions = { cert: tls.cert, key: tls.key };
  if (mode !== 'off') {
    Object.assign(options, { ca: tls.clientCa, requestCert: true, rejectUnauthorized: false });
    if (tls.crl) options.crl = tls.crl;
  }
  return options;
}

/** The TLS settings of the environment (file paths read here); undefined for plain HTTP. */
export function gatewayTlsFromConfig(cfg: DocaxisConfig): GatewayTlsOptions | undefined {
  const { gatewayTlsCert: cert, gatewayTlsKey: key, gatewayTlsClientCa: ca, gatewayTlsCrl: crl } = cfg;
  if (!cert && !key) {
    if (ca || crl || (cfg.gatewayMtls && cfg.gatewayMtls !== 'off')) {
      throw new Error('mTLS needs HTTPS: set DOCAXIS_GATEWAY_TLS_CERT and DOCAXIS_GATEWAY_TLS_KEY');
    }
    return undefined;
  }
  if (!cert || !key) {
    throw new Error('HTTPS needs both DOCAXIS_GATEWAY_TLS_CERT and DOCAXIS_GATEWAY_TLS_KEY');
  }
  return {
    cert: readFileSync(cert),
    key: readFileSync(key),
    ...(ca ? { clientCa: readFileSync(ca) } : {}),
    ...(crl ? { crl: readFileSync(crl) } : {}),
    ...(cfg.gatewayMtls ? { mtls: cfg.gatewayMtls } : {}),
  };
}
