// Enveloped XML-DSig signature over a whole edXML package (Reference URI=""), placed in edXMLHeader. Only the
// Signature element is written: every other byte of the package stays as it was.
import { createHash, createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { DxError } from '#contracts';
import { C14N_ALGORITHMS, canonicalizeWith } from './c14n.js';
import {
  DIGEST_ALGORITHMS,
  DSIG_NAMESPACE,
  ENVELOPED_SIGNATURE,
  SIGNATURE_ALGORITHMS,
  type SignatureAlgorithm,
} from './xmldsig.constants.js';
import { findSignatures, requireHeader } from './xmldsig.locate.js';
import { decodeXml, elementChildren, parseXml } from './xml-tree.js';

export interface SignOptions {
  /** PEM private key (PKCS#8 or PKCS#1) of the signer. */
  keyPem: string | KeyObject;
  /** PEM certificate of the signer (the first certificate if several). */
  certPem: string;
  /** PEM certificates of the chain, put in KeyInfo after the signer's (each string may hold several). */
  chainPem?: string[];
  /** Default rsa-sha256 (with a sha256 digest); rsa-sha1 signs and digests with SHA-1. */
  signatureAlgorithm?: SignatureAlgorithm;
  /** Default exc-c14n, for both the reference and SignedInfo. */
  c14n?: 'exc-c14n' | 'c14n';
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

function certificatesOf(pem: string, what: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (!blocks.length) throw new DxError('CERT_INVALID', `${what} holds no PEM certificate`);
  return blocks.map((b) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new DxError('CERT_INVALID', `${what} cannot be read: ${(e as Error).message}`);
    }
  });
}

function privateKeyOf(keyPem: string | KeyObject): KeyObject {
  if (typeof keyPem !== 'string') return keyPem;
  try {
    return createPrivateKey(keyPem);
  } catch (e) {
    throw new DxError('CERT_INVALID', `the private key cannot be read: ${(e as Error).message}`);
  }
}

/**
 * Sign an edXML package: a `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">` with one Reference URI=""
 * (enveloped-signature + c14n transforms) and the certificates in KeyInfo/X509Data, placed as the last child
 * of edXMLHeader, or where a Signature element (e.g. the SDK's placeholder) already is, replacing it.
 * Throws DxError SIG_MALFORMED (no edXMLHeader, not well-formed, a DOCTYPE, a signature elsewhere),
 * CERT_INVALID (unreadable key or certificate) or SIG_INVALID (the key does not match the certificate).
 */
export function signEnveloped(xml: Buffer | string, options: SignOptions): Buffer {
  const algorithm = SIGNATURE_ALGORITHMS[options.signatureAlgorithm ?? 'rsa-sha256'];
  const digest = options.signatureAlgorithm === 'rsa-sha1' ? 'sha1' : 'sha256';
  const c14nUri = C14N_ALGORITHMS[options.c14n ?? 'exc-c14n'];
  const key = privateKeyOf(options.keyPem);
  const certificates = [
    ...certificatesOf(options.certPem, 'the signer certificate').slice(0, 1),
    ...(options.chainPem ?? []).flatMap((pem, i) => certificatesOf(pem, `chain certificate ${i + 1}`)),
  ];
  if (key.asymmetricKeyType !== 'rsa') {
    throw new DxError(
      'SIG_ALGORITHM',
      `only RSA keys can sign packages (this key is ${key.asymmetricKeyType})`,
    );
  }

  // Offsets come from the text as given (line ends kept) so that the splice keeps every other byte.
  const text = decodeXml(xml);
  const located = parseXml(text, { keepLineEnds: true });
  const header = requireHeader(located);
  const { inHeader, dsigAnywhere } = findSignatures(located);
  if (inHeader.length > 1) {
    throw new DxError('SIG_MALFORMED', 'edXMLHeader holds more than one Signature element');
  }
  if (dsigAnywhere.some((s) => s !== inHeader[0])) {
    throw new DxError('SIG_MALFORMED', 'the package holds an XML-DSig Signature outside edXMLHeader');
  }
  if (header.selfClosing) throw new DxError('SIG_MALFORMED', 'edXMLHeader is empty');
  const [from, to] = inHeader.length
    ? [inHeader[0].start, inHeader[0].end]
    : [header.closeStart, header.closeStart];
  const before = text.slice(0, from);
  const after = text.slice(to);

  // The digest covers the package without any Signature: the same canonical bytes as the signed package
  // minus its Signature (the enveloped transform), since the text around the element is unchanged.
  const unsigned = parseXml(before + after);
  const digestValue = createHash(digest)
    .update(canonicalizeWith(unsigned, c14nUri, { withComments: false }), 'utf8')
    .digest('base64');

  const signedInfo =
    `<SignedInfo><CanonicalizationMethod Algorithm="${c14nUri}"/>` +
    `<SignatureMethod Algorithm="${algorithm.uri}"/>` +
    `<Reference URI=""><Transforms><Transform Algorithm="${ENVELOPED_SIGNATURE}"/>` +
    `<Transform Algorithm="${c14nUri}"/></Transforms>` +
    `<DigestMethod Algorithm="${DIGEST_ALGORITHMS[digest]}"/><DigestValue>${digestValue}</DigestValue>` +
    `</Reference></SignedInfo>`;
  const keyInfo =
    '<KeyInfo><X509Data>' +
    certificates.map((c) => `<X509Certificate>${c.raw.toString('base64')}</X509Certificate>`).join('') +
    '</X509Data></KeyInfo>';
  const signature = (value: string): string =>
    `<Signature xmlns="${DSIG_NAMESPACE}">${signedInfo}<SignatureValue>${value}</SignatureValue>${keyInfo}</Signature>`;

  // SignedInfo is canonicalised in place (inclusive c14n takes the namespaces of its ancestors).
  const draft = parseXml(before + signature('') + after);
  const draftSignature = findSignatures(draft).inHeader[0];
  const signedInfoElement = elementChildren(draftSignature)[0];
  const signedBytes = Buffer.from(canonicalizeWith(signedInfoElement, c14nUri), 'utf8');
  const value = sign(algorithm.hash, signedBytes, key);
  if (!verify(algorithm.hash, signedBytes, certificates[0].publicKey, value)) {
    throw new DxError('SIG_INVALID', 'the private key does not belong to the signer certificate');
  }
  return Buffer.from(before + signature(value.toString('base64')) + after, 'utf8');
}
