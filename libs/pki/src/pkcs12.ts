// PKCS#12 export/import with node-forge. What we write: the private key in a pkcs8ShroudedKeyBag encrypted with
// PBES2 (PBKDF2 HMAC-SHA256, AES-256-CBC); the certificates in an unencrypted SafeContents (they are public);
// the integrity MAC is HMAC-SHA1, the only MAC forge writes (OpenSSL 3 and Windows read all of this).
import forge from 'node-forge';
import { DxError } from '#contracts';

const { pki, pkcs12, asn1 } = forge;

export interface Pkcs12Contents {
  keyPem: string;
  certPem: string;
  chainPem: string[];
}

const ITERATIONS = 10_000; // forge's MAC writer encodes the count on at most 2 bytes

/**
 * forge feeds one password string to both the PKCS#12 MAC key derivation (as BMPString, like OpenSSL) and PBKDF2
 * (as raw bytes, where OpenSSL uses UTF-8): they agree only for ASCII, so other passwords are refused up front
 * rather than producing files other tools cannot open.
 */
function checkPassword(password: string): void {
  if (!/^[\x20-\x7e]*$/.test(password)) {
    throw new DxError(
      'BAD_REQUEST',
      'PKCS#12 passwords must be printable ASCII (forge cannot encode others portably)',
    );
  }
}

export function toPkcs12(opts: {
  keyPem: string;
  certPem: string;
  chainPem?: string[];
  password: string;
  friendlyName?: string;
}): Buffer {
  checkPassword(opts.password);
  const key = pki.privateKeyFromPem(opts.keyPem);
  const certs = [opts.certPem, ...(opts.chainPem ?? []).flatMap((p) => splitPem(p))].map((p) =>
    pki.certificateFromPem(p),
  );
  const p12 = pkcs12.toPkcs12Asn1(key, certs, opts.password, {
    algorithm: 'aes256',
    prfAlgorithm: 'sha256',
    count: ITERATIONS,
    ...(opts.friendlyName ? { friendlyName: opts.friendlyName } : {}),
  } as Parameters<typeof pkcs12.toPkcs12Asn1>[3]);
  return Buffer.from(asn1.toDer(p12).getBytes(), 'binary');
}

export function fromPkcs12(der: Buffer, password: string): Pkcs12Contents {
  checkPassword(password);
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = pkcs12.pkcs12FromAsn1(
      asn1.fromDer(forge.util.createBuffer(der.toString('binary'))),
      true,
      password,
    );
  } catch (e) {
    const msg = (e as Error).message;
    if (/MAC could not be verified|Invalid password/i.test(msg)) {
      throw new DxError('CERT_INVALID', 'wrong password for the PKCS#12 file (its MAC does not verify)');
    }
    throw new DxError('CERT_INVALID', `cannot read the PKCS#12 file: ${msg}`);
  }
  const keyBags = [
    ...(p12.getBags({ bagType: pki.oids.pkcs8ShroudedKeyBag })[pki.oids.pkcs8ShroudedKeyBag] ?? []),
    ...(p12.getBags({ bagType: pki.oids.keyBag })[pki.oids.keyBag] ?? []),
  ];
  const certBags = p12.getBags({ bagType: pki.oids.certBag })[pki.oids.certBag] ?? [];
  const keyBag = keyBags.find((b) => b.key);
  if (!keyBag?.key) throw new DxError('CERT_INVALID', 'the PKCS#12 file holds no (RSA) private key');
  const certs = certBags.filter((b) => b.cert).map((b) => b.cert!);
  // The end-entity certificate is the one whose public key matches the private key; the rest is the chain.
  const key = keyBag.key as forge.pki.rsa.PrivateKey;
  const leaf = certs.find((c) => {
    const pub = c.publicKey as forge.pki.rsa.PublicKey;
    return pub.n && pub.n.equals(key.n);
  });
  if (!leaf) throw new DxError('CERT_INVALID', 'the PKCS#12 file holds no certificate for its private key');
  // PKCS#8, like the keys this library issues.
  const keyPem = pki.privateKeyInfoToPem(pki.wrapRsaPrivateKey(pki.privateKeyToAsn1(key)));
  return {
    keyPem,
    certPem: pki.certificateToPem(leaf),
    chainPem: certs.filter((c) => c !== leaf).map((c) => pki.certificateToPem(c)),
  };
}

export function splitPem(pem: string, label = 'CERTIFICATE'): string[] {
  const re = new RegExp(`-----BEGIN ${label}-----[\\s\\S]+?-----END ${label}-----`, 'g');
  return (pem.match(re) ?? []).map((b) => b + '\n');
}
