import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRootCa, issueAgencyCert, issueIntermediate, TrustStore, type IssuedCert } from '#pki';
import { cmsDer } from './cms.verifier.js';
import { minimalPdf } from './pdf.minimal.js';
import { PdfLexer, PdfString } from './pdf.objects.js';
import { signPdf } from './pdf.signer.js';
import { verifyPdfSignatures } from './pdf.verifier.js';

// Decree 30: an official document carries the signer's signature and the agency's.
let root: IssuedCert;
let inter: IssuedCert;
let person: IssuedCert;
let agency: IssuedCert;
let trust: TrustStore;
let twice: Buffer;
const signedAt = new Date(Date.now() - 60_000);

beforeAll(() => {
  root = createRootCa({ commonName: 'PDF Test Root' });
  inter = issueIntermediate(root, { commonName: 'PDF Test Issuing CA' });
  person = issueAgencyCert(inter, { organId: '000.00.01.H41', organName: 'Nguyễn Văn A' });
  agency = issueAgencyCert(inter, { organId: '000.00.01.H41', organName: 'UBND tỉnh' });
  trust = new TrustStore({ anchors: [root.certPem] });
  const once = signPdf(minimalPdf('Quyet dinh 123'), {
    keyPem: person.keyPem,
    certPem: person.certPem,
    chainPems: [inter.certPem],
    signingTime: signedAt,
    reason: 'Người ký',
  });
  twice = signPdf(once, {
    keyPem: agency.keyPem,
    certPem: agency.certPem,
    chainPems: [inter.certPem],
    signingTime: signedAt,
    reason: 'Ký số của cơ quan',
  });
});

/** The CMS of the n-th signature (0-based), found the way a reader would: the /Contents of its dictionary. */
function cmsOf(pdf: Buffer, n: number): Buffer {
  const text = pdf.toString('latin1');
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf('/Contents <', at + 1);
  const lx = new PdfLexer(pdf, at + '/Contents '.length);
  return cmsDer((lx.value() as PdfString).bytes);
}

describe('signPdf + verifyPdfSignatures', () => {
  it('a PDF signed twice by our tooling verifies: two valid signatures, signer and agency, chain to the root', () => {
    const v = verifyPdfSignatures(twice, { trust });
    expect(v.valid).toBe(true);
    expect(v.signatures).toHaveLength(2);
    const [first, second] = v.signatures;
    expect(first).toMatchObject({
      verdict: 'valid',
      field: 'Signature1',
      subFilter: 'adbe.pkcs7.detached',
      reason: 'Người ký',
      coversWholeFile: false,
      digestAlgorithm: 'sha256',
      signingTime: new Date(Math.floor(signedAt.getTime() / 1000) * 1000).toISOString(),
    });
    // The first signature's revision ends where the second signature's incremental update starts.
    expect(first.appendedBytes).toBeGreaterThan(0);
    expect(second).toMatchObject({
      verdict: 'valid',
      field: 'Signature2',
      coversWholeFile: true,
      appendedBytes: 0,
    });
    expect(first.signer?.subject).toContain('Nguyễn Văn A');
    expect(first.signer?.organId).toBe('000.00.01.H41');
    expect(second.signer?.subject).toContain('UBND tỉnh');
    expect(second.signer?.chain).toHaveLength(3);
    expect(second.signer?.chain[2]).toContain('PDF Test Root');
    expect(v.unsignedTrailingBytes).toBe(0);
  });

  it('signing keeps the original bytes as the prefix (incremental update)', () => {
    const original = minimalPdf('Quyet dinh 123');
    expect(twice.subarray(0, original.length).equals(original)).toBe(true);
  });

  it('one changed byte inside a signed range is a digest failure (PDF_SIG_DIGEST) for every signature covering it', () => {
    const tampered = Buffer.from(twice);
    const at = tampered.indexOf('Quyet dinh 123', 0, 'latin1');
    tampered[at] = 'K'.charCodeAt(0);
    const v = verifyPdfSignatures(tampered, { trust });
    expect(v.valid).toBe(false);
    expect(v.signatures.map((s) => [s.verdict, s.code])).toEqual([
      ['invalid', 'PDF_SIG_DIGEST'],
      ['invalid', 'PDF_SIG_DIGEST'],
    ]);
  });

  it('bytes appended after the last signature are reported, and the document is not valid', () => {
    const appended = Buffer.concat([twice, Buffer.from('\n% appended later\n', 'latin1')]);
    const v = verifyPdfSignatures(appended, { trust });
    expect(v.signatures.every((s) => s.verdict === 'valid')).toBe(true);
    expect(v.signatures[1].coversWholeFile).toBe(false);
    expect(v.unsignedTrailingBytes).toBe(18);
    expect(v.valid).toBe(false);
  });

  it('a /ByteRange that leaves more than the /Contents string unsigned is PDF_SIG_RANGE', () => {
    const once = signPdf(minimalPdf(), {
      keyPem: person.keyPem,
      certPem: person.certPem,
      chainPems: [inter.certPem],
    });
    const text = once.toString('latin1');
    const m = /\/ByteRange \[0 (\d+) (\d+) (\d+)\s*\]/.exec(text)!;
    // Widen the hole by one byte on the left and shrink the first range to match: still self-consistent sizes.
    const widened = `/ByteRange [0 ${Number(m[1]) - 1} ${m[2]} ${m[3]}]`.padEnd(m[0].length, ' ');
    const bad = Buffer.from(text.replace(m[0], widened), 'latin1');
    const v = verifyPdfSignatures(bad, { trust });
    expect(v.signatures[0]).toMatchObject({ verdict: 'invalid', code: 'PDF_SIG_RANGE' });
  });

  it('a signer that does not chain to the trust anchors is CERT_UNTRUSTED (the signature itself verifies)', () => {
    const otherRoot = createRootCa({ commonName: 'Someone Else Root' });
    const stranger = issueAgencyCert(otherRoot, { organId: '000.00.01.H41', organName: 'Impostor' });
    const pdf = signPdf(minimalPdf(), { keyPem: stranger.keyPem, certPem: stranger.certPem });
    const v = verifyPdfSignatures(pdf, { trust });
    expect(v.signatures[0]).toMatchObject({
      verdict: 'invalid',
      code: 'CERT_UNTRUSTED',
      digestAlgorithm: 'sha256',
    });
    expect(v.signatures[0].signer?.subject).toContain('Impostor');
  });

  it('without a trust store every signer is CERT_UNTRUSTED', () => {
    expect(verifyPdfSignatures(twice).signatures.map((s) => s.code)).toEqual([
      'CERT_UNTRUSTED',
      'CERT_UNTRUSTED',
    ]);
  });

  it('a PDF without signatures is not valid and lists none', () => {
    const v = verifyPdfSignatures(minimalPdf());
    expect(v).toMatchObject({ valid: false, signatures: [] });
  });

  it('a signer certificate expired at the signing time is CERT_EXPIRED', () => {
    const old = issueAgencyCert(inter, {
      organId: '000.00.01.H41',
      organName: 'Expired',
      notBefore: new Date(Date.now() - 10 * 86_400_000),
      notAfter: new Date(Date.now() - 5 * 86_400_000),
    });
    const pdf = signPdf(minimalPdf(), {
      keyPem: old.keyPem,
      certPem: old.certPem,
      chainPems: [inter.certPem],
    });
    expect(verifyPdfSignatures(pdf, { trust }).signatures[0].code).toBe('CERT_EXPIRED');
  });
});

