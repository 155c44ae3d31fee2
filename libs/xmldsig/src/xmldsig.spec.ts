// signEnveloped / verifyEnveloped / inspectSignature with OpenSSL-made certificates, xml-crypto as a
// test-only second opinion, and the wrapping attacks the verifier must refuse.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { DOMParser } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { parseEdxml } from '#edxml';
import { deeplyNested, invalidUtf8 } from '../../../test/support/hostile.js';
import { SAMPLES, readSample } from '../../../test/support/samples.js';
import { createTestCa, type TestCa, type TestCert } from '../../../test/support/test-pki.js';
import { inspectSignature, signEnveloped, verifyEnveloped } from './index.js';

// RSA, as XML-DSig signers usually are; one name for every CA, so that only the signature tells them apart.
const CA_NAME = 'Test-Root-CA';

const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const OPEN = `<Signature xmlns="${DSIG}">`;

let pki: TestCa;
let signer: TestCert;
let other: TestCert;
beforeAll(() => {
  pki = createTestCa(CA_NAME, { keyAlgorithm: 'rsa' });
  signer = pki.issue('signer', undefined, 'signing');
  other = pki.issue('other', undefined, 'signing');
});

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? `not a DxError: ${(e as Error).message}`;
  }
  return 'no error';
};

const sign = (xml: Buffer | string, extra: Partial<Parameters<typeof signEnveloped>[1]> = {}): string =>
  signEnveloped(xml, { keyPem: signer.key, certPem: signer.cert, ...extra }).toString('utf8');

/** xml-crypto's verdict (test-only oracle, and the "naive verifier" the attacks fool). */
function xmlCryptoAccepts(xml: string, certPem = signer.cert): boolean {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const node = doc.getElementsByTagNameNS(DSIG, 'Signature')[0];
  const sig = new SignedXml({ publicCert: certPem, getCertFromKeyInfo: () => null });
  sig.loadSignature(node as never);
  try {
    return sig.checkSignature(xml);
  } catch {
    return false;
  }
}

const samples = readdirSync(SAMPLES).filter((f) => f.endsWith('.edxml') && !f.includes('malformed'));

describe('signEnveloped + verifyEnveloped on the SDK samples', () => {
  for (const file of samples) {
    it(`${file}: verifies, keeps every other byte, and signedContent parses to the same header`, () => {
      const original = readSample(file).toString('utf8');
      const signed = sign(original);
      const result = verifyEnveloped(signed);
      expect(result.signer.fingerprint256).toBe(result.certificates[0].fingerprint256);
      expect(result.signer.subject).toContain('CN=signer');
      expect([result.signatureAlgorithm, result.digestAlgorithm, result.c14n]).toEqual([
        'rsa-sha256',
        'sha256',
        'exc-c14n',
      ]);
      expect(signed.split(OPEN)).toHaveLength(2);
      expect(signed.match(/<(\w+:)?Signature[\s>]/g)).toHaveLength(1); // the placeholder was replaced

      // everything but the Signature element is byte for byte the original (minus a placeholder, if any)
      const start = signed.indexOf(OPEN);
      const end = signed.indexOf('</Signature>', start) + '</Signature>'.length;
      const placeholder = /<Signature[\s>][\s\S]*?<\/Signature>/.exec(original);
      const originalWithout = placeholder
        ? original.slice(0, placeholder.index) + original.slice(placeholder.index + placeholder[0].length)
        : original;
      expect(signed.slice(0, start) + signed.slice(end)).toBe(originalWithout);
      // the signature is the last child of edXMLHeader
      expect(signed.slice(end)).toMatch(/^\s*<\/edXML:edXMLHeader>/);

      const fromSigned = parseEdxml(result.signedContent);
      const fromOriginal = parseEdxml(original);
      expect(JSON.stringify(fromSigned.MessageHeader)).toBe(JSON.stringify(fromOriginal.MessageHeader));
      expect(fromSigned.kind).toBe(fromOriginal.kind);
      if (fromOriginal.kind === 'edoc' && fromSigned.kind === 'edoc') {
        expect(JSON.stringify(fromSigned.TraceHeaderList)).toBe(JSON.stringify(fromOriginal.TraceHeaderList));
        expect(fromSigned.attachments.map((a) => a.ContentTransferEncoded)).toEqual(
          fromOriginal.attachments.map((a) => a.ContentTransferEncoded),
        );
      }
      expect(xmlCryptoAccepts(signed)).toBe(true);
    });
  }

  it('inclusive c14n and rsa-sha1 (sha1 verifies only with allowSha1), chain certificates in KeyInfo', () => {
    const xml = readSample('status.edxml');
    const inclusive = sign(xml, { c14n: 'c14n', chainPem: [pki.cert] });
    const r = verifyEnveloped(inclusive);
    expect([r.c14n, r.signedInfoC14n]).toEqual(['c14n', 'c14n']);
    expect(r.certificates.map((c) => c.subject.split('\n').pop())).toEqual(['CN=signer', 'CN=Test-Root-CA']);
    expect(xmlCryptoAccepts(inclusive)).toBe(true);

    const sha1 = sign(xml, { signatureAlgorithm: 'rsa-sha1' });
    expect(codeOf(() => verifyEnveloped(sha1))).toBe('SIG_ALGORITHM');
    expect(verifyEnveloped(sha1, { allowSha1: true }).signatureAlgorithm).toBe('rsa-sha1');
    expect(verifyEnveloped(sha1, { allowSha1: true }).digestAlgorithm).toBe('sha1');
  });

  it('signing twice replaces the first signature (never two)', () => {
    const twice = sign(sign(readSample('status.edxml')), { c14n: 'c14n' });
    expect(twice.split(OPEN)).toHaveLength(2);
    expect(verifyEnveloped(twice).c14n).toBe('c14n');
  });

  it('keeps CRLF line ends and a BOM of the original; signing needs an edXMLHeader and the matching key', () => {
    const crlf = '\ufeff' + readSample('status.edxml').toString('utf8');
    expect(crlf).toContain('\r\n');
    const signed = sign(crlf);
    expect(signed.startsWith('\ufeff<?xml')).toBe(true);
    expect(signed.split('\r\n').length).toBe(crlf.split('\r\n').length);
    expect(verifyEnveloped(signed).signer.subject).toContain('CN=signer');

    expect(codeOf(() => sign('<edXML xmlns="urn:other"><a/></edXML>'))).toBe('SIG_MALFORMED');
    expect(codeOf(() => sign(crlf, { certPem: other.cert }))).toBe('SIG_INVALID');
    expect(codeOf(() => sign(crlf, { certPem: 'not a pem' }))).toBe('CERT_INVALID');
    const ec = pki.issue('ec-signer', undefined, 'signing', 'ec');
    expect(codeOf(() => sign(crlf, { keyPem: ec.key, certPem: ec.cert }))).toBe('SIG_ALGORITHM');
  });
});

