// What an axis or a connected system demands of package signatures, and what is recorded about each package.

/**
 * - `required`: only packages whose signature verifies (chain, validity, revocation, OrganId binding) are accepted.
 * - `if-present`: unsigned packages pass (flagged `unsigned`); a signature that is there must verify.
 * - `report` (the default): nothing is refused for its signature; every package is checked and the verdict
 *   recorded and shown to sender and recipients. Today's real packages carry placeholder signatures that can
 *   never verify, so any refusing default would stop real traffic.
 * - `off`: not checked at all (`not-checked`).
 */
export const SIGNATURE_POLICIES = ['required', 'if-present', 'report', 'off'] as const;
export type SignaturePolicy = (typeof SIGNATURE_POLICIES)[number];
export const DEFAULT_SIGNATURE_POLICY: SignaturePolicy = 'report';

export const SIGNATURE_VERDICTS = ['verified', 'unsigned', 'invalid', 'not-checked'] as const;
export type SignatureVerdict = (typeof SIGNATURE_VERDICTS)[number];

export function isSignaturePolicy(value: unknown): value is SignaturePolicy {
  return typeof value === 'string' && (SIGNATURE_POLICIES as readonly string[]).includes(value);
}

/** The signing certificate as recorded with a package (what an archivist or recipient needs to see). */
export interface SignerSummary {
  subject: string;
  organId?: string;
  serial: string;
  fingerprint256: string;
  /** Subjects from the signer up to the trust anchor. */
  chain: string[];
  signatureAlgorithm: string;
}

/** The outcome recorded for one package. */
export interface SignatureCheck {
  verdict: SignatureVerdict;
  /** Why it is not `verified`: the stable code (SIG_*, CERT_*, CRL_INVALID) and its message. */
  code?: string;
  message?: string;
  signer?: SignerSummary;
}
