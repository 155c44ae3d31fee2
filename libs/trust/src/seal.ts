import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DxError } from '#contracts';
import { fromPkcs12, splitPem } from '#pki';

/** JWS algorithms a seal signs with: RS256 for an RSA key, ES256 for an EC P-256 key. */
export type SealAlgorithm = 'RS256' | 'ES256';

/** The hub's seal: the private key that signs receipts and its certificate chain (leaf first). */
export interface Seal {
  readonly key: KeyObject;
  readonly chain: X509Certificate[];
  readonly alg: SealAlgorithm;
}

/** Where the seal comes from (DocaxisConfig's sealKey/sealCert or sealP12/sealP12Password). */
export interface SealSource {
  sealKey?: string;
  sealCert?: string;
  sealP12?: string;
  sealP12Password?: string;
}

/** Every certificate of a PEM text, in order. */
export function pemCertificates(pem: string, what = 'certificate file'): X509Certificate[] {
  const blocks = splitPem(pem);
  if (!blocks.length) throw new DxError('CERT_INVALID', `${what} holds no PEM certificate`);
  return blocks.map((b, i) => {
    try {
      return new X509Certificate(b);
    } catch (e) {
      throw new DxError(
        'CERT_INVALID',
        `${what}: certificate ${i + 1} cannot be read (${(e as Error).message})`,
      );
    }
  });
}

/** The JWS algorithm a key signs with, or undefined when receipts cannot use it. */
export function algorithmOf(key: KeyObject): SealAlgorithm | undefined {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  return undefined;
}

/** A seal from a PEM private key and a PEM certificate chain; the key must be the leaf certificate's. */
export function sealFromPem(keyPem: string, certPem: string): Seal {
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (e) {
    throw new DxError('CERT_INVALID', `the seal key cannot be read (${(e as Error).message})`);
  }
  const chain = pemCertificates(certPem, 'the seal certificate file');
  const alg = algorithmOf(key);
  if (!alg) {
    throw new DxError(
      'CERT_INVALID',
      `the seal key is ${key.asymmetricKeyType}; receipts need an RSA or EC P-256 key`,
    );
  }
  // Comparing the public halves catches a key and certificate from different issuances at start-up.
  if (!chain[0].checkPrivateKey(key)) {
    throw new DxError('CERT_INVALID', `the seal key is not the key of ${chain[0].subject}`);
  }
  return { key, chain, alg };
}

export function loadSealFiles(keyFile: string, certFile: string): Seal {
  return sealFromPem(readFileSync(keyFile, 'utf8'), readFileSync(certFile, 'utf8'));
}

/** A seal from a PKCS#12 file: its key, and the certificate of that key with the chain that came with it. */
export function loadSealP12(p12File: string, password: string): Seal {
  const p12 = fromPkcs12(readFileSync(p12File), password);
  return sealFromPem(p12.keyPem, [p12.certPem, ...p12.chainPem].join('\n'));
}

/** The configured seal, or null when none is configured (the gateway then answers without receipts). */
export function loadSeal(src: SealSource): Seal | null {
  if (src.sealP12) return loadSealP12(src.sealP12, src.sealP12Password ?? '');
  if (src.sealKey || src.sealCert) {
    if (!src.sealKey || !src.sealCert) {
      throw new DxError('CERT_INVALID', 'DOCAXIS_SEAL_KEY and DOCAXIS_SEAL_CERT must be given together');
    }
    return loadSealFiles(src.sealKey, src.sealCert);
  }
  return null;
}
