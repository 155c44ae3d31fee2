// End to end: an agency signs a package with a certificate from `docaxis pki` and anyone checks it with
// `docaxis verify --trust`, through the built CLI: verified, then refused once changed, then refused once the
// certificate is revoked — each refusal with its stable code and exit status 1.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEdxml } from '#edxml';
import { docaxis } from '../support/cli.js';
import { readSample } from '../support/samples.js';

describe('docaxis sign and docaxis verify', () => {
  let work: string;
  let ca: string;
  let signer: string;
  let pkgFile: string;
  let trust: string[];
  const sample = readSample('edoc_new.edxml');
  const organId = parseEdxml(sample).MessageHeader.From!.OrganId!;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'docaxis-sign-e2e-'));
    ca = join(work, 'ca');
    signer = join(work, 'sender');
    pkgFile = join(work, 'doc.edxml');
    writeFileSync(pkgFile, sample);
    expect((await docaxis(['pki', 'init', ca])).code).toBe(0);
    const issued = await docaxis([
      'pki',
      'issue',
      'agency',
      '--dir',
      ca,
      '--organ-id',
      organId,
      '--name',
      'Sender',
      '--out',
      signer,
    ]);
    expect(issued.code).toBe(0);
    trust = ['--trust', join(ca, 'ca-chain.pem'), '--trust', join(ca, 'crl')];
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('signs, verifies, and refuses a changed package and a revoked signer', async () => {
    const signed = join(work, 'doc.signed.edxml');
    const sign = await docaxis(['sign', pkgFile, '--key', `${signer}.key`, '--cert', `${signer}.crt`]);
    expect(sign.code).toBe(0);
    expect(readFileSync(signed, 'utf8')).toContain('<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');

    const ok = await docaxis(['verify', signed, ...trust]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`OrganId:   ${organId}`);
    expect(ok.stdout).toContain('verdict:   verified');
    expect(ok.stdout).toMatch(/chain:\n {2}.*Sender\n {2}.*\n {2}.*/);

    // The unsigned original carries the SDK's placeholder Signature, which is not XML-DSig.
    const placeholder = await docaxis(['verify', pkgFile, ...trust]);
    expect(placeholder.code).toBe(1);
    expect(placeholder.stderr).toMatch(/^error SIG_MALFORMED: /);

    const changed = join(work, 'changed.edxml');
    writeFileSync(changed, readFileSync(signed, 'utf8').replace('<edXML:Subject>', '<edXML:Subject>Sửa: '));
    const tampered = await docaxis(['verify', changed, ...trust]);
    expect(tampered.code).toBe(1);
    expect(tampered.stderr).toMatch(/^error SIG_DIGEST_MISMATCH: /);

    const untrusted = await docaxis(['verify', signed, '--trust', join(work, 'nothing.pem')]);
    expect(untrusted.code).toBe(1);

    expect((await docaxis(['pki', 'revoke', `${signer}.crt`, '--dir', ca])).code).toBe(0);
    const revoked = await docaxis(['verify', signed, ...trust]);
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toMatch(/^error CERT_REVOKED: /);
    // Signed before the revocation: still valid at that signing time.
    const before = await docaxis([
      'verify',
      signed,
      ...trust,
      '--at',
      new Date(Date.now() - 60_000).toISOString(),
    ]);
    expect(before.code).toBe(0);
  });
});
