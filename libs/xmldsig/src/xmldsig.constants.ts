// Algorithm identifiers of XML-DSig that docaxis produces or accepts, and where edXML keeps the signature.
export const DSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
export const ENVELOPED_SIGNATURE = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';

export const SIGNATURE_ALGORITHMS = {
  'rsa-sha256': { uri: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256', hash: 'sha256' },
  'rsa-sha1': { uri: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1', hash: 'sha1' },
} as const;
export type SignatureAlgorithm = keyof typeof SIGNATURE_ALGORITHMS;

export const DIGEST_ALGORITHMS = {
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
} as const;
export type DigestAlgorithm = keyof typeof DIGEST_ALGORITHMS;
