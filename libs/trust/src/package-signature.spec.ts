import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { DxError } from '#contracts';
import { parseEdxml } from '#edxml';
import {
  createCrl,
  createRootCa,
  issueAgencyCert,
  issueIntermediate,
  TrustStore,
  type IssuedCert,
} from '#pki';
import { signEnveloped } from '#xmldsig';
import {
  checkPackageSignature,
  checkUnverifiedSignature,
  verifyPackageSignature,
} from './package-signature.js';

const SAMPLES = path.resolve(process.cwd(), '../shared/conformance/edxml/vpcp-sdk');
const sample = (name: string): Buffer => readFileSync(path.join(SAMPLES, name));

const DAY = 86_400_000;
const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    if (e instanceof DxError) return e.code;
    throw e;
  }
  throw new Error('expected a DxError');
};

describe('package signatures: verification and policy', () => {
  let root: IssuedCert;
  let inter: IssuedCert;
  let trust: TrustStore;
  let sender: string;
  let signer: IssuedCert;
  let unsignedDoc: Buffer;
  let signedDoc: Buffer;
  const now = new Date();

  const sign = (doc: Buffer, who: IssuedCert): Buffer =>
    signEnveloped(doc, { keyPem: who.keyPem, certPem: who.certPem, chainPem: [inter.certPem] });

  beforeAll(() => {
    const longAgo = new Date(now.getTime() - 60 * DAY);
    root = createRootCa({ commonName: 'Test Government Root', notBefore: longAgo });
    inter = issueIntermediate(root, { commonName: 'Test Agencies CA', notBefore: longAgo });
    trust = new TrustStore({ anchors: [root.certPem] });
    unsignedDoc = sample('edoc_new.edxml');
    sender = parseEdxml(unsignedDoc).MessageHeader.From!.OrganId!;
    signer = issueAgencyCert(inter, { organId: sender, organName: 'Sender agency' });
    signedDoc = sign(unsignedDoc, signer);
  });

  it('verifies a signed package and reports the signer bound to its OrganId', () => {
    const s = verifyPackageSignature(signedDoc, parseEdxml(signedDoc), { trust, at: now });
    expect(s.organId).toBe(sender);
    expect(s.chain).toHaveLength(3);
    expect(s.signatureAlgorithm).toBe('rsa-sha256');
  });

  it("refuses a certificate for another agency than the package's From (CERT_BINDING)", () => {
    const other = issueAgencyCert(inter, { organId: '000.00.00.G99', organName: 'Someone else' });
    const doc = sign(unsignedDoc, other);
    expect(codeOf(() => verifyPackageSignature(doc, parseEdxml(doc), { trust, at: now }))).toBe(
      'CERT_BINDING',
    );
  });

  it('refuses expired, revoked and untrusted signers, and a hub without trust anchors', () => {
    const expired = issueAgencyCert(inter, {
      organId: sender,
      organName: 'Expired',
      notBefore: new Date(now.getTime() - 30 * DAY),
      notAfter: new Date(now.getTime() - DAY),
    });
    const e = sign(unsignedDoc, expired);
    expect(codeOf(() => verifyPackageSignature(e, parseEdxml(e), { trust, at: now }))).toBe('CERT_EXPIRED');

    const revoked = issueAgencyCert(inter, {
      organId: sender,
      organName: 'Revoked',
      notBefore: new Date(now.getTime() - 10 * DAY),
    });
    const crl = createCrl(
      inter,
      [
        {
          serial: new X509Certificate(revoked.certPem).serialNumber,
          revokedAt: new Date(now.getTime() - DAY),
        },
      ],
      { nextUpdate: new Date(now.getTime() + 7 * DAY) },
    );
    const withCrl = new TrustStore({ anchors: [root.certPem], crls: [crl] });
    const r = sign(unsignedDoc, revoked);
    expect(codeOf(() => verifyPackageSignature(r, parseEdxml(r), { trust: withCrl, at: now }))).toBe(
      'CERT_REVOKED',
    );
    // Signed before the revocation date: still valid at that time.
    expect(
      verifyPackageSignature(r, parseEdxml(r), { trust: withCrl, at: new Date(now.getTime() - 2 * DAY) })
        .organId,
    ).toBe(sender);

    const otherRoot = createRootCa({ commonName: 'Not our root' });
    const stranger = issueAgencyCert(otherRoot, { organId: sender, organName: 'Stranger' });
    const u = signEnveloped(unsignedDoc, { keyPem: stranger.keyPem, certPem: stranger.certPem });
    expect(codeOf(() => verifyPackageSignature(u, parseEdxml(u), { trust, at: now }))).toBe('CERT_UNTRUSTED');
    expect(codeOf(() => verifyPackageSignature(signedDoc, parseEdxml(signedDoc), { at: now }))).toBe(
      'CERT_UNTRUSTED',
    );
  });

  it('refuses a package changed after signing, and a second signature wrapped around the first', () => {
    const tampered = Buffer.from(signedDoc.toString('utf8').replace('<edXML:Subject>', '<edXML:Subject>X'));
    expect(codeOf(() => verifyPackageSignature(tampered, parseEdxml(tampered), { trust, at: now }))).toBe(
      'SIG_DIGEST_MISMATCH',
    );
    const text = signedDoc.toString('utf8');
    const sigStart = text.indexOf('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"');
    const sigEnd = text.indexOf('</Signature>', sigStart) + '</Signature>'.length;
    const wrapped = Buffer.from(text.slice(0, sigEnd) + text.slice(sigStart, sigEnd) + text.slice(sigEnd));
    expect(codeOf(() => verifyPackageSignature(wrapped, parseEdxml(wrapped), { trust, at: now }))).toBe(
      'SIG_WRAPPING',
    );
  });

  describe('policies', () => {
    const placeholder = (): Buffer => sample('edoc_new.edxml'); // carries the SDK's placeholder Signature
    const stripped = (): Buffer =>
      Buffer.from(
        placeholder()
          .toString('utf8')
          .replace(/<Signature>[\s\S]*?<\/Signature>/, ''),
      );

    it('off checks nothing', () => {
      expect(
        checkPackageSignature(placeholder(), parseEdxml(placeholder()), 'off', { trust, at: now }),
      ).toEqual({
        verdict: 'not-checked',
      });
    });

    it('report (the default) accepts everything and records why a package did not verify', () => {
      const p = checkPackageSignature(placeholder(), parseEdxml(placeholder()), 'report', { trust, at: now });
      expect(p.verdict).toBe('invalid');
      expect(p.code).toMatch(/^(SIG|CERT)_/);
      expect(
        checkPackageSignature(stripped(), parseEdxml(stripped()), 'report', { trust, at: now }).verdict,
      ).toBe('unsigned');
      expect(
        checkPackageSignature(signedDoc, parseEdxml(signedDoc), 'report', { trust, at: now }).verdict,
      ).toBe('verified');
    });

    it('if-present lets unsigned packages through but refuses a signature that does not verify', () => {
      expect(
        checkPackageSignature(stripped(), parseEdxml(stripped()), 'if-present', { trust, at: now }).verdict,
      ).toBe('unsigned');
      expect(
        codeOf(() =>
          checkPackageSignature(placeholder(), parseEdxml(placeholder()), 'if-present', { trust, at: now }),
        ),
      ).toMatch(/^(SIG|CERT)_/);
    });

    it('required refuses unsigned packages with SIG_MISSING and accepts verified ones', () => {
      expect(
        codeOf(() =>
          checkPackageSignature(stripped(), parseEdxml(stripped()), 'required', { trust, at: now }),
        ),
      ).toBe('SIG_MISSING');
      const ok = checkPackageSignature(signedDoc, parseEdxml(signedDoc), 'required', { trust, at: now });
      expect(ok.verdict).toBe('verified');
      expect(ok.signer?.organId).toBe(sender);
    });
  });
});

