import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DxError } from '#contracts';
import {
  createRootCa,
  fromPkcs12,
  issueAgencyCert,
  issueIntermediate,
  toPkcs12,
  type IssuedCert,
} from './index.js';

const openssl = (args: string[]): string =>
  execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const fp = (pem: string): string => new X509Certificate(pem).fingerprint256;
const sameKey = (a: string, b: string): boolean =>
  createPrivateKey(a)
    .export({ type: 'pkcs8', format: 'der' })
    .equals(createPrivateKey(b).export({ type: 'pkcs8', format: 'der' }));

describe('PKCS#12', () => {
  let dir: string;
  let root: IssuedCert;
  let int: IssuedCert;
  let ag: IssuedCert;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pki-p12-'));
    root = createRootCa({ commonName: 'P12 Root' });
    int = issueIntermediate(root, { commonName: 'P12 Intermediate' });
    ag = issueAgencyCert(int, { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a file openssl reads with the password (AES-256-CBC, PBKDF2 HMAC-SHA256)', () => {
    const p12 = toPkcs12({
      ...ag,
      chainPem: [int.certPem + root.certPem],
      password: 'Mat khau 1!',
      friendlyName: 'G22',
    });
    const path = join(dir, 'ours.p12');
    writeFileSync(path, p12);
    // exits non-zero if it cannot verify the MAC or decrypt a bag
    expect(() =>
      openssl(['pkcs12', '-info', '-noout', '-in', path, '-passin', 'pass:Mat khau 1!']),
    ).not.toThrow();
    const out = openssl(['pkcs12', '-in', path, '-passin', 'pass:Mat khau 1!', '-nodes', '-info']);
    expect(out).toContain('friendlyName: G22');
    const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/.exec(out)![0];
    expect(sameKey(keyPem, ag.keyPem)).toBe(true);
    expect(out.match(/BEGIN CERTIFICATE/g)).toHaveLength(3);
    // the wrong password is refused by openssl too
    expect(() => openssl(['pkcs12', '-info', '-noout', '-in', path, '-passin', 'pass:nope'])).toThrow();
  });

  it('round-trips its own files', () => {
    const back = fromPkcs12(toPkcs12({ ...ag, chainPem: [int.certPem], password: 'pw' }), 'pw');
    expect(fp(back.certPem)).toBe(fp(ag.certPem));
    expect(sameKey(back.keyPem, ag.keyPem)).toBe(true);
    expect(back.chainPem.map(fp)).toEqual([fp(int.certPem)]);
  });

  it('imports a file made by openssl pkcs12 -export', () => {
    const certPath = join(dir, 'ag.crt');
    const keyPath = join(dir, 'ag.key');
    const chainPath = join(dir, 'chain.pem');
    writeFileSync(certPath, ag.certPem);
    writeFileSync(keyPath, ag.keyPem);
    writeFileSync(chainPath, int.certPem + root.certPem);
    const out = join(dir, 'openssl.p12');
    openssl([
      'pkcs12',
      '-export',
      '-in',
      certPath,
      '-inkey',
      keyPath,
      '-certfile',
      chainPath,
      '-out',
      out,
      '-passout',
      'pass:s3cret',
    ]);
    const back = fromPkcs12(readFileSync(out), 's3cret');
    expect(fp(back.certPem)).toBe(fp(ag.certPem));
    expect(sameKey(back.keyPem, ag.keyPem)).toBe(true);
    expect(back.chainPem.map(fp).sort()).toEqual([fp(int.certPem), fp(root.certPem)].sort());
  });

  it('refuses a wrong password with CERT_INVALID', () => {
    const p12 = toPkcs12({ ...ag, password: 'right' });
    let err: unknown;
    try {
      fromPkcs12(p12, 'wrong');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DxError);
    expect((err as DxError).code).toBe('CERT_INVALID');
    expect((err as DxError).message).toMatch(/wrong password/);
  });

  it('refuses non-ASCII passwords that forge cannot encode as other tools do', () => {
    expect(() => toPkcs12({ ...ag, password: 'mật khẩu' })).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });

  it('refuses bytes that are not PKCS#12 with CERT_INVALID', () => {
    expect(() => fromPkcs12(Buffer.from('not a pfx'), 'pw')).toThrow(
      expect.objectContaining({ code: 'CERT_INVALID' }),
    );
  });
});