describe('verifyEnveloped refuses', () => {
  let signed: string;
  beforeAll(() => {
    signed = sign(readSample('edoc_new.edxml'));
  });

  it('SIG_MISSING without a signature; SIG_MALFORMED for the SDK placeholder; inspectSignature tells them apart', () => {
    const unsigned = readSample('status.edxml');
    expect(codeOf(() => verifyEnveloped(unsigned))).toBe('SIG_MISSING');
    expect(inspectSignature(unsigned)).toBe('absent');
    const placeholder = readSample('edoc_new.edxml');
    expect(codeOf(() => verifyEnveloped(placeholder))).toBe('SIG_MALFORMED');
    expect(inspectSignature(placeholder)).toBe('present');
    expect(inspectSignature(signed)).toBe('present');
  });

  it('SIG_DIGEST_MISMATCH when one byte of an attachment or of the header changes', () => {
    const att = /<edXML:ContentTransferEncoded[^>]*>/.exec(signed)!;
    const at = att.index + att[0].length + 100;
    const flipped = signed.slice(0, at) + (signed[at] === 'A' ? 'B' : 'A') + signed.slice(at + 1);
    expect(verifyEnveloped(signed).c14n).toBe('exc-c14n');
    expect(codeOf(() => verifyEnveloped(flipped))).toBe('SIG_DIGEST_MISMATCH');
    const rerouted = signed.replace('<edXML:OrganId>000.00.50.H19<', '<edXML:OrganId>000.00.50.H18<');
    expect(rerouted).not.toBe(signed);
    expect(codeOf(() => verifyEnveloped(rerouted))).toBe('SIG_DIGEST_MISMATCH');
  });

  it('SIG_INVALID when SignedInfo changes or KeyInfo names another key', () => {
    // a forged content with a matching DigestValue: the SignatureValue no longer verifies
    const forged = sign(signed.replace('000.00.50.H19', '000.00.50.H18'), {
      keyPem: other.key,
      certPem: other.cert,
    });
    const forgedDigest = /<DigestValue>([^<]+)</.exec(forged)![1];
    const mixed = forged.replace(
      /<SignatureValue>[^<]+</,
      `<SignatureValue>${/<SignatureValue>([^<]+)</.exec(signed)![1]}<`,
    );
    expect(mixed).toContain(forgedDigest);
    expect(codeOf(() => verifyEnveloped(mixed))).toBe('SIG_INVALID');
    const otherCert = Buffer.from(other.cert.replace(/-----[^-]+-----|\s/g, ''), 'base64').toString('base64');
    const swapped = signed.replace(/<X509Certificate>[^<]+</, `<X509Certificate>${otherCert}<`);
    expect(codeOf(() => verifyEnveloped(swapped))).toBe('SIG_INVALID');
  });

  it('SIG_MALFORMED for bad base64, an unreadable certificate or no certificate', () => {
    expect(codeOf(() => verifyEnveloped(signed.replace(/<SignatureValue>/, '<SignatureValue>*')))).toBe(
      'SIG_MALFORMED',
    );
    expect(codeOf(() => verifyEnveloped(signed.replace(/<X509Certificate>/, '<X509Certificate>AAAA')))).toBe(
      'SIG_MALFORMED',
    );
    expect(codeOf(() => verifyEnveloped(signed.replace(/<KeyInfo>[\s\S]*<\/KeyInfo>/, '')))).toBe(
      'SIG_MALFORMED',
    );
    expect(codeOf(() => verifyEnveloped(signed.replace(/<SignedInfo>/, '<SignedInfo><Foo/>')))).toBe(
      'SIG_MALFORMED',
    );
  });

  it('SIG_ALGORITHM for other signature, digest or c14n algorithms and for extra transforms', () => {
    const cases = [
      signed.replace('xmldsig-more#rsa-sha256', 'xmldsig-more#rsa-sha512'),
      signed.replace('xmlenc#sha256', 'xmlenc#sha512'),
      signed.replace(
        /<CanonicalizationMethod Algorithm="[^"]+"/,
        '<CanonicalizationMethod Algorithm="http://www.w3.org/2006/12/xml-c14n11"',
      ),
      signed.replace(
        '</Transforms>',
        '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><XPath>1</XPath></Transform></Transforms>',
      ),
      signed.replace(/<Transform Algorithm="[^"]+enveloped-signature"\/>/, ''),
    ];
    for (const xml of cases) {
      expect(xml).not.toBe(signed);
      expect(codeOf(() => verifyEnveloped(xml))).toBe('SIG_ALGORITHM');
    }
  });
});