describe('packages too large to verify (above SIGNATURE_VERIFIED_UP_TO_BYTES): one rule per policy', () => {
  const code = (fn: () => unknown): string | undefined => {
    try {
      fn();
      return undefined;
    } catch (e) {
      return (e as DxError).code;
    }
  };

  it('required refuses, signed or not', () => {
    expect(code(() => checkUnverifiedSignature(true, 'required'))).toBe('SIG_TOO_LARGE');
    expect(code(() => checkUnverifiedSignature(false, 'required'))).toBe('SIG_TOO_LARGE');
  });

  it('if-present refuses a signature it cannot verify and passes an unsigned package', () => {
    expect(code(() => checkUnverifiedSignature(true, 'if-present'))).toBe('SIG_TOO_LARGE');
    expect(checkUnverifiedSignature(false, 'if-present')).toMatchObject({
      verdict: 'unsigned',
      code: 'SIG_MISSING',
    });
  });

  it('report records not-checked (SIG_TOO_LARGE) or unsigned; off records not-checked', () => {
    expect(checkUnverifiedSignature(true, 'report')).toMatchObject({
      verdict: 'not-checked',
      code: 'SIG_TOO_LARGE',
    });
    expect(checkUnverifiedSignature(false, 'report')).toMatchObject({ verdict: 'unsigned' });
    expect(checkUnverifiedSignature(true, 'off')).toEqual({ verdict: 'not-checked' });
  });
});
