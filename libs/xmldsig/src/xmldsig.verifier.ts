// Verification of the enveloped package signature, wrapping-safe by construction: exactly one XML-DSig
// Signature, a child of edXMLHeader, with one Reference URI="" (the whole document), so that what the
// digest covers is the whole package minus that element, and that is what the caller routes on
// (signedContent). Certificate trust (chain, validity, usage, CRL, binding) is the caller's, with #pki.
import { createHash, timingSafeEqual, verify, X509Certificate } from 'node:crypto';
import { DxError } from '#contracts';
import { C14N_ALGORITHMS, c14nNameOf, canonicalizeWith, type C14nName } from './c14n.js';
import {
  DIGEST_ALGORITHMS,
  DSIG_NAMESPACE,
  ENVELOPED_SIGNATURE,
  SIGNATURE_ALGORITHMS,
  type DigestAlgorithm,
  type SignatureAlgorithm,
} from './xmldsig.constants.js';
import { findSignatures } from './xmldsig.locate.js';
import {
  decodeXml,
  elementChildren,
  hasDoctype,
  parseXml,
  textContent,
  type XmlDocument,
  type XmlElement,
} from './xml-tree.js';

export interface VerifyOptions {
  /** Accept rsa-sha1 / sha1 (the SDK's samples use them); refused by default. */
  allowSha1?: boolean;
}

export interface VerifiedSignature {
  /** Canonical bytes of the document minus the Signature element: exactly what the digest covers. Well-formed
   * XML (no declaration) that parseEdxml accepts; parse routing data from these bytes, not the original. */
  signedContent: Buffer;
  /** KeyInfo/X509Data certificates, in document order. */
  certificates: X509Certificate[];
  /** The certificate whose public key verifies SignatureValue. */
  signer: X509Certificate;
  signatureAlgorithm: SignatureAlgorithm;
  digestAlgorithm: DigestAlgorithm;
  /** The canonicalization of the Reference (what signedContent is in). */
  c14n: C14nName;
  /** The CanonicalizationMethod of SignedInfo. */
  signedInfoC14n: C14nName;
}

const EXC_C14N_NAMESPACE = 'http://www.w3.org/2001/10/xml-exc-c14n#';

const fail = (code: string, message: string): never => {
  throw new DxError(code, message);
};

function dsigChildren(parent: XmlElement, path: string): XmlElement[] {
  const children = elementChildren(parent);
  for (const c of children) {
    if (c.uri !== DSIG_NAMESPACE)
      fail('SIG_MALFORMED', `${path} holds <${c.qname}> outside the XML-DSig namespace`);
  }
  return children;
}

function only(children: XmlElement[], local: string, path: string): XmlElement {
  const found = children.filter((c) => c.local === local);
  if (found.length !== 1) {
    fail('SIG_MALFORMED', `${path} must hold exactly one ${local} (found ${found.length})`);
  }
  return found[0];
}

const attribute = (e: XmlElement, local: string): string | undefined =>
  e.attributes.find((a) => a.uri === '' && a.local === local)?.value;

function algorithmOf(e: XmlElement, path: string): string {
  return attribute(e, 'Algorithm') ?? fail('SIG_MALFORMED', `${path} has no Algorithm attribute`);
}

/** Strict base64 (whitespace allowed between characters), decoded. */
function base64(e: XmlElement, path: string): Buffer {
  const s = textContent(e).replace(/[\s]+/g, '');
  if (!s || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
    fail('SIG_MALFORMED', `${path} is not base64`);
  }
  return Buffer.from(s, 'base64');
}

/** An exc-c14n algorithm element's InclusiveNamespaces PrefixList, if any. */
function inclusivePrefixes(e: XmlElement): string[] | undefined {
  const list = elementChildren(e).find(
    (c) => c.local === 'InclusiveNamespaces' && c.uri === EXC_C14N_NAMESPACE,
  );
  return list ? (attribute(list, 'PrefixList') ?? '').split(/\s+/).filter(Boolean) : undefined;
}

function c14nOf(e: XmlElement, path: string): C14nName {
  const uri = algorithmOf(e, path);
  return c14nNameOf(uri) ?? fail('SIG_ALGORITHM', `${path} ${uri} is not a supported canonicalization`);
}

/** Parsed certificates by the SHA-256 of their DER: the same few certificates sign package after package and
 * parsing one was a fifth of a verification. Only parsing is cached: every signature is still verified. */
const parsedCertificates = new Map<string, X509Certificate>();
const MAX_CACHED_CERTIFICATES = 1024;

