// A small file-based CA for development and pilots (`docaxis pki …`): root + intermediate in one directory,
// an index of what was issued, and the CRLs both CAs publish. Production deployments get their certificates
// from the government CA instead and only configure trust (see deploy/pki/README.md).
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DxError } from '#contracts';
import { certInfo } from './cert-info.js';
import { createCrl, type CrlReason, CRL_REASONS } from './crl.js';
import { normalizeSerial } from './der.js';
import {
  createRootCa,
  issueAgencyCert,
  issueIntermediate,
  issueSealCert,
  issueServerCert,
  issueSystemCert,
  type IssuedCert,
} from './pki.issuer.js';

export type IssuedKind = 'intermediate' | 'agency' | 'seal' | 'system' | 'server';
type CaName = 'root' | 'intermediate';

export interface IndexEntry {
  serial: string;
  subject: string;
  kind: IssuedKind;
  /** Which CA of the directory issued it (and publishes its revocation). */
  issuer: CaName;
  notAfter: string;
  revokedAt?: string;
  reason?: CrlReason;
  /** Where the certificate was written, if by us. */
  certFile?: string;
}

export type IssueRequest =
  | { kind: 'agency'; organId: string; name: string }
  | { kind: 'seal'; axisOrganId: string; name: string }
  | { kind: 'system'; systemId: string }
  | { kind: 'server'; hosts: string[] };

const DAY_MS = 86_400_000;

/** Writes a file readable only by its owner (private keys), also when it already existed. */
export function writePrivate(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export function writePublic(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data, { mode: 0o644 });
}

export class CaDirectory {
  constructor(readonly dir: string) {}

  get chainFile(): string {
    return join(this.dir, 'ca-chain.pem');
  }
  crlFile(ca: CaName): string {
    return join(this.dir, 'crl', `${ca}.crl.pem`);
  }

  /** Creates root, intermediate, chain, empty CRLs and the index; refuses to overwrite an existing CA. */
  static init(dir: string, opts: { name: string; days?: number; crlDays?: number }): CaDirectory {
    const ca = new CaDirectory(dir);
    if (existsSync(join(dir, 'root.key'))) {
      throw new DxError('BAD_REQUEST', `${dir} already holds a CA (root.key); refusing to overwrite it`);
    }
    const days = opts.days ?? 3650;
    const root = createRootCa({ commonName: opts.name, days });
    const intName = /\broot\b/i.test(opts.name)
      ? opts.name.replace(/\broot\b/i, 'Intermediate')
      : `${opts.name} Intermediate`;
    // pathLen 0: the intermediate issues end-entity certificates only.
    const int = issueIntermediate(root, { commonName: intName, days: Math.min(days, 1825), pathLen: 0 });
    writePublic(join(dir, 'root.crt'), root.certPem);
    writePrivate(join(dir, 'root.key'), root.keyPem);
    writePublic(join(dir, 'intermediate.crt'), int.certPem);
    writePrivate(join(dir, 'intermediate.key'), int.keyPem);
    writePublic(ca.chainFile, int.certPem + root.certPem);
    ca.writeIndex([ca.entry(int.certPem, 'intermediate', 'root', join(dir, 'intermediate.crt'))]);
    ca.publishCrls(opts.crlDays ?? 7);
    return ca;
  }

  issue(req: IssueRequest, outPrefix: string, opts: { days?: number } = {}): IndexEntry {
    const issuer = this.load('intermediate');
    const validity = opts.days !== undefined ? { days: opts.days } : {};
    let issued: IssuedCert;
    switch (req.kind) {
      case 'agency':
        issued = issueAgencyCert(issuer, { organId: req.organId, organName: req.name, ...validity });
        break;
      case 'seal':
        issued = issueSealCert(issuer, { axisOrganId: req.axisOrganId, name: req.name, ...validity });
        break;
      case 'system':
        issued = issueSystemCert(issuer, { systemId: req.systemId, ...validity });
        break;
      case 'server':
        issued = issueServerCert(issuer, { hosts: req.hosts, ...validity });
        break;
    }
    const certFile = `${outPrefix}.crt`;
    writePrivate(`${outPrefix}.key`, issued.keyPem);
    writePublic(certFile, issued.certPem);
    const entry = this.entry(issued.certPem, req.kind, 'intermediate', certFile);
    this.writeIndex([...this.readIndex(), entry]);
    return entry;
  }

  /** Marks a certificate of this CA revoked and re-publishes the CRL of the CA that issued it. */
  revoke(
    target: { serial?: string; certPem?: string },
    opts: { reason?: CrlReason; at?: Date; crlDays?: number } = {},
  ): IndexEntry {
    const serial = normalizeSerial(
      target.serial ?? (target.certPem ? new X509Certificate(target.certPem).serialNumber : ''),
    );
    if (opts.reason !== undefined && !(opts.reason in CRL_REASONS)) {
      throw new DxError(
        'BAD_REQUEST',
        `unknown reason ${opts.reason}: one of ${Object.keys(CRL_REASONS).join(', ')}`,
      );
    }
    const index = this.readIndex();
    const entry = index.find((e) => e.serial === serial);
    if (!entry) throw new DxError('BAD_REQUEST', `serial ${serial} was not issued by the CA in ${this.dir}`);
    if (!entry.revokedAt) {
      entry.revokedAt = (opts.at ?? new Date()).toISOString();
      if (opts.reason) entry.reason = opts.reason;
      this.writeIndex(index);
    }
    this.publishCrl(entry.issuer, opts.crlDays ?? 7);
    return entry;
  }

  /** Re-publishes both CRLs (nextUpdate = now + days). */
  publishCrls(days = 7): string[] {
    return (['root', 'intermediate'] as const).map((ca) => this.publishCrl(ca, days));
  }

  publishCrl(ca: CaName, days = 7): string {
    const now = new Date();
    const revoked = this.readIndex()
      .filter((e) => e.issuer === ca && e.revokedAt)
      .map((e) => ({ serial: e.serial, revokedAt: new Date(e.revokedAt!), reason: e.reason }));
    const pem = createCrl(this.load(ca), revoked, {
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + days * DAY_MS),
    });
    writePublic(this.crlFile(ca), pem);
    return this.crlFile(ca);
  }

  readIndex(): IndexEntry[] {
    const path = join(this.dir, 'index.json');
    if (!existsSync(path))
      throw new DxError('BAD_REQUEST', `${this.dir} holds no CA: run \`docaxis pki init ${this.dir}\``);
    return (JSON.parse(readFileSync(path, 'utf8')) as { certificates: IndexEntry[] }).certificates;
  }

  private writeIndex(certificates: IndexEntry[]): void {
    writePublic(join(this.dir, 'index.json'), JSON.stringify({ certificates }, null, 2) + '\n');
  }

  private load(ca: CaName): IssuedCert {
    const certPath = join(this.dir, `${ca}.crt`);
    if (!existsSync(certPath))
      throw new DxError('BAD_REQUEST', `${this.dir} holds no CA: run \`docaxis pki init ${this.dir}\``);
    return {
      certPem: readFileSync(certPath, 'utf8'),
      keyPem: readFileSync(join(this.dir, `${ca}.key`), 'utf8'),
    };
  }

  private entry(certPem: string, kind: IssuedKind, issuer: CaName, certFile: string): IndexEntry {
    const cert = new X509Certificate(certPem);
    return {
      serial: normalizeSerial(cert.serialNumber),
      subject: cert.subject.split('\n').join(', '),
      kind,
      issuer,
      notAfter: certInfo(cert).notAfter.toISOString(),
      certFile,
    };
  }
}
