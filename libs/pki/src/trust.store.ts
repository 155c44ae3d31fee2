// Certificate path validation against configured trust anchors, on node:crypto's X509Certificate: chain
// building by issuer name + signature, validity at the signing time, key usage for the purpose, and CRLs.
import { X509Certificate } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DxError } from '#contracts';
import { OID, normalizeSerial } from './der.js';
import { certInfo, organIdOf, systemIdOf } from './cert-info.js';
import { oneLine, parseCrl, verifyCrl, type ParsedCrl } from './crl.js';

export { organIdOf, systemIdOf };

export type CertPurpose = 'signing' | 'seal' | 'client' | 'server';

export interface VerifiedChain {
  /** leaf first, anchor last */
  chain: X509Certificate[];
  subject: string;
  serial: string;
  fingerprint256: string;
  organId?: string;
  systemId?: string;
  notBefore: Date;
  notAfter: Date;
}

export interface TrustStoreOptions {
  anchors: (string | X509Certificate)[];
  intermediates?: (string | X509Certificate)[];
  crls?: (string | Buffer)[];
  /** Fail closed (CRL_INVALID) when an issuer has no CRL or only a stale one. */
  requireCrl?: boolean;
}

export interface VerifyOptions {
  /** The signing time: every certificate of the chain must be valid then, and not revoked on or before it. */
  at: Date;
  purpose: CertPurpose;
  /** Intermediates that came with the signature (KeyInfo); used for this path only. */
  extra?: X509Certificate[];
  /** Clock for CRL staleness (nextUpdate); default now. */
  now?: Date;
}

const MAX_DEPTH = 8;

export class TrustStore {
  private readonly anchors = new Map<string, X509Certificate>(); // by fingerprint256
  private readonly intermediates = new Map<string, X509Certificate>();
  /** Newest CRL per issuer Name (DER hex), with the fingerprints of issuers it was verified against. */
  private readonly crls = new Map<string, { crl: ParsedCrl; verifiedBy: Set<string> }>();
  private readonly chains = new Map<string, X509Certificate[]>();
  private readonly requireCrl: boolean;

  constructor(opts: TrustStoreOptions) {
    for (const a of opts.anchors) {
      const c = toCert(a);
      this.anchors.set(c.fingerprint256, c);
    }
    for (const i of opts.intermediates ?? []) {
      const c = toCert(i);
      this.intermediates.set(c.fingerprint256, c);
    }
    if (!this.anchors.size) throw new DxError('CERT_UNTRUSTED', 'a trust store needs at least one anchor');
    this.requireCrl = opts.requireCrl ?? false;
    for (const crl of opts.crls ?? []) this.addCrl(crl);
  }