function certificateOf(der: Buffer, index: number): X509Certificate {
  const key = createHash('sha256').update(der).digest('base64');
  const cached = parsedCertificates.get(key);
  if (cached) return cached;
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
    // OpenSSL parses the key lazily: a certificate can read fine and still hold a key that does not decode.
    void cert.publicKey;
  } catch (err) {
    return fail('SIG_MALFORMED', `X509Certificate ${index + 1} cannot be read: ${(err as Error).message}`);
  }
  // Bounded: a flood of distinct certificates evicts the oldest instead of growing memory.
  if (parsedCertificates.size >= MAX_CACHED_CERTIFICATES) {
    parsedCertificates.delete(parsedCertificates.keys().next().value as string);
  }
  parsedCertificates.set(key, cert);
  return cert;
}

/** The one Signature that may be verified, after the wrapping rules. */
function theSignature(doc: XmlDocument): XmlElement {
  const { header, inHeader, dsigAnywhere } = findSignatures(doc);
  const all = new Set([...inHeader, ...dsigAnywhere]);
  if (all.size > 1) {
    fail('SIG_WRAPPING', `the package holds ${all.size} Signature elements; exactly one is allowed`);
  }
  if (all.size === 0) {
    return fail('SIG_MISSING', header ? 'edXMLHeader holds no Signature' : 'the package has no edXMLHeader');
  }
  const [signature] = all;
  if (!inHeader.includes(signature)) {
    fail('SIG_WRAPPING', 'the Signature is not a child of edXML/edXMLEnvelope/edXMLHeader');
  }
  if (signature.uri !== DSIG_NAMESPACE) {
    fail(
      'SIG_MALFORMED',
      `the Signature in edXMLHeader is not an XML-DSig signature (namespace "${signature.uri}")`,
    );
  }
  return signature;
}

/**
 * Verify the package signature. Throws DxError SIG_MISSING, SIG_MALFORMED, SIG_ALGORITHM, SIG_WRAPPING,
 * SIG_DIGEST_MISMATCH or SIG_INVALID (see libs/contracts errors.ts). Does not judge the certificates.
 */
