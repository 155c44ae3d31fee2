// Detached CMS SignedData (RFC 5652) over the signed byte ranges of a PDF, built with node-forge's pkcs7.
import forge from 'node-forge';

export interface CmsSignerOptions {
  keyPem: string;
  certPem: string;
  /** Intermediate certificates to embed after the signer's (the verifier builds the path from them). */
  chainPems?: string[];
  signingTime: Date;
}

/**
 * DER of a detached SignedData: SHA-256, RSA PKCS#1 v1.5, signed attributes contentType (id-data),
 * messageDigest and signingTime, signer identified by issuer and serial number.
 */
export function signDetachedCms(data: Buffer, opts: CmsSignerOptions): Buffer {
  const p7 = forge.pkcs7.createSignedData();
  p7.content = forge.util.createBuffer(data.toString('binary'));
  const cert = forge.pki.certificateFromPem(opts.certPem);
  p7.addCertificate(cert);
  for (const pem of opts.chainPems ?? []) p7.addCertificate(forge.pki.certificateFromPem(pem));
  p7.addSigner({
    key: forge.pki.privateKeyFromPem(opts.keyPem),
    certificate: cert,
    digestAlgorithm: forge.pki.oids.sha256,
    authenticatedAttributes: [
      { type: forge.pki.oids.contentType, value: forge.pki.oids.data },
      { type: forge.pki.oids.messageDigest },
      // @types/node-forge types the value as string; pkcs7 accepts a Date (and encodes UTCTime).
      { type: forge.pki.oids.signingTime, value: opts.signingTime as unknown as string },
    ],
  });
  p7.sign({ detached: true });
  return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
}