  /**
   * PEM files or directories of them (searched recursively): self-signed CA certificates become anchors, other CA
   * certificates intermediates, "X509 CRL" blocks CRLs (each verified against its issuer here).
   */
  static fromFiles(paths: string[], opts: { requireCrl?: boolean } = {}): TrustStore {
    const anchors: X509Certificate[] = [];
    const intermediates: X509Certificate[] = [];
    const crls: string[] = [];
    for (const file of paths.flatMap(listFiles)) {
      const text = readFileSync(file, 'latin1');
      for (const m of text.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g)) {
        if (m[1] === 'X509 CRL') crls.push(m[0]);
        if (m[1] !== 'CERTIFICATE' && m[1] !== 'TRUSTED CERTIFICATE') continue;
        const cert = toCert(m[0]);
        if (!cert.ca) continue;
        const info = certInfo(cert);
        const selfSigned = info.subjectDer === info.issuerDer && safeVerify(cert, cert);
        (selfSigned ? anchors : intermediates).push(cert);
      }
    }
    const store = new TrustStore({ anchors, intermediates, requireCrl: opts.requireCrl });
    for (const pem of crls) {
      const crl = parseCrl(pem);
      if (!store.findIssuerOfCrl(crl)) {
        throw new DxError(
          'CRL_INVALID',
          `no CA certificate in the trust files issued the CRL of ${oneLine(crl.issuer)}`,
        );
      }
      store.addCrl(crl.der);
    }
    return store;
  }

  /** Adds (or replaces with a newer) CRL; verified now when its issuer is in the store, else when first used. */
  addCrl(pemOrDer: string | Buffer): void {
    const crl = parseCrl(pemOrDer);
    const verifiedBy = new Set<string>();
    const issuer = this.findIssuerOfCrl(crl);
    if (issuer) {
      verifyCrl(crl, issuer);
      verifiedBy.add(issuer.fingerprint256);
    }
    const current = this.crls.get(crl.issuerDer);
    if (!current || current.crl.thisUpdate <= crl.thisUpdate)
      this.crls.set(crl.issuerDer, { crl, verifiedBy });
  }

  verify(leaf: X509Certificate | string, opts: VerifyOptions): VerifiedChain {
    const cert = toCert(leaf);
    const key = `${cert.fingerprint256}|${opts.purpose}`;
    let chain = this.chains.get(key);
    if (!chain) {
      chain = this.buildChain(cert, opts.extra ?? []);
      checkUsage(cert, opts.purpose);
      if (this.chains.size >= 10_000) this.chains.clear();
      this.chains.set(key, chain);
    }
    // Validity and revocation depend on `at` and on CRLs that may arrive later: never cached.
    chain.forEach((c, i) => checkValidity(c, i, chain!.length, opts.at));
    for (let i = 0; i + 1 < chain.length; i++) this.checkRevocation(chain[i], chain[i + 1], opts);
    const info = certInfo(cert);
    return {
      chain,
      subject: cert.subject,
      serial: normalizeSerial(cert.serialNumber),
      fingerprint256: cert.fingerprint256,
      organId: info.organId,
      systemId: info.systemId,
      notBefore: info.notBefore,
      notAfter: info.notAfter,
    };
  }

  private buildChain(leaf: X509Certificate, extra: X509Certificate[]): X509Certificate[] {
    const chain = [leaf];
    let current = leaf;
    while (!this.anchors.has(current.fingerprint256)) {
      if (chain.length > MAX_DEPTH) throw untrusted(leaf, 'the chain is too long');
      const info = certInfo(current);
      // Anchors first: a path should end at the shortest trusted point.
      const candidates = [...this.anchors.values(), ...this.intermediates.values(), ...extra].filter(
        (c) => certInfo(c).subjectDer === info.issuerDer && !chain.includes(c),
      );
      if (!candidates.length) {
        throw untrusted(
          leaf,
          `no trusted issuer for ${describe(current)} (issuer ${oneLine(current.issuer)})`,
        );
      }
      const issuer = candidates.find((c) => safeVerify(current, c));
      if (!issuer) {
        throw untrusted(leaf, `the signature on ${describe(current)} does not verify with its issuer's key`);
      }
      const issuerInfo = certInfo(issuer);
      if (!issuerInfo.ca || (issuerInfo.keyUsage && !issuerInfo.keyUsage.has('keyCertSign'))) {
        throw untrusted(leaf, `${describe(issuer)} is not a CA but issued ${describe(current)}`);
      }
      // pathLen: how many non-self-issued intermediates may follow this CA (chain holds leaf + those below).
      const below = chain.length - 1;
      if (issuerInfo.pathLen !== undefined && below > issuerInfo.pathLen) {
        throw untrusted(
          leaf,
          `${describe(issuer)} allows ${issuerInfo.pathLen} intermediate(s) below it, the chain has ${below}`,
        );
      }
      chain.push(issuer);
      current = issuer;
    }
    return chain;
  }

  private checkRevocation(cert: X509Certificate, issuer: X509Certificate, opts: VerifyOptions): void {
    const entry = this.crls.get(certInfo(issuer).subjectDer);
    if (!entry) {
      if (this.requireCrl) throw new DxError('CRL_INVALID', `no CRL for ${oneLine(issuer.subject)}`);
      return;
    }
    if (!entry.verifiedBy.has(issuer.fingerprint256)) {
      verifyCrl(entry.crl, issuer);
      entry.verifiedBy.add(issuer.fingerprint256);
    }
    const serial = normalizeSerial(cert.serialNumber);
    const revokedAt = entry.crl.revoked.get(serial);
    if (revokedAt && revokedAt <= opts.at) {
      throw new DxError(
        'CERT_REVOKED',
        `${oneLine(cert.subject)} (serial ${serial}) was revoked on ${revokedAt.toISOString()}, at or before ${opts.at.toISOString()}`,
      );
    }
    const now = opts.now ?? new Date();
    if (this.requireCrl && entry.crl.nextUpdate && entry.crl.nextUpdate < now) {
      throw new DxError(
        'CRL_INVALID',
        `the CRL of ${oneLine(issuer.subject)} is stale: its nextUpdate was ${entry.crl.nextUpdate.toISOString()}`,
      );
    }
  }

  private findIssuerOfCrl(crl: ParsedCrl): X509Certificate | undefined {
    return [...this.anchors.values(), ...this.intermediates.values()].find(
      (c) => certInfo(c).subjectDer === crl.issuerDer,
    );
  }
}

