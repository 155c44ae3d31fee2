import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  certInfo,
  createRootCa,
  issueAgencyCert,
  issueIntermediate,
  issueSealCert,
  issueServerCert,
  issueSystemCert,
  organIdOf,
  systemIdOf,
  type IssuedCert,
} from './index.js';

const openssl = (args: string[]): string => execFileSync('openssl', args, { encoding: 'utf8' });

describe('certificate issuance', () => {
  let dir: string;
  let root: IssuedCert;
  let int: IssuedCert;
  const file = (name: string, pem: string): string => {
    const p = join(dir, name);
    writeFileSync(p, pem);
    return p;
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pki-issuer-'));
    root = createRootCa({ commonName: 'Docaxis Test Root', organization: 'Ban Cơ yếu Chính phủ' });
    int = issueIntermediate(root, { commonName: 'Docaxis Test Intermediate', pathLen: 0 });
    file('root.pem', root.certPem);
    file('int.pem', int.certPem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a root CA and an intermediate that openssl accepts as a chain', () => {
    const r = new X509Certificate(root.certPem);
    expect(r.ca).toBe(true);
    expect(r.checkIssued(r)).toBe(true);
    expect(certInfo(r).keyUsage).toEqual(new Set(['keyCertSign', 'cRLSign']));
    const i = new X509Certificate(int.certPem);
    expect(i.checkIssued(r)).toBe(true);
    expect(i.verify(r.publicKey)).toBe(true);
    expect(certInfo(i).pathLen).toBe(0);
    expect(openssl(['verify', '-CAfile', join(dir, 'root.pem'), join(dir, 'int.pem')])).toContain('OK');
  });

  it('binds the OrganId of an agency in organizationIdentifier (2.5.4.97), readable by node and openssl', () => {
    const ag = issueAgencyCert(int, { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' });
    const c = new X509Certificate(ag.certPem);
    expect(c.subject).toContain('organizationIdentifier=000.00.00.G22');
    expect(organIdOf(c)).toBe('000.00.00.G22');
    expect(c.ca).toBe(false);
    expect(c.checkPrivateKey(createPrivateKey(ag.keyPem))).toBe(true);
    expect(certInfo(c).keyUsage).toEqual(new Set(['digitalSignature', 'nonRepudiation']));
    const text = openssl([
      'x509',
      '-in',
      file('ag.pem', ag.certPem),
      '-noout',
      '-subject',
      '-nameopt',
      'utf8,sep_comma_plus',
    ]);
    expect(text).toContain('organizationIdentifier=000.00.00.G22');
    expect(text).toContain('CN=Văn phòng Chính phủ');
    expect(
      openssl([
        'verify',
        '-CAfile',
        join(dir, 'root.pem'),
        '-untrusted',
        join(dir, 'int.pem'),
        join(dir, 'ag.pem'),
      ]),
    ).toContain('OK');
  });

  it('binds the axis OrganId in the seal certificate', () => {
    const seal = issueSealCert(int, { axisOrganId: '000.00.00.H41', name: 'Trục liên thông tỉnh' });
    const c = new X509Certificate(seal.certPem);
    expect(organIdOf(c)).toBe('000.00.00.H41');
    expect(certInfo(c).keyUsage?.has('nonRepudiation')).toBe(true);
  });

  it('names a system in the SAN URI of its TLS client certificate', () => {
    const sys = issueSystemCert(int, { systemId: 'qlvb-h41' });
    const c = new X509Certificate(sys.certPem);
    expect(systemIdOf(c)).toBe('qlvb-h41');
    expect(c.subjectAltName).toBe('URI:urn:docaxis:system:qlvb-h41');
    expect(c.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(certInfo(c).keyUsage).toEqual(new Set(['digitalSignature', 'keyEncipherment']));
    const out = openssl([
      'verify',
      '-purpose',
      'sslclient',
      '-CAfile',
      join(dir, 'root.pem'),
      '-untrusted',
      join(dir, 'int.pem'),
      file('sys.pem', sys.certPem),
    ]);
    expect(out).toContain('OK');
  });

  it('makes TLS server certificates for host names and IP addresses', () => {
    const srv = issueServerCert(int, { hosts: ['hub.example.vn', '127.0.0.1'] });
    const c = new X509Certificate(srv.certPem);
    expect(c.checkHost('hub.example.vn')).toBe('hub.example.vn');
    expect(c.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(certInfo(c).ips).toEqual(['127.0.0.1']);
    const out = openssl([
      'verify',
      '-purpose',
      'sslserver',
      '-CAfile',
      join(dir, 'root.pem'),
      '-untrusted',
      join(dir, 'int.pem'),
      file('srv.pem', srv.certPem),
    ]);
    expect(out).toContain('OK');
  });

  it('uses random positive 16-byte serials and a backdated notBefore unless told otherwise', () => {
    const a = new X509Certificate(issueSystemCert(int, { systemId: 's1' }).certPem);
    const b = new X509Certificate(issueSystemCert(int, { systemId: 's2' }).certPem);
    expect(a.serialNumber).toMatch(/^[0-7][0-9A-F]{31}$/);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(certInfo(a).notBefore.getTime()).toBeLessThan(Date.now() - 60_000);
  });

  it('can make expired and not-yet-valid certificates', () => {
    const expired = issueAgencyCert(int, {
      organId: '000.00.01.H41',
      organName: 'A',
      notBefore: new Date('2020-01-01T00:00:00Z'),
      notAfter: new Date('2021-01-01T00:00:00Z'),
    });
    expect(certInfo(new X509Certificate(expired.certPem)).notAfter.toISOString()).toBe(
      '2021-01-01T00:00:00.000Z',
    );
    const future = issueAgencyCert(int, {
      organId: '000.00.01.H41',
      organName: 'A',
      notBefore: new Date('2040-01-01T00:00:00Z'),
      days: 10,
    });
    const info = certInfo(new X509Certificate(future.certPem));
    expect(info.notBefore.toISOString()).toBe('2040-01-01T00:00:00.000Z');
    expect(info.notAfter.toISOString()).toBe('2040-01-11T00:00:00.000Z');
  });
});
