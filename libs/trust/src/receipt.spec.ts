import { describe, it, expect, beforeAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrustStore } from '#pki';
import { decodeReceipt, signReceipt, verifyReceipt, type ReceiptPayload } from './receipt.js';
import { ensureDevSeal, type DevSealFiles } from './seal.dev.js';
import { loadSeal, loadSealFiles, pemCertificates, sealFromPem, type Seal } from './seal.js';

const AXIS = '000.00.00.H41';

function payload(over: Partial<ReceiptPayload> = {}): ReceiptPayload {
  return {
    v: 1,
    kind: 'submission',
    axis: AXIS,
    docId: randomUUID(),
    documentId: '000.00.01.H41,2026/11/23,1/UBND-VP',
    sha256: 'ab'.repeat(32),
    sizeBytes: 1234,
    from: '000.00.01.H41',
    to: ['000.00.02.H41'],
    systemId: 'demo-a',
    at: new Date().toISOString(),
    receiptId: randomUUID(),
    ...over,
  };
}

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

/** Changes one character of the payload segment (keeping it base64url). */
function tamper(jws: string): string {
  const [h, p, s] = jws.split('.');
  const i = Math.floor(p.length / 2);
  return `${h}.${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}.${s}`;
}

describe('receipts (JWS signed with the hub seal)', () => {
  let dir: string;
  let files: DevSealFiles;
  let seal: Seal;
  let root: X509Certificate;
  let other: DevSealFiles;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dx-seal-'));
    files = ensureDevSeal(join(dir, 'a'), AXIS);
    other = ensureDevSeal(join(dir, 'b'), AXIS);
    seal = loadSealFiles(files.keyFile, files.certFile);
    root = pemCertificates(readFileSync(files.caFile, 'utf8'))[0];
  });

  it('signs a compact JWS whose header names the seal chain and whose payload verifies unchanged', () => {
    const p = payload();
    const jws = signReceipt(seal, p);
    const decoded = decodeReceipt(jws);
    expect(decoded.header).toMatchObject({ alg: 'RS256', typ: 'dx-receipt+jws' });
    expect(decoded.certificates.map((c) => c.fingerprint256)).toEqual(
      seal.chain.map((c) => c.fingerprint256),
    );
    expect(verifyReceipt(jws)).toEqual(p);
    expect(verifyReceipt(jws, { trust: new TrustStore({ anchors: [root] }) })).toEqual(p);
  });

  it('refuses one changed character of the payload with SIG_INVALID', () => {
    const jws = signReceipt(seal, payload());
    expect(code(() => verifyReceipt(tamper(jws)))).toBe('SIG_INVALID');
  });

  it('refuses what is not a receipt with SIG_MALFORMED, and a foreign alg with SIG_ALGORITHM', () => {
    const jws = signReceipt(seal, payload());
    const [h, p, s] = jws.split('.');
    expect(code(() => verifyReceipt('not a jws'))).toBe('SIG_MALFORMED');
    expect(code(() => verifyReceipt(`${h}.${p}`))).toBe('SIG_MALFORMED');
    const header = JSON.parse(Buffer.from(h, 'base64url').toString());
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(code(() => verifyReceipt(`${enc({ ...header, typ: 'JWT' })}.${p}.${s}`))).toBe('SIG_MALFORMED');
    expect(code(() => verifyReceipt(`${enc({ ...header, alg: 'none' })}.${p}.${s}`))).toBe('SIG_ALGORITHM');
    expect(code(() => verifyReceipt(`${enc({ ...header, alg: 'ES256' })}.${p}.${s}`))).toBe('SIG_ALGORITHM');
  });

  it('checks the seal chain when given anchors: another root is CERT_UNTRUSTED, a time outside it CERT_EXPIRED', () => {
    const otherRoot = pemCertificates(readFileSync(other.caFile, 'utf8'));
    const jws = signReceipt(seal, payload());
    expect(code(() => verifyReceipt(jws, { trust: new TrustStore({ anchors: otherRoot }) }))).toBe(
      'CERT_UNTRUSTED',
    );
    const old = signReceipt(seal, payload({ at: '2001-01-01T00:00:00.000Z' }));
    expect(code(() => verifyReceipt(old, { trust: new TrustStore({ anchors: [root] }) }))).toBe(
      'CERT_EXPIRED',
    );
  });

  it('refuses a seal whose axis binding differs from the receipt (CERT_BINDING)', () => {
    const jws = signReceipt(seal, payload({ axis: '000.00.00.G22' }));
    expect(code(() => verifyReceipt(jws, { trust: new TrustStore({ anchors: [root] }) }))).toBe(
      'CERT_BINDING',
    );
  });

  it('signs ES256 with an EC P-256 key (r||s, 64 bytes)', () => {
    const dirEc = mkdtempSync(join(tmpdir(), 'dx-seal-ec-'));
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = join(dirEc, 'ec.key');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    execFileSync('openssl', [
      'req',
      '-new',
      '-x509',
      '-key',
      keyFile,
      '-subj',
      '/CN=ec seal',
      '-days',
      '2',
      '-out',
      join(dirEc, 'ec.crt'),
    ]);
    const ec = loadSealFiles(keyFile, join(dirEc, 'ec.crt'));
    expect(ec.alg).toBe('ES256');
    const jws = signReceipt(ec, payload());
    expect(Buffer.from(jws.split('.')[2], 'base64url')).toHaveLength(64);
    expect(verifyReceipt(jws).kind).toBe('submission');
    expect(code(() => verifyReceipt(tamper(jws)))).toBe('SIG_INVALID');
  });

  it("loads the seal from a PKCS#12 made by openssl, and refuses a key that is not the certificate's", () => {
    const p12 = join(dir, 'seal.p12');
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-inkey',
      files.keyFile,
      '-in',
      files.certFile,
      '-out',
      p12,
      '-passout',
      'pass:s3cret',
    ]);
    const fromP12 = loadSeal({ sealP12: p12, sealP12Password: 's3cret' });
    expect(fromP12?.chain[0].fingerprint256).toBe(seal.chain[0].fingerprint256);
    expect(
      verifyReceipt(signReceipt(fromP12!, payload()), { trust: new TrustStore({ anchors: [root] }) }).axis,
    ).toBe(AXIS);
    expect(code(() => loadSeal({ sealP12: p12, sealP12Password: 'wrong' }))).toBe('CERT_INVALID');
    expect(
      code(() => sealFromPem(readFileSync(other.keyFile, 'utf8'), readFileSync(files.certFile, 'utf8'))),
    ).toBe('CERT_INVALID');
    expect(loadSeal({})).toBeNull();
    expect(code(() => loadSeal({ sealKey: files.keyFile }))).toBe('CERT_INVALID');
  });

  it('reuses a development seal already provisioned', () => {
    const again = ensureDevSeal(join(dir, 'a'), AXIS);
    expect(loadSealFiles(again.keyFile, again.certFile).chain[0].fingerprint256).toBe(
      seal.chain[0].fingerprint256,
    );
  });
});