describe('hostile and unsupported input', () => {
  const once = (): Buffer =>
    signPdf(minimalPdf(), { keyPem: person.keyPem, certPem: person.certPem, chainPems: [inter.certPem] });

  it('a /Contents that is not a CMS SignedData is PDF_SIG_INVALID', () => {
    const pdf = once();
    const at = pdf.indexOf('/Contents <', 0, 'latin1') + '/Contents <'.length;
    pdf.write('3003020100', at, 'latin1'); // SEQUENCE { INTEGER 0 }, then the zero padding
    expect(verifyPdfSignatures(pdf, { trust }).signatures[0]).toMatchObject({
      verdict: 'invalid',
      code: 'PDF_SIG_INVALID',
    });
  });

  it('a SubFilter this verifier does not support is PDF_SIG_INVALID, not a pass', () => {
    const text = once()
      .toString('latin1')
      .replace('/SubFilter /adbe.pkcs7.detached', '/SubFilter /adbe.pkcs7.sha1    ');
    const v = verifyPdfSignatures(Buffer.from(text, 'latin1'), { trust });
    expect(v.signatures[0]).toMatchObject({ verdict: 'invalid', code: 'PDF_SIG_INVALID' });
  });

  it('signing something that is not a PDF with a classic cross-reference table is PDF_MALFORMED', () => {
    expect(() =>
      signPdf(Buffer.from('not a pdf'), { keyPem: person.keyPem, certPem: person.certPem }),
    ).toThrow(expect.objectContaining({ code: 'PDF_MALFORMED' }));
    const xrefStream = Buffer.from(
      minimalPdf()
        .toString('latin1')
        .replace(/\nxref\n/, '\nXREF\n'),
      'latin1',
    );
    expect(() => signPdf(xrefStream, { keyPem: person.keyPem, certPem: person.certPem })).toThrow(
      expect.objectContaining({ code: 'PDF_MALFORMED' }),
    );
  });
});

describe('interop with openssl', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'pdfsig-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('openssl cms -verify accepts each CMS blob over its signed byte ranges', () => {
    const text = twice.toString('latin1');
    const ranges = [...text.matchAll(/\/ByteRange \[(\d+) (\d+) (\d+) (\d+)\s*\]/g)].map((m) =>
      m.slice(1).map(Number),
    );
    expect(ranges).toHaveLength(2);
    writeFileSync(path.join(dir, 'root.pem'), root.certPem);
    ranges.forEach(([a, b, c, l], i) => {
      writeFileSync(path.join(dir, `sig${i}.der`), cmsOf(twice, i));
      writeFileSync(
        path.join(dir, `content${i}.bin`),
        Buffer.concat([twice.subarray(a, a + b), twice.subarray(c, c + l)]),
      );
      const out = execFileSync(
        'openssl',
        ['cms', '-verify', '-binary', '-inform', 'DER', '-in', `sig${i}.der`, '-content', `content${i}.bin`,
         '-CAfile', 'root.pem', '-purpose', 'any', '-out', '/dev/null'], // prettier-ignore
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      expect(out).toBeDefined();
    });
    // And it refuses the same blob over other bytes.
    writeFileSync(path.join(dir, 'other.bin'), 'not the signed bytes');
    expect(() =>
      execFileSync(
        'openssl',
        ['cms', '-verify', '-binary', '-inform', 'DER', '-in', 'sig0.der', '-content', 'other.bin',
         '-CAfile', 'root.pem', '-purpose', 'any', '-out', '/dev/null'], // prettier-ignore
        { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    ).toThrow();
  });
});