describe('verifyEnveloped: signature wrapping (SIG_WRAPPING; live attacks shown passing xml-crypto)', () => {
  let signed: string;
  beforeAll(() => {
    signed = sign(readSample('status.edxml'));
  });

  const signatureOf = (xml: string): string => {
    const start = xml.indexOf(OPEN);
    return xml.slice(start, xml.indexOf('</Signature>', start) + '</Signature>'.length);
  };

  it('a Reference to an #id: the signed MessageHeader moved aside, a forged one routed', () => {
    // A signature over MessageHeader only (made with xml-crypto, as another producer could).
    const original = readSample('status.edxml').toString('utf8');
    const sx = new SignedXml({
      privateKey: signer.key,
      publicCert: signer.cert,
      canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
      signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    });
    sx.addReference({
      xpath: "//*[local-name()='MessageHeader']",
      digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
      transforms: ['http://www.w3.org/2001/10/xml-exc-c14n#'],
    });
    sx.computeSignature(original, {
      location: { reference: "//*[local-name()='edXMLHeader']", action: 'append' },
    });
    const byId = sx.getSignedXml();
    const header = /<edXML:MessageHeader Id="[^"]+">[\s\S]*<\/edXML:MessageHeader>/.exec(byId)![0];
    const forgedHeader = header
      .replace(/ Id="[^"]+"/, '')
      .replace('<edXML:OrganId>000.00.00.H41<', '<edXML:OrganId>000.00.00.H99<');
    // the original signed header hides inside the attacker's own element, the forged one takes its place
    const attack = byId.replace(header, `${forgedHeader}<edXML:Hidden>${header}</edXML:Hidden>`);
    expect(xmlCryptoAccepts(attack)).toBe(true);
    expect(parseEdxml(attack).MessageHeader.From.OrganId).toBe('000.00.00.H99');
    expect(codeOf(() => verifyEnveloped(attack))).toBe('SIG_WRAPPING');
  });

  it('an Object with content added to a valid signature (not covered by it)', () => {
    const attack = signed.replace('</KeyInfo>', '</KeyInfo><Object><To>000.00.00.H99</To></Object>');
    expect(xmlCryptoAccepts(attack)).toBe(true);
    expect(codeOf(() => verifyEnveloped(attack))).toBe('SIG_WRAPPING');
  });

  it('the signature moved out of edXMLHeader (e.g. into the envelope)', () => {
    const sig = signatureOf(signed);
    const attack = signed.replace(sig, '').replace('</edXML:edXMLEnvelope>', `${sig}</edXML:edXMLEnvelope>`);
    expect(xmlCryptoAccepts(attack)).toBe(true);
    expect(codeOf(() => verifyEnveloped(attack))).toBe('SIG_WRAPPING');
  });

  it('a second Signature: another dsig Signature anywhere, or a placeholder next to the real one', () => {
    // With URI="" each signature covers the other, so this is defence in depth rather than a live attack:
    // one signature, one place, whatever a producer or an attacker adds.
    const sig = signatureOf(signed);
    const second = signed.replace('</edXML>', `<Extra>${sig}</Extra></edXML>`);
    const twoInHeader = signed.replace(OPEN, `<Signature>placeholder</Signature>${OPEN}`);
    for (const attack of [second, twoInHeader]) {
      expect(attack).not.toBe(signed);
      expect(codeOf(() => verifyEnveloped(attack))).toBe('SIG_WRAPPING');
    }
  });

  it('two References (the whole document and another one)', () => {
    const ref = /<Reference URI="">[\s\S]*?<\/Reference>/.exec(signed)![0];
    const attack = signed.replace(ref, ref + ref.replace('URI=""', 'URI="#x"'));
    expect(codeOf(() => verifyEnveloped(attack))).toBe('SIG_WRAPPING');
  });

  it('a Reference URI other than "" (or none at all)', () => {
    expect(codeOf(() => verifyEnveloped(signed.replace('URI=""', 'URI="#xpointer(/)"')))).toBe(
      'SIG_WRAPPING',
    );
    expect(codeOf(() => verifyEnveloped(signed.replace('<Reference URI="">', '<Reference>')))).toBe(
      'SIG_WRAPPING',
    );
  });

  it('a DOCTYPE (entities or ID attributes a DTD-aware verifier would see and the router not)', () => {
    const attack = signed.replace('?>', '?>\n<!DOCTYPE edXML>');
    expect(xmlCryptoAccepts(attack)).toBe(true);
    expect(codeOf(() => verifyEnveloped(attack))).toBe('SIG_WRAPPING');
  });
});

