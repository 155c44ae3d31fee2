// X.509 v2 CRLs (RFC 5280 §5). forge cannot create CRLs, so the TBSCertList is built with forge.asn1 and signed
// (sha256WithRSAEncryption) by node:crypto with the issuer's key; parsing and verification accept CRLs from
// `openssl ca -gencrl` as well.
import { X509Certificate, createHash, sign, verify } from 'node:crypto';
import forge from 'node-forge';
import { DxError } from '#contracts';
import { certInfo } from './cert-info.js';
import {
  OID,
  SIGNATURE_DIGESTS,
  bytesOf,
  children,
  dnString,
  firstElementRaw,
  fromDer,
  normalizeSerial,
  oidOf,
  timeNode,
  timeOf,
  toDer,
} from './der.js';
import type { IssuedCert } from './pki.issuer.js';

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

/** RFC 5280 CRLReason codes. */
export const CRL_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type CrlReason = keyof typeof CRL_REASONS;

export interface RevokedEntry {
  /** Hex serial, any case, leading zeros allowed. */
  serial: string;
  revokedAt: Date;
  reason?: CrlReason;
}

export interface ParsedCrl {
  /** Issuer DN, one `key=value` per line like node:crypto's X509Certificate.subject. */
  issuer: string;
  /** Issuer Name DER (hex): what matches the CRL to its CA. */
  issuerDer: string;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** serial (lowercase hex, no leading zeros) → revocation date. */
  revoked: Map<string, Date>;
  crlNumber?: string;
  der: Buffer;
  /** Signed bytes, signature algorithm and value, for verifyCrl. */
  tbs: Buffer;
  signatureOid: string;
  signature: Buffer;
}

function seq(...items: forge.asn1.Asn1[]): forge.asn1.Asn1 {
  return asn1.create(U, T.SEQUENCE, true, items);
}
function oidNode(oid: string): forge.asn1.Asn1 {
  return asn1.create(U, T.OID, false, asn1.oidToDer(oid).getBytes());
}
function intNode(hex: string): forge.asn1.Asn1 {
  let h = hex.toLowerCase().replace(/^0+/, '') || '0';
  if (h.length % 2) h = '0' + h;
  if (parseInt(h.slice(0, 2), 16) >= 0x80) h = '00' + h; // keep it positive
  return asn1.create(U, T.INTEGER, false, forge.util.hexToBytes(h));
}
function octets(node: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(U, T.OCTETSTRING, false, asn1.toDer(node).getBytes());
}

/** A signed CRL (PEM) for the CA `issuer`. The CRL number defaults to thisUpdate in milliseconds (monotonic). */
export function createCrl(
  issuer: IssuedCert,
  revoked: RevokedEntry[],
  opts: { thisUpdate?: Date; nextUpdate: Date; crlNumber?: bigint },
): string {
  const cert = new X509Certificate(issuer.certPem);
  const info = certInfo(cert);
  const thisUpdate = opts.thisUpdate ?? new Date();
  const algorithm = seq(oidNode(OID.sha256WithRSAEncryption), asn1.create(U, T.NULL, false, ''));
  const issuerName = fromDer(Buffer.from(info.subjectDer, 'hex'));
  const entries = revoked.map((r) => {
    const fields = [intNode(r.serial), timeNode(r.revokedAt)];
    if (r.reason !== undefined) {
      const code = asn1.create(U, T.ENUMERATED, false, String.fromCharCode(CRL_REASONS[r.reason]));
      fields.push(seq(seq(oidNode(OID.cRLReason), octets(code))));
    }
    return seq(...fields);
  });
  const crlNumber = (opts.crlNumber ?? BigInt(thisUpdate.getTime())).toString(16);
  const extensions = [seq(oidNode(OID.cRLNumber), octets(intNode(crlNumber)))];
  const keyId = info.subjectKeyId ? Buffer.from(info.subjectKeyId, 'hex') : subjectKeyId(cert);
  extensions.unshift(
    seq(
      oidNode(OID.authorityKeyIdentifier),
      octets(seq(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, keyId.toString('binary')))),
    ),
  );
  const tbsFields = [
    asn1.create(U, T.INTEGER, false, asn1.integerToDer(1).getBytes()), // v2
    algorithm,
    issuerName,
    timeNode(thisUpdate),
    timeNode(opts.nextUpdate),
  ];
  if (entries.length) tbsFields.push(seq(...entries)); // omitted when empty (RFC 5280)
  tbsFields.push(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [seq(...extensions)]));
  const tbs = toDer(seq(...tbsFields));
  const signature = sign('sha256', tbs, issuer.keyPem);
  const crl = seq(
    fromDer(tbs),
    algorithm,
    asn1.create(U, T.BITSTRING, false, '\x00' + signature.toString('binary')),
  );
  const der = toDer(crl);
  return `-----BEGIN X509 CRL-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END X509 CRL-----\n`;
}

