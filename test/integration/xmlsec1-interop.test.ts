// Interoperability with xmlsec1 (Debian's, the reference XML-DSig implementation over libxml2 + OpenSSL), with
// OpenSSL-made certificates: packages xmlsec1 signs verify in docaxis, packages docaxis signs pass
// `xmlsec1 --verify`, and a tampered byte fails on both sides.
import { beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { signEnveloped, verifyEnveloped } from '#xmldsig';
import { readSample } from '../support/samples.js';
import { createTestCa, type TestCa, type TestCert } from '../support/test-pki.js';

// RSA, as XML-DSig signers usually are; one name for every CA, so that only the signature tells them apart.
const CA_NAME = 'Test-Root-CA';

const C14N = {
  'exc-c14n': 'http://www.w3.org/2001/10/xml-exc-c14n#',
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
} as const;
const ALG = {
  sha256: {
    signature: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    digest: 'http://www.w3.org/2001/04/xmlenc#sha256',
  },
  sha1: {
    signature: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
    digest: 'http://www.w3.org/2000/09/xmldsig#sha1',
  },
} as const;

let pki: TestCa;
let signer: TestCert;
let n = 0;
beforeAll(() => {
  pki = createTestCa(CA_NAME, { keyAlgorithm: 'rsa' });
  signer = pki.issue('signer', undefined, 'signing');
});

function xmlsec1(args: string[]): { status: number | null; output: string } {
  const r = spawnSync('xmlsec1', args, { cwd: pki.dir, encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const write = (xml: string): string => {
  const file = path.join(pki.dir, `doc-${++n}.xml`);
  writeFileSync(file, xml);
  return file;
};

/** A package whose edXMLHeader holds an empty XML-DSig template (replacing the SDK's placeholder, if any). */
function template(sample: string, c14n: keyof typeof C14N, alg: keyof typeof ALG): string {
  const xml = readSample(sample)
    .toString('utf8')
    .replace(/<Signature[\s>][\s\S]*?<\/Signature>/, '');
  const signature =
    `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo>` +
    `<CanonicalizationMethod Algorithm="${C14N[c14n]}"/><SignatureMethod Algorithm="${ALG[alg].signature}"/>` +
    `<Reference URI=""><Transforms>` +
    `<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>` +
    `<Transform Algorithm="${C14N[c14n]}"/></Transforms>` +
    `<DigestMethod Algorithm="${ALG[alg].digest}"/><DigestValue/></Reference></SignedInfo>` +
    `<SignatureValue/><KeyInfo><X509Data/></KeyInfo></Signature>`;
  return xml.replace(/(\s*)<\/edXML:edXMLHeader>/, `$1${signature}$1</edXML:edXMLHeader>`);
}

/** Flip one base64 character of the first attachment (or, in a status package, of its Description). */
function tamper(xml: string): string {
  const m = /<edXML:ContentTransferEncoded[^>]*>/.exec(xml) ?? /<edXML:Description>/.exec(xml);
  const at = m!.index + m![0].length + 10;
  const tampered = xml.slice(0, at) + (xml[at] === 'A' ? 'B' : 'A') + xml.slice(at + 1);
  expect(tampered).not.toBe(xml);
  return tampered;
}

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return 'no error';
};

const CASES = [
  ['edoc_new.edxml', 'exc-c14n', 'sha256'],
  ['edoc_update.edxml', 'c14n', 'sha256'],
  ['status.edxml', 'exc-c14n', 'sha1'],
  ['status_rejection_02.edxml', 'c14n', 'sha1'],
] as const;

describe('xmlsec1 signs, docaxis verifies', () => {
  for (const [sample, c14n, alg] of CASES) {
    it(`${sample}: ${c14n}, rsa-${alg}`, () => {
      const out = path.join(pki.dir, `xmlsec1-${++n}.xml`);
      const keys = `${signer.keyPath},${signer.certPath},${pki.certPath}`;
      const signed = xmlsec1([
        '--sign',
        '--privkey-pem',
        keys,
        '--output',
        out,
        write(template(sample, c14n, alg)),
      ]);
      expect(signed.output).toBe('');
      expect(signed.status).toBe(0);
      const xml = readFileSync(out, 'utf8');

      if (alg === 'sha1') {
        expect(codeOf(() => verifyEnveloped(xml))).toBe('SIG_ALGORITHM');
      }
      const result = verifyEnveloped(xml, { allowSha1: alg === 'sha1' });
      expect(result.c14n).toBe(c14n);
      expect(result.signatureAlgorithm).toBe(`rsa-${alg}`);
      expect(result.signer.fingerprint256).toBe(new X509Certificate(signer.cert).fingerprint256);
      expect(result.certificates).toHaveLength(2);

      expect(codeOf(() => verifyEnveloped(tamper(xml), { allowSha1: true }))).toBe('SIG_DIGEST_MISMATCH');
    });
  }
});

describe('docaxis signs, xmlsec1 verifies against the OpenSSL CA', () => {
  for (const [sample, c14n, alg] of CASES) {
    it(`${sample}: ${c14n}, rsa-${alg}`, () => {
      const signed = signEnveloped(readSample(sample), {
        keyPem: signer.key,
        certPem: signer.cert,
        c14n,
        signatureAlgorithm: `rsa-${alg}`,
      }).toString('utf8');
      const ok = xmlsec1(['--verify', '--trusted-pem', pki.certPath, write(signed)]);
      expect(ok.output).toContain('OK');
      expect(ok.status).toBe(0);

      const bad = xmlsec1(['--verify', '--trusted-pem', pki.certPath, write(tamper(signed))]);
      expect(bad.output).toContain('FAIL');
      expect(bad.status).not.toBe(0);
    });
  }

  it('a signature by a certificate the CA did not issue fails xmlsec1 (the trust check is real)', () => {
    const strangers = createTestCa(CA_NAME, { keyAlgorithm: 'rsa' });
    const stranger = strangers.issue('stranger', undefined, 'signing');
    const signed = signEnveloped(readSample('status.edxml'), {
      keyPem: stranger.key,
      certPem: stranger.cert,
    }).toString('utf8');
    const file = write(signed);
    expect(xmlsec1(['--verify', '--trusted-pem', pki.certPath, file]).status).not.toBe(0);
    expect(xmlsec1(['--verify', '--trusted-pem', strangers.certPath, file]).status).toBe(0);
  });
});

describe('docaxis sign (the CLI, as built)', () => {
  const cli = (args: string[]): { status: number | null; stdout: string; stderr: string } => {
    const r = spawnSync(process.execPath, [path.resolve('bin/docaxis.js'), ...args], {
      cwd: pki.dir,
      encoding: 'utf8',
    });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('writes FILE.signed.edxml that xmlsec1 verifies, or the same bytes to stdout with -o -', () => {
    const input = path.join(pki.dir, 'cli-input.edxml');
    writeFileSync(input, readSample('edoc_revocation.edxml'));
    const r = cli([
      'sign',
      input,
      '--key',
      signer.keyPath,
      '--cert',
      signer.certPath,
      '--chain',
      pki.certPath,
    ]);
    expect(r.stderr).toContain('cli-input.signed.edxml');
    expect(r.status).toBe(0);
    const out = path.join(pki.dir, 'cli-input.signed.edxml');
    expect(xmlsec1(['--verify', '--trusted-pem', pki.certPath, out]).status).toBe(0);
    expect(verifyEnveloped(readFileSync(out)).certificates).toHaveLength(2);

    const piped = cli([
      'sign',
      input,
      '--key',
      signer.keyPath,
      '--cert',
      signer.certPath,
      '--sha1',
      '-o',
      '-',
    ]);
    expect(piped.status).toBe(0);
    expect(verifyEnveloped(piped.stdout, { allowSha1: true }).signatureAlgorithm).toBe('rsa-sha1');
  });

  it('exits non-zero with the error code when the key does not match the certificate', () => {
    const input = path.join(pki.dir, 'cli-mismatch.edxml');
    writeFileSync(input, readSample('status.edxml'));
    const r = cli(['sign', input, '--key', signer.keyPath, '--cert', pki.certPath, '-o', '-']);
    expect(r.stderr).toContain('SIG_INVALID');
    expect(r.status).not.toBe(0);
    expect(r.stdout).toBe('');
  });
});
