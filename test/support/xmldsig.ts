// OpenSSL-made keys and certificates for the signature tests (a CA and signers it issued), in a temp dir, so
// that interoperability is tested against certificates docaxis did not make itself.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface OpensslPki {
  dir: string;
  caCertPem: string;
  caCertFile: string;
  /** Issue a signer (RSA 2048 by default) certified by the CA; files are written in `dir`. */
  issue(name: string, opts?: { keyAlgorithm?: 'rsa' | 'ec' }): OpensslSigner;
}

export interface OpensslSigner {
  keyPem: string;
  certPem: string;
  keyFile: string;
  certFile: string;
}

/** Run openssl in `dir`; arguments are one space-separated string (none of them holds a space). */
const openssl = (dir: string, args: string): void => {
  execFileSync('openssl', args.split(' '), { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
};

export function makeOpensslPki(): OpensslPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'docaxis-xmldsig-'));
  openssl(
    dir,
    'req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -keyout ca.key -out ca.pem ' +
      '-subj /O=docaxis-tests/CN=Test-Root-CA -addext basicConstraints=critical,CA:TRUE ' +
      '-addext keyUsage=critical,keyCertSign,cRLSign',
  );
  writeFileSync(
    path.join(dir, 'signer.ext'),
    'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\n',
  );
  const read = (f: string): string => readFileSync(path.join(dir, f), 'utf8');
  return {
    dir,
    caCertPem: read('ca.pem'),
    caCertFile: path.join(dir, 'ca.pem'),
    issue(name, opts = {}) {
      const key = `${name}.key`;
      const newKey = opts.keyAlgorithm === 'ec' ? 'ec -pkeyopt ec_paramgen_curve:P-256' : 'rsa:2048';
      openssl(dir, `req -new -newkey ${newKey} -nodes -keyout ${key} -out ${name}.csr -subj /CN=${name}`);
      openssl(
        dir,
        `x509 -req -in ${name}.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -sha256 ` +
          `-extfile signer.ext -out ${name}.pem`,
      );
      return {
        keyPem: read(key),
        certPem: read(`${name}.pem`),
        keyFile: path.join(dir, key),
        certFile: path.join(dir, `${name}.pem`),
      };
    },
  };
}