function checkValidity(cert: X509Certificate, index: number, length: number, at: Date): void {
  const { notBefore, notAfter } = certInfo(cert);
  if (at >= notBefore && at <= notAfter) return;
  const role =
    index === 0 ? 'the certificate' : index === length - 1 ? 'the trust anchor' : 'the intermediate';
  throw new DxError(
    'CERT_EXPIRED',
    `${role} ${oneLine(cert.subject)} is not valid at ${at.toISOString()}: ${at < notBefore ? 'not yet valid, ' : ''}valid from ${notBefore.toISOString()} to ${notAfter.toISOString()}`,
  );
}

function checkUsage(cert: X509Certificate, purpose: CertPurpose): void {
  const { keyUsage, extKeyUsage } = certInfo(cert);
  const fail = (why: string) =>
    new DxError('CERT_USAGE', `${describe(cert)} cannot be used for ${purpose}: ${why}`);
  if (purpose === 'signing' || purpose === 'seal') {
    // Fail closed: a signing certificate must say it signs.
    if (!keyUsage || !(keyUsage.has('digitalSignature') || keyUsage.has('nonRepudiation'))) {
      throw fail('key usage has neither digitalSignature nor nonRepudiation');
    }
    // A TLS-only certificate (EKU just serverAuth/clientAuth) does not sign documents.
    if (extKeyUsage && extKeyUsage.every((e) => e === OID.serverAuth || e === OID.clientAuth)) {
      throw fail('its extended key usage is TLS only');
    }
    return;
  }
  const eku = purpose === 'client' ? OID.clientAuth : OID.serverAuth;
  if (extKeyUsage && !extKeyUsage.includes(eku)) throw fail(`extended key usage lacks ${purpose}Auth`);
  if (keyUsage && !keyUsage.has('digitalSignature') && !keyUsage.has('keyEncipherment')) {
    throw fail('key usage has neither digitalSignature nor keyEncipherment');
  }
}

function toCert(c: string | X509Certificate): X509Certificate {
  if (c instanceof X509Certificate) return c;
  try {
    return new X509Certificate(c);
  } catch (e) {
    throw new DxError('CERT_INVALID', `cannot read the certificate: ${(e as Error).message}`);
  }
}

function safeVerify(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

function describe(cert: X509Certificate): string {
  return `${oneLine(cert.subject)} (serial ${normalizeSerial(cert.serialNumber)})`;
}

function untrusted(leaf: X509Certificate, why: string): DxError {
  return new DxError('CERT_UNTRUSTED', `${oneLine(leaf.subject)} is not trusted: ${why}`);
}

function listFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((name) => listFiles(join(path, name)));
}
