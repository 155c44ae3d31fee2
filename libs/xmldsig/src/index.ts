// XML-DSig enveloped signatures over edXML packages: canonicalisation, signing and verification.
export {
  C14N_ALGORITHMS,
  c14nNameOf,
  canonicalize,
  canonicalizeWith,
  type C14nName,
  type C14nOptions,
} from './c14n.js';
export {
  DIGEST_ALGORITHMS,
  DSIG_NAMESPACE,
  ENVELOPED_SIGNATURE,
  SIGNATURE_ALGORITHMS,
  type DigestAlgorithm,
  type SignatureAlgorithm,
} from './xmldsig.constants.js';
export { signEnveloped, type SignOptions } from './xmldsig.signer.js';
export {
  inspectSignature,
  verifyEnveloped,
  type VerifiedSignature,
  type VerifyOptions,
} from './xmldsig.verifier.js';
export { parseXml, type XmlDocument, type XmlElement, type XmlNode } from './xml-tree.js';
