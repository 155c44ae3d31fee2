// End to end: the built CLI runs a development CA through its life — init, issue, revoke, check, PKCS#12 —
// and openssl confirms the files it writes.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docaxis } from '../support/cli.js';

describe('docaxis pki', () => {
  let work: string;
  let ca: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'docaxis-pki-e2e-'));
    ca = join(work, 'ca');
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('init → issue agency → revoke → show --trust → export/import p12', async () => {
    const init = await docaxis(['pki', 'init', ca, '--name', 'E2E Root']);
    expect(init.code).toBe(0);
    expect(statSync(join(ca, 'root.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(ca, 'intermediate.key')).mode & 0o777).toBe(0o600);
    expect(new X509Certificate(readFileSync(join(ca, 'root.crt'))).subject).toBe('CN=E2E Root');
    const verifyChain = execFileSync(
      'openssl',
      ['verify', '-CAfile', join(ca, 'root.crt'), join(ca, 'intermediate.crt')],
      { encoding: 'utf8' },
    );
    expect(verifyChain).toContain('OK');
    // a second init must not overwrite the CA
    expect((await docaxis(['pki', 'init', ca])).code).toBe(1);

    const prefix = join(work, 'g22');
    const issued = await docaxis([
      'pki',
      'issue',
      'agency',
      '--dir',
      ca,
      '--organ-id',
      '000.00.00.G22',
      '--name',
      'Văn phòng Chính phủ',
      '--out',
      prefix,
    ]);
    expect(issued.code).toBe(0);
    expect(statSync(`${prefix}.key`).mode & 0o777).toBe(0o600);
    const cert = new X509Certificate(readFileSync(`${prefix}.crt`));
    expect(cert.subject).toContain('organizationIdentifier=000.00.00.G22');
    const index = JSON.parse(readFileSync(join(ca, 'index.json'), 'utf8')) as {
      certificates: { serial: string; kind: string; revokedAt?: string }[];
    };
    const serial = cert.serialNumber.toLowerCase().replace(/^0+/, '');
    expect(index.certificates.find((c) => c.serial === serial)?.kind).toBe('agency');

    const trust = ['--trust', join(ca, 'ca-chain.pem'), join(ca, 'crl')];
    const good = await docaxis(['pki', 'show', `${prefix}.crt`, ...trust]);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('organId             000.00.00.G22');
    expect(good.stdout).toContain('valid for signing');

    const revoked = await docaxis([
      'pki',
      'revoke',
      `${prefix}.crt`,
      '--dir',
      ca,
      '--reason',
      'keyCompromise',
    ]);
    expect(revoked.code).toBe(0);
    const crlText = execFileSync(
      'openssl',
      ['crl', '-in', join(ca, 'crl', 'intermediate.crl.pem'), '-noout', '-text'],
      {
        encoding: 'utf8',
      },
    );
    // openssl prints whole bytes (a leading zero nibble included); our serials are normalised without it.
    expect(crlText.toLowerCase()).toMatch(new RegExp(`serial number: 0*${serial}\\b`));
    const crlCheck = execFileSync(
      'sh',
      [
        '-c',
        `openssl crl -in ${join(ca, 'crl', 'intermediate.crl.pem')} -CAfile ${join(ca, 'intermediate.crt')} -noout 2>&1`,
      ],
      { encoding: 'utf8' },
    );
    expect(crlCheck).toContain('verify OK');

    const bad = await docaxis(['pki', 'show', `${prefix}.crt`, ...trust]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(new RegExp(`^error CERT_REVOKED: .*serial ${serial}`, 'm'));

    // PKCS#12 out (password from the environment) and back in
    const p12 = join(work, 'g22.p12');
    const exported = await docaxis(
      [
        'pki',
        'export-p12',
        '--cert',
        `${prefix}.crt`,
        '--key',
        `${prefix}.key`,
        '--chain',
        join(ca, 'ca-chain.pem'),
        '-o',
        p12,
      ],
      { DOCAXIS_P12_PASSWORD: 'e2e-secret' },
    );
    expect(exported.code).toBe(0);
    expect(() =>
      execFileSync('openssl', ['pkcs12', '-info', '-noout', '-in', p12, '-passin', 'pass:e2e-secret'], {
        stdio: 'pipe',
      }),
    ).not.toThrow();
    const back = join(work, 'back');
    const imported = await docaxis(['pki', 'import-p12', p12, '--password', 'e2e-secret', '--out', back]);
    expect(imported.code).toBe(0);
    expect(new X509Certificate(readFileSync(`${back}.crt`)).fingerprint256).toBe(cert.fingerprint256);
    const der = (p: string) => createPrivateKey(readFileSync(p)).export({ type: 'pkcs8', format: 'der' });
    expect(der(`${back}.key`).equals(der(`${prefix}.key`))).toBe(true);
    expect(readFileSync(`${back}.chain.pem`, 'utf8').match(/BEGIN CERTIFICATE/g)).toHaveLength(2);

    const wrong = await docaxis(['pki', 'import-p12', p12, '--password', 'nope', '--out', join(work, 'x')]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('error CERT_INVALID: wrong password');
  }, 180_000);
});
