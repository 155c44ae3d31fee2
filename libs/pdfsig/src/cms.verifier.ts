// Verification of a detached CMS SignedData on node:crypto: messageDigest against the signed bytes, the
// signature over the signed attributes exactly as encoded, and the signer certificate among those embedded.
import { createHash, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { DxError } from '#contracts';
import {
  childrenOf,
  contentOf,
  expectTag,
  oidOf,
  rawOf,
  readTlv,
  TAG,
  timeOf,
  type Tlv,
} from './der.reader.js';

const OIDS = {
  signedData: '1.2.840.113549.1.7.2',
  data: '1.2.840.113549.1.7.1',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
};

const DIGESTS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** Signature algorithms: RSA PKCS#1 v1.5 (rsaEncryption or sha*WithRSA) and ECDSA; PSS and SHA-1 are refused. */
const SIGNATURE_ALGORITHMS = new Set([
  '1.2.840.113549.1.1.1',
  '1.2.840.113549.1.1.11',
  '1.2.840.113549.1.1.12',
  '1.2.840.113549.1.1.13',
  '1.2.840.10045.2.1',
  '1.2.840.10045.4.3.2',
  '1.2.840.10045.4.3.3',
  '1.2.840.10045.4.3.4',
]);

export interface CmsParsed {
  digestAlgorithm: string;
  signer: X509Certificate;
  /** Every certificate the CMS carries (the signer's included). */
  certificates: X509Certificate[];
  /** The signingTime signed attribute (claimed by the signer, not a trusted timestamp). */
  signingTime?: Date;
}

/** Strips the zero padding of a /Contents value: the CMS is the first DER element. */
export function cmsDer(contents: Buffer): Buffer {
  const t = readTlv(contents, 0);
  if (t.tag !== TAG.SEQUENCE)
    throw new DxError('PDF_SIG_INVALID', 'the signature value is not a CMS structure');
  return contents.subarray(0, t.end);
}

/**
 * Verifies `cms` (DER) as a detached signature of `data`. Throws DxError PDF_SIG_DIGEST when the bytes differ
 * from what was signed, PDF_SIG_INVALID for anything else wrong with the CMS, SIG_ALGORITHM for algorithms
 * not accepted. Returns the signer certificate to check against the trust store.
 */
export function verifyDetachedCms(cms: Buffer, data: Buffer): CmsParsed {
  const [ctype, wrapped] = childrenOf(readTlv(cms, 0));
  if (oidOf(ctype) !== OIDS.signedData) throw invalid('the CMS is not SignedData');
  const sd = childrenOf(
    expectTag(childrenOf(expectTag(wrapped, TAG.CTX0, 'SignedData'))[0], TAG.SEQUENCE, 'SignedData'),
  );
  // version, digestAlgorithms, encapContentInfo, [0] certificates, [1] crls, signerInfos
  const encap = childrenOf(expectTag(sd[2], TAG.SEQUENCE, 'encapContentInfo'));
  if (encap.length > 1) throw invalid('the CMS encapsulates content: a PDF signature must be detached');
  const certificates: X509Certificate[] = [];
  const certSet = sd.find((t) => t.tag === TAG.CTX0);
  for (const c of certSet ? childrenOf(certSet) : []) {
    if (c.tag !== TAG.SEQUENCE) continue; // other certificate formats (attribute certificates) are not used
    try {
      certificates.push(new X509Certificate(rawOf(c)));
    } catch (e) {
      throw new DxError('CERT_INVALID', `an embedded certificate cannot be read: ${(e as Error).message}`);
    }
  }
  const signerInfos = childrenOf(expectTag(sd[sd.length - 1], TAG.SET, 'signerInfos'));
  if (signerInfos.length !== 1)
    throw invalid(`the CMS has ${signerInfos.length} signers; a PDF signature has one`);
  const si = childrenOf(expectTag(signerInfos[0], TAG.SEQUENCE, 'SignerInfo'));
  const signer = findSigner(si[1], certificates);
  const digestAlgorithm = DIGESTS[oidOf(childrenOf(expectTag(si[2], TAG.SEQUENCE, 'digestAlgorithm'))[0])];
  if (!digestAlgorithm) throw new DxError('SIG_ALGORITHM', 'the CMS digest algorithm is not SHA-256/384/512');
  let i = 3;
  const signedAttrs = si[i]?.tag === TAG.CTX0 ? si[i++] : undefined;
  const sigAlg = oidOf(childrenOf(expectTag(si[i++], TAG.SEQUENCE, 'signatureAlgorithm'))[0]);
  if (!SIGNATURE_ALGORITHMS.has(sigAlg))
    throw new DxError('SIG_ALGORITHM', `signature algorithm ${sigAlg} is not accepted`);
  const signature = contentOf(expectTag(si[i], TAG.OCTET_STRING, 'signature'));
  const digest = createHash(digestAlgorithm).update(data).digest();

  let signedBytes: Buffer = data;
  let signingTime: Date | undefined;
  if (signedAttrs) {
    const attrs = new Map<string, Tlv[]>();
    for (const a of childrenOf(signedAttrs)) {
      const [type, values] = childrenOf(expectTag(a, TAG.SEQUENCE, 'an attribute'));
      const oid = oidOf(type);
      if (attrs.has(oid)) throw invalid(`signed attribute ${oid} appears twice`);
      attrs.set(oid, childrenOf(expectTag(values, TAG.SET, 'attribute values')));
    }
    const ct = attrs.get(OIDS.contentType);
    if (!ct || ct.length !== 1 || oidOf(ct[0]) !== OIDS.data)
      throw invalid('the contentType attribute is not id-data');
    const md = attrs.get(OIDS.messageDigest);
    if (!md || md.length !== 1 || md[0].tag !== TAG.OCTET_STRING)
      throw invalid('the messageDigest attribute is missing');
    if (!contentOf(md[0]).equals(digest)) {
      throw new DxError(
        'PDF_SIG_DIGEST',
        'the signed byte ranges were changed after signing (messageDigest differs)',
      );
    }
    const st = attrs.get(OIDS.signingTime);
    if (st?.length === 1) signingTime = timeOf(st[0]);
    // The signature covers the attributes as a SET (tag 0x31), not as the [0] IMPLICIT they are carried in.
    signedBytes = Buffer.from(rawOf(signedAttrs));
    signedBytes[0] = TAG.SET;
  }
  const ok = cryptoVerify(digestAlgorithm, signedBytes, signer.publicKey, signature);
  if (!ok) {
    throw new DxError(
      signedAttrs ? 'PDF_SIG_INVALID' : 'PDF_SIG_DIGEST',
      signedAttrs
        ? 'the signature value does not verify with the signer certificate'
        : 'the signature does not verify over the signed byte ranges',
    );
  }
  return { digestAlgorithm, signer, certificates, ...(signingTime ? { signingTime } : {}) };
}

function findSigner(sid: Tlv | undefined, certs: X509Certificate[]): X509Certificate {
  if (sid?.tag !== TAG.SEQUENCE)
    throw invalid('only signers identified by issuer and serial number are supported');
  const [issuer, serial] = childrenOf(sid);
  const want = { issuer: rawOf(issuer), serial: contentOf(expectTag(serial, TAG.INTEGER, 'serialNumber')) };
  const found = certs.find((c) => {
    const tbs = childrenOf(childrenOf(readTlv(c.raw, 0))[0]);
    const k = tbs[0].tag === TAG.CTX0 ? 1 : 0; // [0] version is optional
    return contentOf(tbs[k]).equals(want.serial) && rawOf(tbs[k + 2]).equals(want.issuer);
  });
  if (!found) throw new DxError('CERT_INVALID', 'the CMS does not carry the signer certificate');
  return found;
}

const invalid = (why: string): DxError => new DxError('PDF_SIG_INVALID', why);