describe('verifyEnveloped on hostile input: a stable SIG_* code, never anything else', () => {
  it('any byte changed, inserted or cut anywhere in a signed package', () => {
    const signed = Buffer.from(sign(readSample('status.edxml')), 'utf8');
    fc.assert(
      fc.property(
        fc.nat({ max: signed.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.constantFrom('replace', 'insert', 'cut'),
        (at, byte, how) => {
          const bad =
            how === 'cut'
              ? signed.subarray(0, at)
              : Buffer.concat([
                  signed.subarray(0, at),
                  Buffer.from([byte]),
                  signed.subarray(how === 'replace' ? at + 1 : at),
                ]);
          let code = 'accepted';
          try {
            verifyEnveloped(bad);
          } catch (e) {
            code = (e as { code?: string }).code ?? `not a DxError: ${(e as Error).message}`;
          }
          // only a change the canonical form ignores (e.g. whitespace inside a tag) may still verify
          if (code === 'accepted')
            expect(verifyEnveloped(bad).signedContent).toEqual(verifyEnveloped(signed).signedContent);
          else expect(code).toMatch(/^SIG_(MALFORMED|ALGORITHM|WRAPPING|DIGEST_MISMATCH|INVALID|MISSING)$/);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('every character of the KeyInfo certificate changed: a SIG_* code (a key that does not decode included)', () => {
    const signed = sign(readSample('status.edxml'));
    const start = signed.indexOf('<X509Certificate>') + '<X509Certificate>'.length;
    const end = signed.indexOf('</X509Certificate>', start);
    const codes = new Set<string>();
    for (let at = start; at < end; at++) {
      const other = signed[at] === 'A' ? 'B' : 'A';
      codes.add(codeOf(() => verifyEnveloped(signed.slice(0, at) + other + signed.slice(at + 1))));
    }
    // A change outside the key (say in the CA's signature over the certificate) still verifies here: the
    // chain check (#pki TrustStore) refuses that certificate. Anything else must be a stable SIG_* code.
    for (const code of codes) expect(code).toMatch(/^(SIG_(MALFORMED|INVALID)|no error)$/);
    expect(codes.has('SIG_MALFORMED')).toBe(true);
  });

  it('invalid UTF-8 and absurd nesting', () => {
    expect(codeOf(() => verifyEnveloped(invalidUtf8()))).toBe('SIG_MALFORMED');
    expect(codeOf(() => verifyEnveloped(deeplyNested(300)))).toBe('SIG_MALFORMED');
  });
});
