// Issuance of the certificates a docaxis deployment needs (node-forge builds and signs them; node:crypto makes
// the RSA keys because forge's pure-JS key generation takes seconds).
//
// OrganId binding: agency signing certificates and the hub's seal carry the OrganId (e.g. 000.00.00.G22) as
// the subject attribute organizationIdentifier (OID 2.5.4.97, X.520), value exactly the OrganId, UTF8String.
// It is the attribute eIDAS/ETSI EN 319 412-1 use for an organisation's registry identifier; it survives every
// CA profile (no custom extension) and openssl/node:crypto print it by name. Verification compares it with the
// package's From/OrganId.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';
import { OID } from './der.js';
import { SYSTEM_URI_PREFIX } from './cert-info.js';

const { pki } = forge;

/** A certificate and its private key, both PEM (the key PKCS#8, unencrypted). */
export interface IssuedCert {
  certPem: string;
  keyPem: string;
}

export interface ValidityOptions {
  /** Lifetime from now (or from notBefore when given). */
  days?: number;
  /** Default: 5 minutes ago, for clock skew. */
  notBefore?: Date;
  /** Overrides days; may be in the past (expired certificates for tests). */
  notAfter?: Date;
  /** RSA modulus size, default 2048. */
  keyBits?: number;
}

const SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

type Attr = { type?: string; shortName?: string; value: string; valueTagClass?: number };
type Ext = Record<string, unknown> & { name: string };

export function createRootCa(
  opts: { commonName: string; organization?: string } & ValidityOptions,
): IssuedCert {
  const subject: Attr[] = [{ shortName: 'CN', value: opts.commonName }];
  if (opts.organization) subject.unshift({ shortName: 'O', value: opts.organization });
  return build(undefined, subject, { days: 3650, ...opts }, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
}

export function issueIntermediate(
  issuer: IssuedCert,
  opts: { commonName: string; pathLen?: number } & ValidityOptions,
): IssuedCert {
  const bc: Ext = { name: 'basicConstraints', cA: true, critical: true };
  if (opts.pathLen !== undefined) bc.pathLenConstraint = opts.pathLen;
  return build(issuer, [{ shortName: 'CN', value: opts.commonName }], { days: 1825, ...opts }, [
    bc,
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
}

/** An agency's document-signing certificate, bound to its OrganId (see the file comment). */
export function issueAgencyCert(
  issuer: IssuedCert,
  opts: { organId: string; organName: string } & ValidityOptions,
): IssuedCert {
  return build(issuer, organSubject(opts.organId, opts.organName), { days: 365, ...opts }, signingExts());
}

/** The hub's seal, which signs receipts: bound to the axis OrganId like an agency certificate. */
export function issueSealCert(
  issuer: IssuedCert,
  opts: { axisOrganId: string; name: string } & ValidityOptions,
): IssuedCert {
  return build(issuer, organSubject(opts.axisOrganId, opts.name), { days: 365, ...opts }, signingExts());
}

/** TLS client certificate of a connected document system: SAN URI urn:docaxis:system:<systemId>. */
export function issueSystemCert(
  issuer: IssuedCert,
  opts: { systemId: string } & ValidityOptions,
): IssuedCert {
  return build(issuer, [{ shortName: 'CN', value: opts.systemId }], { days: 365, ...opts }, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 6, value: SYSTEM_URI_PREFIX + opts.systemId }] },
  ]);
}

/** TLS server certificate for the gateway: SAN DNS names and IP addresses. */
export function issueServerCert(issuer: IssuedCert, opts: { hosts: string[] } & ValidityOptions): IssuedCert {
  if (!opts.hosts.length) throw new Error('a server certificate needs at least one host');
  const altNames = opts.hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h }));
  return build(issuer, [{ shortName: 'CN', value: opts.hosts[0] }], { days: 365, ...opts }, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
}

function organSubject(organId: string, name: string): Attr[] {
  return [
    { type: OID.organizationIdentifier, value: organId },
    { shortName: 'O', value: name },
    { shortName: 'CN', value: name },
  ];
}

function signingExts(): Ext[] {
  return [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
  ];
}

/** Random positive 16-byte serial (RFC 5280: positive, at most 20 octets). */
function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] & 0x7f) | 0x01; // positive, and no leading zero byte
  return b.toString('hex');
}

function build(
  issuer: IssuedCert | undefined,
  subject: Attr[],
  opts: ValidityOptions,
  exts: Ext[],
): IssuedCert {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', {
    modulusLength: opts.keyBits ?? 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(publicKey);
  cert.serialNumber = randomSerial();
  const notBefore = opts.notBefore ?? new Date(Date.now() - SKEW_MS);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter =
    opts.notAfter ??
    new Date((opts.notBefore ? notBefore.getTime() : Date.now()) + (opts.days ?? 365) * DAY_MS);
  // UTF8String: organisation names are Vietnamese.
  const attrs = subject.map((a) => ({
    ...a,
    valueTagClass: forge.asn1.Type.UTF8,
  })) as unknown as forge.pki.CertificateField[];
  cert.setSubject(attrs);
  let signer: forge.pki.PrivateKey;
  let authorityKeyId: string;
  if (issuer) {
    const issuerCert = pki.certificateFromPem(issuer.certPem);
    // forge parses UTF8String values as raw UTF-8 bytes but encodes them again on write: decode them first, so
    // the issuer Name stays byte-identical to the CA's subject (chain building matches Names).
    cert.setIssuer(
      issuerCert.subject.attributes.map((a) =>
        (a.valueTagClass as number) === forge.asn1.Type.UTF8
          ? { ...a, value: forge.util.decodeUtf8(a.value as string) }
          : a,
      ),
    );
    const ski = issuerCert.getExtension('subjectKeyIdentifier') as
      { subjectKeyIdentifier?: string } | undefined;
    authorityKeyId = ski?.subjectKeyIdentifier
      ? forge.util.hexToBytes(ski.subjectKeyIdentifier)
      : issuerCert.generateSubjectKeyIdentifier().getBytes();
    signer = pki.privateKeyFromPem(issuer.keyPem);
  } else {
    cert.setIssuer(attrs);
    authorityKeyId = cert.generateSubjectKeyIdentifier().getBytes();
    signer = pki.privateKeyFromPem(privateKey);
  }
  cert.setExtensions([
    ...exts,
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: authorityKeyId },
  ]);
  cert.sign(signer as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: pki.certificateToPem(cert), keyPem: privateKey };
}
