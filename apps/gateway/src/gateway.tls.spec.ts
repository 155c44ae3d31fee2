import { describe, it, expect } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '#config';
import { gatewayTlsFromConfig, httpsServerOptions, mtlsModeOf } from './gateway.tls.js';

const dir = mkdtempSync(path.join(tmpdir(), 'docaxis-gateway-tls-'));
const file = (name: string, text: string): string => {
  writeFileSync(path.join(dir, name), text);
  return path.join(dir, name);
};
const CERT = file('server.crt', 'server certificate PEM');
const KEY = file('server.key', 'server key PEM');
const CA = file('client-ca.crt', 'client CA PEM');
const CRL = file('client-ca.crl', 'CRL PEM');

describe('gateway TLS settings', () => {
  it('is plain HTTP without certificate and key, and refuses half or mTLS-only settings', () => {
    expect(gatewayTlsFromConfig(loadConfig({}))).toBeUndefined();
    expect(() => gatewayTlsFromConfig(loadConfig({ DOCAXIS_GATEWAY_TLS_CERT: CERT }))).toThrow(
      'HTTPS needs both DOCAXIS_GATEWAY_TLS_CERT and DOCAXIS_GATEWAY_TLS_KEY',
    );
    expect(() => gatewayTlsFromConfig(loadConfig({ DOCAXIS_GATEWAY_TLS_CLIENT_CA: CA }))).toThrow(
      'mTLS needs HTTPS',
    );
    expect(() => loadConfig({ DOCAXIS_GATEWAY_MTLS: 'sometimes' })).toThrow(/gatewayMtls/);
  });

  it('reads the files and defaults to optional mTLS when a client CA is given', () => {
    const tls = gatewayTlsFromConfig(
      loadConfig({
        DOCAXIS_GATEWAY_TLS_CERT: CERT,
        DOCAXIS_GATEWAY_TLS_KEY: KEY,
        DOCAXIS_GATEWAY_TLS_CLIENT_CA: CA,
        DOCAXIS_GATEWAY_TLS_CRL: CRL,
      }),
    )!;
    expect(mtlsModeOf(tls)).toBe('optional');
    const options = httpsServerOptions(tls);
    expect(String(options.cert)).toBe('server certificate PEM');
    expect(String(options.ca)).toBe('client CA PEM');
    expect(String(options.crl)).toBe('CRL PEM');
    // Never refused in the handshake: the guard answers AUTH_CLIENT_CERT per request instead.
    expect([options.requestCert, options.rejectUnauthorized]).toEqual([true, false]);
  });

  it('asks for no client certificate when mTLS is off, and refuses mTLS without a client CA', () => {
    const https = gatewayTlsFromConfig(
      loadConfig({ DOCAXIS_GATEWAY_TLS_CERT: CERT, DOCAXIS_GATEWAY_TLS_KEY: KEY }),
    )!;
    expect(mtlsModeOf(https)).toBe('off');
    expect(httpsServerOptions(https).requestCert).toBeUndefined();
    const off = { ...https, clientCa: 'client CA PEM', mtls: 'off' as const };
    expect(httpsServerOptions(off).requestCert).toBeUndefined();
    expect(() => httpsServerOptions({ ...https, mtls: 'required' })).toThrow(
      'mTLS required needs the client CA (DOCAXIS_GATEWAY_TLS_CLIENT_CA)',
    );
  });
});
