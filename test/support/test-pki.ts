// Test certificates made with the real openssl binary, so that docaxis is tested against certificates it did not
// make itself: a CA, server and client certificates (the client's subjectAltName URI names its system) and a CRL
// for the gateway's HTTPS and mTLS tests, and document signers for the XML-DSig and xmlsec1 interop tests.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestCert {
  cert: string;
  key: string;
  certPath: string;
  keyPath: string;
}

/** TLS client or server (extendedKeyUsage), or a document signer (keyUsage digitalSignature, nonRepudiation). */
export type TestCertUsage = 'clientAuth' | 'serverAuth' | 'signing';
export type TestKeyAlgorithm = 'ec' | 'rsa';

export interface TestCa {
  dir: string;
  cert: string;
  certPath: string;
  /**
   * Issues a certificate for `name` (CN); `san` like "URI:urn:docaxis:system:sys-a" or "IP:127.0.0.1"; its key
   * is of the CA's algorithm unless `keyAlgorithm` says otherwise.
   */
  issue(name: string, san?: string, usage?: TestCertUsage, keyAlgorithm?: TestKeyAlgorithm): TestCert;
  /** Revokes a certificate this CA issued and answers the CA's new CRL (PEM). */
  revoke(cert: TestCert): string;
  /** The CA's current CRL (PEM). */
  crl(): string;
  remove(): void;
}

const openssl = (cwd: string, args: string[]): void => {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
};

const newKey = (algorithm: TestKeyAlgorithm): string[] =>
  algorithm === 'rsa'
    ? ['-newkey', 'rsa:2048', '-nodes']
    : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

const USAGE_EXTENSIONS: Record<TestCertUsage, string[]> = {
  clientAuth: ['extendedKeyUsage=clientAuth'],
  serverAuth: ['extendedKeyUsage=serverAuth'],
  signing: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,nonRepudiation'],
};

/**
 * A self-signed CA (`/CN=<name>`, EC P-256 keys unless `keyAlgorithm` is rsa) in a fresh temporary directory,
 * with the database `openssl ca` needs for CRLs.
 */
export function createTestCa(name: string, opts: { keyAlgorithm?: TestKeyAlgorithm } = {}): TestCa {
  const caAlgorithm = opts.keyAlgorithm ?? 'ec';
  const dir = mkdtempSync(path.join(tmpdir(), 'docaxis-pki-'));
  // A config of our own: the system's openssl.cnf would add its own extensions to every certificate.
  writeFileSync(
    path.join(dir, 'openssl.cnf'),
    [
      '[ req ]',
      'distinguished_name = dn',
      'prompt = no',
      '[ dn ]',
      'CN = unused',
      '[ ca ]',
      'default_ca = test_ca',
      '[ test_ca ]',
      `database = ${path.join(dir, 'index.txt')}`,
      `crlnumber = ${path.join(dir, 'crlnumber')}`,
      `certificate = ${path.join(dir, 'ca.crt')}`,
      `private_key = ${path.join(dir, 'ca.key')}`,
      'default_md = sha256',
      'default_crl_days = 2',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'index.txt'), '');
  writeFileSync(path.join(dir, 'crlnumber'), '01\n');
  openssl(dir, [
    'req', '-config', 'openssl.cnf', '-x509', ...newKey(caAlgorithm), '-keyout', 'ca.key', '-out', 'ca.crt',
    '-subj', `/CN=${name}`, '-days', '2',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]); // prettier-ignore
  const crl = (): string => {
    openssl(dir, ['ca', '-config', 'openssl.cnf', '-gencrl', '-out', 'ca.crl']);
    return readFileSync(path.join(dir, 'ca.crl'), 'utf8');
  };
  return {
    dir,
    cert: readFileSync(path.join(dir, 'ca.crt'), 'utf8'),
    certPath: path.join(dir, 'ca.crt'),
    issue(certName, san, usage = 'clientAuth', keyAlgorithm = caAlgorithm) {
      const base = `${certName}-${randomBytes(3).toString('hex')}`;
      openssl(dir, [
        'req', '-config', 'openssl.cnf', '-new', ...newKey(keyAlgorithm), '-keyout', `${base}.key`,
        '-out', `${base}.csr`, '-subj', `/CN=${certName}`,
        ...(san ? ['-addext', `subjectAltName=${san}`] : []),
        ...USAGE_EXTENSIONS[usage].flatMap((ext) => ['-addext', ext]),
      ]); // prettier-ignore
      openssl(dir, [
        'x509', '-req', '-in', `${base}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key',
        '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-copy_extensions', 'copyall',
        '-out', `${base}.crt`,
      ]); // prettier-ignore
      return {
        cert: readFileSync(path.join(dir, `${base}.crt`), 'utf8'),
        key: readFileSync(path.join(dir, `${base}.key`), 'utf8'),
        certPath: path.join(dir, `${base}.crt`),
        keyPath: path.join(dir, `${base}.key`),
      };
    },
    revoke(cert) {
      openssl(dir, ['ca', '-config', 'openssl.cnf', '-revoke', cert.certPath]);
      return crl();
    },
    crl,
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
