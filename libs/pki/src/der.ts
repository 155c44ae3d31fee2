// Small helpers over forge.asn1 for reading X.509 structures that forge's certificate API cannot (non-RSA keys,
// CRLs) and for the exact bytes a signature covers.
import forge from 'node-forge';
import { DxError } from '#contracts';

const { asn1 } = forge;
export type Asn1 = forge.asn1.Asn1;

/** OIDs this library reads or writes. */
export const OID = {
  organizationIdentifier: '2.5.4.97',
  commonName: '2.5.4.3',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  cRLNumber: '2.5.29.20',
  cRLReason: '2.5.29.21',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
} as const;

/** Signature algorithms we verify with node:crypto: OID → digest name (undefined digest for EdDSA). */
export const SIGNATURE_DIGESTS: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
};

/** Parse DER without forge's habit of guessing that BIT STRING contents are ASN.1 (signatures, key usage). */
export function fromDer(der: Buffer, code = 'CERT_INVALID'): Asn1 {
  try {
    // @types/node-forge only knows the boolean form of the options argument.
    const parse = asn1.fromDer as unknown as (b: forge.util.ByteBuffer, o: object) => Asn1;
    return parse(forge.util.createBuffer(der.toString('binary')), { strict: true, decodeBitStrings: false });
  } catch (e) {
    throw new DxError(code, `not valid DER: ${(e as Error).message}`);
  }
}

export function toDer(node: Asn1): Buffer {
  return Buffer.from(asn1.toDer(node).getBytes(), 'binary');
}

export function bytesOf(node: Asn1): Buffer {
  return Buffer.from(node.value as string, 'binary');
}

export function children(node: Asn1): Asn1[] {
  return Array.isArray(node.value) ? node.value : [];
}

export function oidOf(node: Asn1): string {
  return asn1.derToOid(forge.util.createBuffer(node.value as string));
}

export function timeOf(node: Asn1): Date {
  return node.type === asn1.Type.UTCTIME
    ? asn1.utcTimeToDate(node.value as string)
    : asn1.generalizedTimeToDate(node.value as string);
}

/** RFC 5280: UTCTime through 2049, GeneralizedTime from 2050. */
export function timeNode(d: Date): Asn1 {
  return d.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(d))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(d));
}

/** Serial as the lowercase hex string without leading zeros that CRL maps and messages use. */
export function normalizeSerial(hex: string): string {
  const s = hex
    .toLowerCase()
    .replace(/[^0-9a-f]/g, '')
    .replace(/^0+/, '');
  return s || '0';
}

/**
 * The exact bytes of the first element inside the outer SEQUENCE (the TBSCertificate / TBSCertList), sliced
 * from the original encoding: re-encoding a parsed tree could change bytes the signature covers.
 */
export function firstElementRaw(der: Buffer): Buffer {
  const inner = headerLength(der, 0);
  const start = inner.header;
  const child = headerLength(der, start);
  return der.subarray(start, start + child.header + child.length);
}

function headerLength(der: Buffer, at: number): { header: number; length: number } {
  if (at + 2 > der.length) throw new DxError('CERT_INVALID', 'truncated DER');
  const first = der[at + 1];
  if (first < 0x80) return { header: 2, length: first };
  const n = first & 0x7f;
  if (n === 0 || n > 4 || at + 2 + n > der.length) throw new DxError('CERT_INVALID', 'bad DER length');
  let length = 0;
  for (let i = 0; i < n; i++) length = length * 256 + der[at + 2 + i];
  return { header: 2 + n, length };
}

/** Short names as node:crypto prints them, for DN strings we build ourselves (CRL issuer). */
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export function dnString(name: Asn1): string {
  const parts: string[] = [];
  for (const rdn of children(name)) {
    for (const atv of children(rdn)) {
      const [type, value] = children(atv);
      const oid = oidOf(type);
      parts.push(`${SHORT_NAMES[oid] ?? oid}=${attrValue(value)}`);
    }
  }
  return parts.join('\n');
}

export function attrValue(value: Asn1): string {
  const raw = value.value as string;
  if (value.type === asn1.Type.BMPSTRING) return Buffer.from(raw, 'binary').swap16().toString('utf16le');
  return Buffer.from(raw, 'binary').toString(value.type === asn1.Type.UTF8 ? 'utf8' : 'latin1');
}
