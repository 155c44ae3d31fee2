// What the trust store needs from a certificate beyond node:crypto's X509Certificate (whose `keyUsage` is the
// EKU list only): key usage bits, EKU, SAN, basic constraints, the OrganId binding. Read once from the DER with
// forge.asn1 (works for any key type) and cached by fingerprint256.
import type { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { DxError } from '#contracts';
import { OID, attrValue, bytesOf, children, fromDer, oidOf, timeOf, toDer } from './der.js';

const { asn1 } = forge;

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: KeyUsageName[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

export interface CertInfo {
  /** DER of the subject and issuer Names, hex: how chain links and CRLs are matched. */
  subjectDer: string;
  issuerDer: string;
  notBefore: Date;
  notAfter: Date;
  /** undefined when the certificate has no keyUsage extension. */
  keyUsage?: Set<KeyUsageName>;
  extKeyUsage?: string[];
  ca: boolean;
  subjectKeyId?: string;
  pathLen?: number;
  organId?: string;
  systemId?: string;
  dnsNames: string[];
  uris: string[];
  ips: string[];
}

/** The subjectAltName URI that names a connected system in its TLS client certificate. */
export const SYSTEM_URI_PREFIX = 'urn:docaxis:system:';

const cache = new Map<string, CertInfo>();
const CACHE_MAX = 10_000;

export function certInfo(cert: X509Certificate): CertInfo {
  const hit = cache.get(cert.fingerprint256);
  if (hit) return hit;
  const info = readCertInfo(cert.raw);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(cert.fingerprint256, info);
  return info;
}

/** The OrganId bound in the subject's organizationIdentifier (2.5.4.97), if any. */
export function organIdOf(cert: X509Certificate): string | undefined {
  return certInfo(cert).organId;
}

/** The system id of a TLS client certificate (SAN URI urn:docaxis:system:<id>), if any. */
export function systemIdOf(cert: X509Certificate): string | undefined {
  return certInfo(cert).systemId;
}

function readCertInfo(der: Buffer): CertInfo {
  try {
    const tbs = children(children(fromDer(der))[0]);
    // version is an optional [0]; everything after it is positional.
    const f = tbs[0].tagClass === asn1.Class.CONTEXT_SPECIFIC ? tbs.slice(1) : tbs;
    const [, , issuer, validity, subject] = f;
    const [nb, na] = children(validity);
    const info: CertInfo = {
      subjectDer: toDer(subject).toString('hex'),
      issuerDer: toDer(issuer).toString('hex'),
      notBefore: timeOf(nb),
      notAfter: timeOf(na),
      ca: false,
      dnsNames: [],
      uris: [],
      ips: [],
    };
    for (const rdn of children(subject)) {
      for (const atv of children(rdn)) {
        const [type, value] = children(atv);
        if (oidOf(type) === OID.organizationIdentifier) info.organId = attrValue(value);
      }
    }
    const extWrapper = f.find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
    for (const ext of extWrapper ? children(children(extWrapper)[0]) : []) {
      const parts = children(ext);
      const oid = oidOf(parts[0]);
      const value = bytesOf(parts[parts.length - 1]);
      readExtension(info, oid, value);
    }
    info.systemId = info.uris.find((u) => u.startsWith(SYSTEM_URI_PREFIX))?.slice(SYSTEM_URI_PREFIX.length);
    return info;
  } catch (e) {
    if (e instanceof DxError) throw e;
    throw new DxError('CERT_INVALID', `cannot read the certificate: ${(e as Error).message}`);
  }
}

function readExtension(info: CertInfo, oid: string, value: Buffer): void {
  switch (oid) {
    case OID.keyUsage: {
      const bits = bytesOf(fromDer(value)); // first byte = unused bit count
      info.keyUsage = new Set(
        KEY_USAGE_BITS.filter((_, i) => {
          const byte = bits[1 + (i >> 3)];
          return byte !== undefined && (byte & (0x80 >> (i & 7))) !== 0;
        }),
      );
      break;
    }
    case OID.subjectKeyIdentifier:
      info.subjectKeyId = bytesOf(fromDer(value)).toString('hex');
      break;
    case OID.extKeyUsage:
      info.extKeyUsage = children(fromDer(value)).map(oidOf);
      break;
    case OID.basicConstraints: {
      for (const c of children(fromDer(value))) {
        if (c.type === asn1.Type.BOOLEAN) info.ca = (c.value as string).charCodeAt(0) !== 0;
        if (c.type === asn1.Type.INTEGER) info.pathLen = bytesOf(c).readUIntBE(0, bytesOf(c).length);
      }
      break;
    }
    case OID.subjectAltName:
      for (const gn of children(fromDer(value))) {
        if (gn.tagClass !== asn1.Class.CONTEXT_SPECIFIC) continue;
        const raw = bytesOf(gn);
        if (gn.type === 2) info.dnsNames.push(raw.toString('latin1'));
        if (gn.type === 6) info.uris.push(raw.toString('latin1'));
        if (gn.type === 7) info.ips.push(ipString(raw));
      }
      break;
  }
}

function ipString(raw: Buffer): string {
  if (raw.length === 4) return [...raw].join('.');
  const groups: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) groups.push(raw.readUInt16BE(i).toString(16));
  return groups.join(':');
}
