import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createCrl,
  createRootCa,
  issueAgencyCert,
  issueIntermediate,
  normalizeSerial,
  parseCrl,
  verifyCrl,
  type IssuedCert,
} from './index.js';

const openssl = (args: string[]): string =>
  execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('CRLs', () => {
  let dir: string;
  let root: IssuedCert;
  let int: IssuedCert;
  let ag: IssuedCert;
  let serial: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pki-crl-'));
    root = createRootCa({ commonName: 'CRL Root', organization: 'Ban Cơ yếu' });
    int = issueIntermediate(root, { commonName: 'CRL Intermediate' });
    ag = issueAgencyCert(int, { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' });
    serial = normalizeSerial(new X509Certificate(ag.certPem).serialNumber);
    writeFileSync(join(dir, 'int.pem'), int.certPem);
    writeFileSync(join(dir, 'root.pem'), root.certPem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes CRLs that openssl verifies and reads', () => {
    const revokedAt = new Date('2026-03-01T08:00:00Z');
    const pem = createCrl(
      int,
      [
        { serial, revokedAt, reason: 'keyCompromise' },
        { serial: '00ff', revokedAt },
      ],
      {
        thisUpdate: new Date('2026-03-02T00:00:00Z'),
        nextUpdate: new Date('2026-03-09T00:00:00Z'),
      },
    );
    const path = join(dir, 'ours.crl.pem');
    writeFileSync(path, pem);
    const res = execFileSync('openssl', ['crl', '-in', path, '-CAfile', join(dir, 'int.pem'), '-noout'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(res).toBe('');
    // openssl prints the verdict on stderr; run again capturing both
    const both = execFileSync(
      'sh',
      ['-c', `openssl crl -in ${path} -CAfile ${join(dir, 'int.pem')} -noout 2>&1`],
      {
        encoding: 'utf8',
      },
    );
    expect(both).toContain('verify OK');
    const text = openssl(['crl', '-in', path, '-noout', '-text']);
    // openssl prints whole bytes (a leading zero nibble included); normalised serials have none.
    expect(text).toMatch(new RegExp(`Serial Number: 0?${serial.toUpperCase()}\\n`));
    expect(text).toContain('Key Compromise');
    expect(text).toContain('Next Update: Mar  9 00:00:00 2026 GMT');
    // and the root's key does not verify it
    const wrong = execFileSync(
      'sh',
      ['-c', `openssl crl -in ${path} -CAfile ${join(dir, 'root.pem')} -noout 2>&1 || true`],
      {
        encoding: 'utf8',
      },
    );
    expect(wrong).not.toContain('verify OK');

    const parsed = parseCrl(pem);
    expect(parsed.issuer).toBe('CN=CRL Intermediate');
    expect(parsed.revoked.get(serial)?.toISOString()).toBe(revokedAt.toISOString());
    expect(parsed.revoked.has('ff')).toBe(true);
    expect(parsed.nextUpdate?.toISOString()).toBe('2026-03-09T00:00:00.000Z');
    verifyCrl(parsed, new X509Certificate(int.certPem));
    expect(() => verifyCrl(parsed, new X509Certificate(root.certPem))).toThrow(
      expect.objectContaining({ code: 'CRL_INVALID' }),
    );
  });

  it('makes an empty CRL', () => {
    const parsed = parseCrl(createCrl(root, [], { nextUpdate: new Date(Date.now() + 86_400_000) }));
    expect(parsed.revoked.size).toBe(0);
    expect(parsed.issuer).toBe('O=Ban Cơ yếu\nCN=CRL Root');
    verifyCrl(parsed, new X509Certificate(root.certPem));
  });

  it('reads and verifies a CRL made by openssl ca -gencrl (also as DER)', () => {
    const ca = join(dir, 'ca');
    execFileSync('mkdir', ['-p', ca]);
    writeFileSync(join(ca, 'index.txt'), '');
    writeFileSync(join(ca, 'crlnumber'), '1000\n');
    writeFileSync(join(ca, 'ca.pem'), int.certPem);
    writeFileSync(join(ca, 'ca.key'), int.keyPem);
    writeFileSync(join(ca, 'ag.pem'), ag.certPem);
    writeFileSync(
      join(ca, 'openssl.cnf'),
      [
        '[ ca ]',
        'default_ca = CA_default',
        '[ CA_default ]',
        `dir = ${ca}`,
        'database = $dir/index.txt',
        'new_certs_dir = $dir',
        'certificate = $dir/ca.pem',
        'private_key = $dir/ca.key',
        'crlnumber = $dir/crlnumber',
        'default_md = sha256',
        'default_crl_days = 7',
        'policy = policy_any',
        '[ policy_any ]',
        'commonName = supplied',
        '',
      ].join('\n'),
    );
    const cnf = join(ca, 'openssl.cnf');
    openssl(['ca', '-config', cnf, '-revoke', join(ca, 'ag.pem'), '-crl_reason', 'superseded']);
    openssl(['ca', '-config', cnf, '-gencrl', '-out', join(ca, 'crl.pem')]);
    const pem = readFileSync(join(ca, 'crl.pem'), 'utf8');
    const parsed = parseCrl(pem);
    expect(parsed.issuer).toBe('CN=CRL Intermediate');
    expect([...parsed.revoked.keys()]).toEqual([serial]);
    expect(parsed.crlNumber).toBe('1000');
    expect(parsed.nextUpdate!.getTime() - parsed.thisUpdate.getTime()).toBe(7 * 86_400_000);
    verifyCrl(parsed, new X509Certificate(int.certPem));

    openssl(['crl', '-in', join(ca, 'crl.pem'), '-outform', 'DER', '-out', join(ca, 'crl.der')]);
    const fromDer = parseCrl(readFileSync(join(ca, 'crl.der')));
    expect(fromDer.revoked.has(serial)).toBe(true);
    verifyCrl(fromDer, new X509Certificate(int.certPem));
  });

  it('refuses a tampered CRL and garbage with CRL_INVALID', () => {
    const parsed = parseCrl(
      createCrl(int, [{ serial: 'abcd', revokedAt: new Date() }], {
        nextUpdate: new Date(Date.now() + 86_400_000),
      }),
    );
    const der = Buffer.from(parsed.der);
    const at = der.indexOf(Buffer.from([0xab, 0xcd]));
    der[at] = 0xac; // another serial: the signature no longer covers the content
    const tampered = parseCrl(der);
    expect(tampered.revoked.has('accd')).toBe(true);
    expect(() => verifyCrl(tampered, new X509Certificate(int.certPem))).toThrow(
      expect.objectContaining({ code: 'CRL_INVALID' }),
    );
    expect(() => parseCrl('-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n')).toThrow(
      expect.objectContaining({ code: 'CRL_INVALID' }),
    );
    expect(() => parseCrl(Buffer.from('nonsense'))).toThrow(expect.objectContaining({ code: 'CRL_INVALID' }));
  });
});
