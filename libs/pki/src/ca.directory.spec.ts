import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CaDirectory, TrustStore, parseCrl } from './index.js';

describe('CaDirectory', () => {
  let work: string;
  let ca: CaDirectory;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'pki-cadir-'));
    ca = CaDirectory.init(join(work, 'ca'), { name: 'Unit Dev Root' });
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('publishes a CRL for each CA and a chain that a TrustStore loads', () => {
    expect(parseCrl(readFileSync(ca.crlFile('root'))).issuer).toBe('CN=Unit Dev Root');
    expect(parseCrl(readFileSync(ca.crlFile('intermediate'))).issuer).toBe('CN=Unit Dev Intermediate');
    const entry = ca.issue({ kind: 'system', systemId: 'sys-1' }, join(work, 'sys-1'));
    const store = TrustStore.fromFiles([ca.chainFile, join(ca.dir, 'crl')], { requireCrl: true });
    const v = store.verify(readFileSync(join(work, 'sys-1.crt'), 'utf8'), {
      at: new Date(),
      purpose: 'client',
    });
    expect(v.serial).toBe(entry.serial);
    expect(v.systemId).toBe('sys-1');
  });

  it('revokes the intermediate in the root CRL, which fails everything under it', () => {
    const leaf = ca.issue({ kind: 'agency', organId: '000.00.00.G30', name: 'X' }, join(work, 'g30'));
    const intSerial = ca.readIndex().find((e) => e.kind === 'intermediate')!.serial;
    const entry = ca.revoke(
      { certPem: readFileSync(join(ca.dir, 'intermediate.crt'), 'utf8') },
      { reason: 'cACompromise' },
    );
    expect(entry.serial).toBe(intSerial);
    expect(entry.issuer).toBe('root');
    expect(parseCrl(readFileSync(ca.crlFile('root'))).revoked.has(intSerial)).toBe(true);
    expect(parseCrl(readFileSync(ca.crlFile('intermediate'))).revoked.size).toBe(0);
    const store = TrustStore.fromFiles([ca.chainFile, join(ca.dir, 'crl')]);
    const leafCert = new X509Certificate(readFileSync(join(work, 'g30.crt')));
    expect(leaf.serial).toBe(leafCert.serialNumber.toLowerCase().replace(/^0+/, ''));
    expect(() => store.verify(leafCert, { at: new Date(), purpose: 'signing' })).toThrow(
      expect.objectContaining({ code: 'CERT_REVOKED' }),
    );
  });

  it('refuses unknown serials and an existing CA directory', () => {
    expect(() => ca.revoke({ serial: 'abcdef' })).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(() => CaDirectory.init(ca.dir, { name: 'Again' })).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
    expect(() => new CaDirectory(join(work, 'none')).readIndex()).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });
});