export function verifyEnveloped(xml: Buffer | string, options: VerifyOptions = {}): VerifiedSignature {
  const text = decodeXml(xml);
  // A DTD could add ID attributes or entities that make a verifier see another document than the router.
  if (hasDoctype(text)) fail('SIG_WRAPPING', 'a package with a <!DOCTYPE> is never accepted as signed');
  const doc = parseXml(text);
  const signature = theSignature(doc);

  const parts = dsigChildren(signature, 'Signature');
  if (parts.some((p) => p.local === 'Object')) {
    fail('SIG_WRAPPING', 'Object elements inside the Signature are not accepted');
  }
  for (const p of parts) {
    if (!['SignedInfo', 'SignatureValue', 'KeyInfo'].includes(p.local)) {
      fail('SIG_MALFORMED', `Signature holds an unexpected <${p.qname}>`);
    }
  }
  const signedInfo = only(parts, 'SignedInfo', 'Signature');
  if (parts[0] !== signedInfo) fail('SIG_MALFORMED', 'SignedInfo must be the first child of Signature');
  const signatureValue = base64(only(parts, 'SignatureValue', 'Signature'), 'SignatureValue');

  // ---- SignedInfo: algorithms and the one whole-document Reference
  const info = dsigChildren(signedInfo, 'SignedInfo');
  const signedInfoC14n = c14nOf(only(info, 'CanonicalizationMethod', 'SignedInfo'), 'CanonicalizationMethod');
  const signedInfoPrefixes = inclusivePrefixes(only(info, 'CanonicalizationMethod', 'SignedInfo'));
  const signatureMethod = only(info, 'SignatureMethod', 'SignedInfo');
  const signatureUri = algorithmOf(signatureMethod, 'SignatureMethod');
  const signatureAlgorithm = (Object.keys(SIGNATURE_ALGORITHMS) as SignatureAlgorithm[]).find(
    (k) => SIGNATURE_ALGORITHMS[k].uri === signatureUri && (k !== 'rsa-sha1' || options.allowSha1),
  );
  if (!signatureAlgorithm || elementChildren(signatureMethod).length) {
    fail('SIG_ALGORITHM', `SignatureMethod ${signatureUri} is not accepted on this axis`);
  }
  const references = info.filter((c) => c.local === 'Reference');
  if (references.length > 1)
    fail('SIG_WRAPPING', `SignedInfo holds ${references.length} References; one is allowed`);
  const reference = only(info, 'Reference', 'SignedInfo');
  for (const c of info) {
    if (!['CanonicalizationMethod', 'SignatureMethod', 'Reference'].includes(c.local)) {
      fail('SIG_MALFORMED', `SignedInfo holds an unexpected <${c.qname}>`);
    }
  }
  const uri = attribute(reference, 'URI');
  if (uri !== '') {
    fail(
      'SIG_WRAPPING',
      `Reference URI=${uri === undefined ? '(none)' : `"${uri}"`}: only URI="" is accepted`,
    );
  }

  const refParts = dsigChildren(reference, 'Reference');
  const transforms = refParts.filter((c) => c.local === 'Transforms');
  const list = transforms.length === 1 ? dsigChildren(transforms[0], 'Transforms') : [];
  const enveloped = list.filter((t) => algorithmOf(t, 'Transform') === ENVELOPED_SIGNATURE);
  const c14nTransforms = list.filter((t) => c14nNameOf(algorithmOf(t, 'Transform')) !== undefined);
  if (
    transforms.length !== 1 ||
    enveloped.length !== 1 ||
    c14nTransforms.length > 1 ||
    list.length !== enveloped.length + c14nTransforms.length ||
    list[0] !== enveloped[0] ||
    list.some((t) => t.local !== 'Transform')
  ) {
    fail(
      'SIG_ALGORITHM',
      'the Reference must have the enveloped-signature transform and at most one c14n after it',
    );
  }
  // Without an explicit c14n the node-set becomes octets by inclusive Canonical XML (XML-DSig 4.3.3.2).
  const c14n = c14nTransforms.length ? c14nOf(c14nTransforms[0], 'Transform') : 'c14n';
  const referencePrefixes = c14nTransforms.length ? inclusivePrefixes(c14nTransforms[0]) : undefined;
  const digestUri = algorithmOf(only(refParts, 'DigestMethod', 'Reference'), 'DigestMethod');
  const digestAlgorithm = (Object.keys(DIGEST_ALGORITHMS) as DigestAlgorithm[]).find(
    (k) => DIGEST_ALGORITHMS[k] === digestUri && (k !== 'sha1' || options.allowSha1),
  );
  if (!digestAlgorithm) fail('SIG_ALGORITHM', `DigestMethod ${digestUri} is not accepted on this axis`);
  const digestValue = base64(only(refParts, 'DigestValue', 'Reference'), 'DigestValue');

  // ---- KeyInfo certificates
  const keyInfo = parts.find((p) => p.local === 'KeyInfo');
  const certElements = keyInfo
    ? elementChildren(keyInfo)
        .filter((d) => d.local === 'X509Data' && d.uri === DSIG_NAMESPACE)
        .flatMap((d) =>
          elementChildren(d).filter((c) => c.local === 'X509Certificate' && c.uri === DSIG_NAMESPACE),
        )
    : [];
  if (!certElements.length) fail('SIG_MALFORMED', 'KeyInfo/X509Data holds no X509Certificate');
  const certificates = certElements.map((e, i) => certificateOf(base64(e, `X509Certificate ${i + 1}`), i));

  // ---- the digest over the whole document minus the Signature (URI="" never includes comments)
  const signedContent = Buffer.from(
    canonicalizeWith(doc, C14N_ALGORITHMS[c14n], {
      exclude: signature,
      inclusivePrefixes: referencePrefixes,
      withComments: false,
    }),
    'utf8',
  );
  const actual = createHash(digestAlgorithm!).update(signedContent).digest();
  if (actual.length !== digestValue.length || !timingSafeEqual(actual, digestValue)) {
    fail(
      'SIG_DIGEST_MISMATCH',
      'the package was changed after signing: its digest does not match DigestValue',
    );
  }

  // ---- SignatureValue over canonical SignedInfo, with the first KeyInfo certificate that verifies it
  const signedBytes = Buffer.from(
    canonicalizeWith(signedInfo, C14N_ALGORITHMS[signedInfoC14n], { inclusivePrefixes: signedInfoPrefixes }),
    'utf8',
  );
  const hash = SIGNATURE_ALGORITHMS[signatureAlgorithm!].hash;
  const signer = certificates.find((c) => {
    if (c.publicKey.asymmetricKeyType !== 'rsa') return false;
    try {
      return verify(hash, signedBytes, c.publicKey, signatureValue);
    } catch {
      return false;
    }
  });
  if (!signer) fail('SIG_INVALID', 'SignatureValue does not verify with any KeyInfo certificate');

  return {
    signedContent,
    certificates,
    signer: signer!,
    signatureAlgorithm: signatureAlgorithm!,
    digestAlgorithm: digestAlgorithm!,
    c14n,
    signedInfoC14n,
  };
}

/**
 * Whether the package carries a signature, without verifying it: 'present' when edXMLHeader holds a
 * Signature element (even a placeholder) or an XML-DSig Signature is anywhere in the package (so a
 * wrapped signature is present and then refused by verifyEnveloped). Throws SIG_MALFORMED on bad XML.
 */
export function inspectSignature(xml: Buffer | string): 'absent' | 'present' {
  const text = decodeXml(xml);
  if (hasDoctype(text)) return 'present'; // verification will refuse it: never let a DTD pass as unsigned
  const { inHeader, dsigAnywhere } = findSignatures(parseXml(text));
  return inHeader.length || dsigAnywhere.length ? 'present' : 'absent';
}
