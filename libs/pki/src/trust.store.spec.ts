import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  TrustStore,
  createCrl,
  createRootCa,
  issueAgencyCert,
  issueIntermediate,
  issueServerCert,
  issueSystemCert,
  normalizeSerial,
  type IssuedCert,
  type VerifyOptions,
} from './index.js';

const DAY = 86_400_000;
const now = new Date();
const signing = (at = now): VerifyOptions => ({ at, purpose: 'signing' });
const serialOf = (c: IssuedCert): string => normalizeSerial(new X509Certificate(c.certPem).serialNumber);

/** The DxError code (and message) a call throws, or 'ok'. */
function outcome(f: () => unknown): { code: string; message: string } {
  try {
    f();
    return { code: 'ok', message: '' };
  } catch (e) {
    return { code: (e as { code?: string }).code ?? 'no code', message: (e as Error).message };
  }
}

describe('TrustStore', () => {
  let root: IssuedCert;
  let int: IssuedCert;
  let ag: IssuedCert;
  let store: TrustStore;

  beforeAll(() => {
    root = createRootCa({ commonName: 'Trust Root', organization: 'Ban Cơ yếu' });
    int = issueIntermediate(root, { commonName: 'Trust Intermediate', pathLen: 0 });
    ag = issueAgencyCert(int, { organId: '000.00.00.G22', organName: 'Văn phòng Chính phủ' });
    store = new TrustStore({ anchors: [root.certPem], intermediates: [int.certPem] });
  });

  it('verifies a chain with the intermediate only in the store, and returns the binding', () => {
    const v = store.verify(ag.certPem, signing());
    expect(v.organId).toBe('000.00.00.G22');
    expect(v.serial).toBe(serialOf(ag));
    expect(v.chain.map((c) => c.subject)).toEqual([
      new X509Certificate(ag.certPem).subject,
      'CN=Trust Intermediate',
      'O=Ban Cơ yếu\nCN=Trust Root',
    ]);
  });

  it('uses an intermediate that came with the signature (extra), and only then', () => {
    const rootOnly = new TrustStore({ anchors: [root.certPem] });
    expect(outcome(() => rootOnly.verify(ag.certPem, signing())).code).toBe('CERT_UNTRUSTED');
    const v = rootOnly.verify(ag.certPem, { ...signing(), extra: [new X509Certificate(int.certPem)] });
    expect(v.chain).toHaveLength(3);
  });

  it('CERT_INVALID for something that is not a certificate', () => {
    expect(
      outcome(() => store.verify('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----', signing()))
        .code,
    ).toBe('CERT_INVALID');
  });

  it('CERT_UNTRUSTED for a certificate of another root', () => {
    const other = createRootCa({ commonName: 'Other Root' });
    const leaf = issueAgencyCert(other, { organId: '000.00.00.G22', organName: 'Giả mạo' });
    const r = outcome(() => store.verify(leaf.certPem, signing()));
    expect(r.code).toBe('CERT_UNTRUSTED');
    expect(r.message).toContain('no trusted issuer');
  });

  it('CERT_UNTRUSTED when the issuer name matches but its key did not sign', () => {
    // Same subject DN as the real root, different key.
    const impostor = createRootCa({ commonName: 'Trust Root', organization: 'Ban Cơ yếu' });
    const leaf = issueAgencyCert(impostor, { organId: '000.00.00.G22', organName: 'Giả mạo' });
    const r = outcome(() => store.verify(leaf.certPem, signing()));
    expect(r.code).toBe('CERT_UNTRUSTED');
    expect(r.message).toContain('does not verify');
  });

  it('CERT_UNTRUSTED when a non-CA certificate issued the leaf', () => {
    const leaf = issueAgencyCert(ag, { organId: '000.00.00.G23', organName: 'Con' });
    const r = outcome(() =>
      store.verify(leaf.certPem, { ...signing(), extra: [new X509Certificate(ag.certPem)] }),
    );
    expect(r.code).toBe('CERT_UNTRUSTED');
    expect(r.message).toContain('is not a CA');
  });

  it('CERT_UNTRUSTED when pathLen is exceeded', () => {
    const sub = issueIntermediate(int, { commonName: 'Sub Intermediate' }); // int has pathLen 0
    const leaf = issueAgencyCert(sub, { organId: '000.00.00.G24', organName: 'Sâu' });
    const r = outcome(() =>
      store.verify(leaf.certPem, { ...signing(), extra: [new X509Certificate(sub.certPem)] }),
    );
    expect(r.code).toBe('CERT_UNTRUSTED');
    expect(r.message).toContain('allows 0 intermediate(s)');
  });

  it('CERT_EXPIRED for a leaf outside its validity at the signing time, valid when signed inside it', () => {
    // a CA hierarchy old enough to have been valid when the old certificate was used
    const oldRoot = createRootCa({
      commonName: 'Old Root',
      notBefore: new Date(now.getTime() - 1000 * DAY),
      days: 4000,
    });
    const s = new TrustStore({ anchors: [oldRoot.certPem] });
    const old = issueAgencyCert(oldRoot, {
      organId: '000.00.00.G22',
      organName: 'Cũ',
      notBefore: new Date(now.getTime() - 400 * DAY),
      notAfter: new Date(now.getTime() - 35 * DAY),
    });
    const r = outcome(() => s.verify(old.certPem, signing()));
    expect(r.code).toBe('CERT_EXPIRED');
    expect(r.message).toMatch(/the certificate .* is not valid at .*valid from .* to /);
    // signed while it was valid: still good today
    expect(s.verify(old.certPem, signing(new Date(now.getTime() - 100 * DAY))).organId).toBe('000.00.00.G22');
  });

  it('CERT_EXPIRED for a not-yet-valid leaf', () => {
    const future = issueAgencyCert(int, {
      organId: '000.00.00.G22',
      organName: 'Tương lai',
      notBefore: new Date(now.getTime() + 10 * DAY),
    });
    const r = outcome(() => store.verify(future.certPem, signing()));
    expect(r.code).toBe('CERT_EXPIRED');
    expect(r.message).toContain('not yet valid');
  });

  it('CERT_EXPIRED when an intermediate was not valid at the signing time', () => {
    const oldInt = issueIntermediate(root, {
      commonName: 'Old Intermediate',
      notBefore: new Date(now.getTime() - 400 * DAY),
      notAfter: new Date(now.getTime() - 1 * DAY),
    });
    const leaf = issueAgencyCert(oldInt, { organId: '000.00.00.G22', organName: 'X' });
    const r = outcome(() =>
      store.verify(leaf.certPem, { ...signing(), extra: [new X509Certificate(oldInt.certPem)] }),
    );
    expect(r.code).toBe('CERT_EXPIRED');
    expect(r.message).toContain('the intermediate CN=Old Intermediate');
  });

  it('CERT_USAGE when the purpose does not match the key usage', () => {
    const sys = issueSystemCert(int, { systemId: 'qlvb-1' });
    expect(outcome(() => store.verify(sys.certPem, signing())).code).toBe('CERT_USAGE');
    expect(store.verify(sys.certPem, { at: now, purpose: 'client' }).systemId).toBe('qlvb-1');
    expect(outcome(() => store.verify(sys.certPem, { at: now, purpose: 'server' })).code).toBe('CERT_USAGE');
    const srv = issueServerCert(int, { hosts: ['hub.local'] });
    expect(outcome(() => store.verify(srv.certPem, { at: now, purpose: 'client' })).code).toBe('CERT_USAGE');
    expect(store.verify(srv.certPem, { at: now, purpose: 'server' }).chain).toHaveLength(3);
    // a CA certificate (keyCertSign only) does not sign documents
    expect(outcome(() => store.verify(int.certPem, signing())).code).toBe('CERT_USAGE');
  });

  describe('revocation', () => {
    it('CERT_REVOKED when revoked on or before the signing time; valid when signed before', () => {
      const leaf = issueAgencyCert(int, { organId: '000.00.00.G22', organName: 'Bị thu hồi' });
      const s = new TrustStore({ anchors: [root.certPem], intermediates: [int.certPem] });
      // first verification caches the chain; the CRL published later must still count
      expect(s.verify(leaf.certPem, signing()).serial).toBe(serialOf(leaf));
      const revokedAt = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000); // CRL times: 1 s resolution
      s.addCrl(
        createCrl(int, [{ serial: serialOf(leaf), revokedAt, reason: 'keyCompromise' }], {
          nextUpdate: new Date(now.getTime() + 7 * DAY),
        }),
      );
      const r = outcome(() => s.verify(leaf.certPem, signing()));
      expect(r.code).toBe('CERT_REVOKED');
      expect(r.message).toContain(serialOf(leaf));
      expect(r.message).toContain(revokedAt.toISOString());
      expect(outcome(() => s.verify(leaf.certPem, signing(revokedAt))).code).toBe('CERT_REVOKED');
      expect(s.verify(leaf.certPem, signing(new Date(revokedAt.getTime() - 1000))).organId).toBe(
        '000.00.00.G22',
      );
      // other certificates of the same CA are unaffected
      expect(s.verify(ag.certPem, signing()).organId).toBe('000.00.00.G22');
    });

    it('CERT_REVOKED when the intermediate is revoked by the root', () => {
      const s = new TrustStore({
        anchors: [root.certPem],
        intermediates: [int.certPem],
        crls: [
          createCrl(root, [{ serial: serialOf(int), revokedAt: new Date(now.getTime() - DAY) }], {
            nextUpdate: new Date(now.getTime() + DAY),
          }),
        ],
      });
      const r = outcome(() => s.verify(ag.certPem, signing()));
      expect(r.code).toBe('CERT_REVOKED');
      expect(r.message).toContain('Trust Intermediate');
    });

    it('CRL_INVALID for a CRL not signed by its CA', () => {
      const impostor = createRootCa({ commonName: 'Trust Intermediate' }); // same Name as int, other key
      const forged = createCrl(impostor, [{ serial: serialOf(ag), revokedAt: now }], {
        nextUpdate: new Date(now.getTime() + DAY),
      });
      const s = new TrustStore({ anchors: [root.certPem], intermediates: [int.certPem] });
      expect(outcome(() => s.addCrl(forged)).code).toBe('CRL_INVALID');
      expect(s.verify(ag.certPem, signing()).organId).toBe('000.00.00.G22');
      // an issuer only known later (extra) still gets the CRL checked before it is used
      const rootOnly = new TrustStore({ anchors: [root.certPem], crls: [forged] });
      const r = outcome(() =>
        rootOnly.verify(ag.certPem, { ...signing(), extra: [new X509Certificate(int.certPem)] }),
      );
      expect(r.code).toBe('CRL_INVALID');
    });

    it('with requireCrl: fails closed on a missing or stale CRL, still honours revocations in a stale one', () => {
      const fresh = (ca: IssuedCert, revoked: string[] = []) =>
        createCrl(
          ca,
          revoked.map((serial) => ({ serial, revokedAt: new Date(now.getTime() - DAY) })),
          {
            nextUpdate: new Date(now.getTime() + DAY),
          },
        );
      const stale = (ca: IssuedCert, revoked: string[] = []) =>
        createCrl(
          ca,
          revoked.map((serial) => ({ serial, revokedAt: new Date(now.getTime() - 5 * DAY) })),
          {
            thisUpdate: new Date(now.getTime() - 4 * DAY),
            nextUpdate: new Date(now.getTime() - 2 * DAY),
          },
        );
      const base = { anchors: [root.certPem], intermediates: [int.certPem], requireCrl: true };

      const missing = outcome(() =>
        new TrustStore({ ...base, crls: [fresh(root)] }).verify(ag.certPem, signing()),
      );
      expect(missing.code).toBe('CRL_INVALID');
      expect(missing.message).toContain('no CRL for CN=Trust Intermediate');

      expect(
        new TrustStore({ ...base, crls: [fresh(root), fresh(int)] }).verify(ag.certPem, signing()).chain,
      ).toHaveLength(3);

      const r = outcome(() =>
        new TrustStore({ ...base, crls: [fresh(root), stale(int)] }).verify(ag.certPem, signing()),
      );
      expect(r.code).toBe('CRL_INVALID');
      expect(r.message).toContain('stale');

      const revokedInStale = outcome(() =>
        new TrustStore({ ...base, crls: [fresh(root), stale(int, [serialOf(ag)])] }).verify(
          ag.certPem,
          signing(),
        ),
      );
      expect(revokedInStale.code).toBe('CERT_REVOKED');

      // without requireCrl a stale CRL is still used, and its absence means "not revoked"
      expect(
        new TrustStore({ ...base, requireCrl: false, crls: [stale(int)] }).verify(ag.certPem, signing())
          .chain,
      ).toHaveLength(3);
    });

    it('keeps the newest CRL of an issuer', () => {
      const s = new TrustStore({ anchors: [root.certPem], intermediates: [int.certPem] });
      s.addCrl(
        createCrl(int, [{ serial: serialOf(ag), revokedAt: new Date(now.getTime() - DAY) }], {
          thisUpdate: new Date(now.getTime() - 1000),
          nextUpdate: new Date(now.getTime() + DAY),
        }),
      );
      s.addCrl(
        createCrl(int, [], {
          thisUpdate: new Date(now.getTime() - 2 * DAY),
          nextUpdate: new Date(now.getTime() + DAY),
        }),
      );
      expect(outcome(() => s.verify(ag.certPem, signing())).code).toBe('CERT_REVOKED');
    });
  });

  describe('fromFiles', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'pki-trust-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('sorts anchors, intermediates and CRLs out of PEM files and directories', () => {
      const revokedLeaf = issueAgencyCert(int, { organId: '000.00.00.G25', organName: 'R' });
      writeFileSync(join(dir, 'ca-chain.pem'), int.certPem + root.certPem);
      mkdirSync(join(dir, 'crl'));
      writeFileSync(
        join(dir, 'crl', 'root.crl.pem'),
        createCrl(root, [], { nextUpdate: new Date(now.getTime() + DAY) }),
      );
      writeFileSync(
        join(dir, 'crl', 'intermediate.crl.pem'),
        createCrl(int, [{ serial: serialOf(revokedLeaf), revokedAt: new Date(now.getTime() - DAY) }], {
          nextUpdate: new Date(now.getTime() + DAY),
        }),
      );
      const s = TrustStore.fromFiles([join(dir, 'ca-chain.pem'), join(dir, 'crl')], { requireCrl: true });
      expect(s.verify(ag.certPem, signing()).chain).toHaveLength(3);
      expect(outcome(() => s.verify(revokedLeaf.certPem, signing())).code).toBe('CERT_REVOKED');
      // the intermediate alone is not an anchor
      const intOnly = join(dir, 'int-only.pem');
      writeFileSync(intOnly, int.certPem + createRootCa({ commonName: 'Unrelated' }).certPem);
      expect(outcome(() => TrustStore.fromFiles([intOnly]).verify(ag.certPem, signing())).code).toBe(
        'CERT_UNTRUSTED',
      );
    });

    it('refuses a CRL whose issuer is not among the files', () => {
      const other = createRootCa({ commonName: 'Elsewhere' });
      const p = join(dir, 'mixed.pem');
      writeFileSync(p, root.certPem + createCrl(other, [], { nextUpdate: new Date(now.getTime() + DAY) }));
      expect(outcome(() => TrustStore.fromFiles([p])).code).toBe('CRL_INVALID');
    });
  });
});