export function parseCrl(pemOrDer: string | Buffer): ParsedCrl {
  const der = toCrlDer(pemOrDer);
  try {
    const [tbsNode, algNode, sigNode] = children(fromDer(der, 'CRL_INVALID'));
    let f = children(tbsNode);
    if (f[0].type === T.INTEGER && f[0].tagClass === U) f = f.slice(1); // version (v2) is optional
    const [, issuer, thisUpdate, ...rest] = f;
    let next: Date | undefined;
    if (
      rest[0] &&
      (rest[0].type === T.UTCTIME || rest[0].type === T.GENERALIZEDTIME) &&
      rest[0].tagClass === U
    ) {
      next = timeOf(rest.shift()!);
    }
    const revoked = new Map<string, Date>();
    if (rest[0] && rest[0].tagClass === U && rest[0].type === T.SEQUENCE) {
      for (const entry of children(rest.shift()!)) {
        const [serial, date] = children(entry);
        revoked.set(normalizeSerial(bytesOf(serial).toString('hex')), timeOf(date));
      }
    }
    let crlNumber: string | undefined;
    const extWrapper = rest.find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 0);
    for (const ext of extWrapper ? children(children(extWrapper)[0]) : []) {
      const parts = children(ext);
      if (oidOf(parts[0]) === OID.cRLNumber) {
        crlNumber = normalizeSerial(
          bytesOf(fromDer(bytesOf(parts[parts.length - 1]), 'CRL_INVALID')).toString('hex'),
        );
      }
    }
    return {
      issuer: dnString(issuer),
      issuerDer: toDer(issuer).toString('hex'),
      thisUpdate: timeOf(thisUpdate),
      nextUpdate: next,
      revoked,
      crlNumber,
      der,
      tbs: firstElementRaw(der),
      signatureOid: oidOf(children(algNode)[0]),
      signature: bytesOf(sigNode).subarray(1), // drop the unused-bits byte
    };
  } catch (e) {
    if (e instanceof DxError && e.code === 'CRL_INVALID') throw e;
    throw new DxError('CRL_INVALID', `cannot read the CRL: ${(e as Error).message}`);
  }
}

/** Throws CRL_INVALID unless `crl` is issued by `issuerCert` (name and signature). */
export function verifyCrl(crl: ParsedCrl, issuerCert: X509Certificate): void {
  const info = certInfo(issuerCert);
  if (crl.issuerDer !== info.subjectDer) {
    throw new DxError(
      'CRL_INVALID',
      `the CRL of ${oneLine(crl.issuer)} is not issued by ${oneLine(issuerCert.subject)}`,
    );
  }
  if (info.keyUsage && !info.keyUsage.has('cRLSign')) {
    throw new DxError(
      'CRL_INVALID',
      `${oneLine(issuerCert.subject)} may not sign CRLs (no cRLSign key usage)`,
    );
  }
  const digest = SIGNATURE_DIGESTS[crl.signatureOid];
  if (digest === undefined)
    throw new DxError('CRL_INVALID', `unsupported CRL signature algorithm ${crl.signatureOid}`);
  let ok: boolean;
  try {
    ok = verify(digest, crl.tbs, issuerCert.publicKey, crl.signature);
  } catch {
    ok = false; // e.g. a key type that does not match the algorithm
  }
  if (!ok)
    throw new DxError('CRL_INVALID', `the signature of the CRL of ${oneLine(crl.issuer)} does not verify`);
}

function toCrlDer(pemOrDer: string | Buffer): Buffer {
  const text = typeof pemOrDer === 'string' ? pemOrDer : pemOrDer.subarray(0, 30).toString('latin1');
  if (text.includes('-----BEGIN')) {
    const pem = typeof pemOrDer === 'string' ? pemOrDer : pemOrDer.toString('latin1');
    const m = /-----BEGIN X509 CRL-----([\s\S]+?)-----END X509 CRL-----/.exec(pem);
    if (!m) throw new DxError('CRL_INVALID', 'no "X509 CRL" PEM block');
    return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  }
  return Buffer.isBuffer(pemOrDer) ? pemOrDer : Buffer.from(pemOrDer, 'binary');
}

function subjectKeyId(cert: X509Certificate): Buffer {
  // RFC 5280 method 1, as forge's subjectKeyIdentifier: SHA-1 of the subjectPublicKey bits.
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  const bits = bytesOf(children(fromDer(spki))[1]).subarray(1);
  return createHash('sha1').update(bits).digest();
}

export function oneLine(dn: string): string {
  return dn.split('\n').join(', ');
}
