import { isDeepStrictEqual } from 'node:util';
import { DxError, isDxError } from '#contracts';
import { parseEdxml, type EdxmlPackage } from '#edxml';
import type { TrustStore } from '#pki';
import { verifyEnveloped } from '#xmldsig';
import type { SignatureCheck, SignaturePolicy, SignerSummary } from './signature.policy.js';

export interface PackageSignatureOptions {
  /** Trust anchors, intermediates and CRLs; without it no signature can verify (CERT_UNTRUSTED). */
  trust?: TrustStore;
  /** The time the signature must have been valid at: the hub's receipt time (XML-DSig carries no trusted time). */
  at: Date;
  /** Accept rsa-sha1/sha1 (the SDK samples' algorithms). */
  allowSha1?: boolean;
}

/**
 * Full verification of a package's enveloped signature: the XML-DSig itself (wrapping-safe: whole document,
 * one signature), a chain to the trust anchors valid at `at`, key usage, revocation, and the binding of the
 * certificate's OrganId to the package's From. Then the routing data is re-read from the signed bytes alone and
 * must equal what was read from the package: nothing outside the digest can decide where a package goes.
 * Throws DxError with the failing check's code.
 */
export function verifyPackageSignature(
  body: Buffer,
  pkg: EdxmlPackage,
  opts: PackageSignatureOptions,
): SignerSummary {
  const sig = verifyEnveloped(body, { allowSha1: opts.allowSha1 });
  if (!opts.trust) {
    throw new DxError(
      'CERT_UNTRUSTED',
      'this hub has no trust anchors configured (DOCAXIS_TRUST_ANCHORS), so no signer can be trusted',
    );
  }
  const chain = opts.trust.verify(sig.signer, { at: opts.at, purpose: 'signing', extra: sig.certificates });
  const sender = pkg.MessageHeader.From?.OrganId;
  if (!chain.organId || chain.organId !== sender) {
    throw new DxError(
      'CERT_BINDING',
      `the signer certificate (${chain.subject.replace(/\n/g, ', ')}) is for OrganId ${chain.organId ?? '(none)'}, ` +
        `the package is from ${sender ?? '(none)'}`,
    );
  }
  const signedView = parseEdxml(sig.signedContent);
  if (!isDeepStrictEqual(withoutSignature(signedView), withoutSignature(pkg))) {
    throw new DxError(
      'SIG_WRAPPING',
      'the package reads differently without its Signature element: only signed content may be routed',
    );
  }
  return {
    subject: chain.subject,
    organId: chain.organId,
    serial: chain.serial,
    fingerprint256: chain.fingerprint256,
    chain: chain.chain.map((c) => c.subject),
    signatureAlgorithm: sig.signatureAlgorithm,
  };
}

function withoutSignature(pkg: EdxmlPackage): unknown {
  const copy: Record<string, unknown> = { ...pkg };
  delete copy.signatureXml;
  return copy;
}

/**
 * Applies a policy: throws (the package is refused before anything is stored) when the policy demands a
 * signature that is absent or does not verify; otherwise returns what to record.
 */
export function checkPackageSignature(
  body: Buffer,
  pkg: EdxmlPackage,
  policy: SignaturePolicy,
  opts: PackageSignatureOptions,
): SignatureCheck {
  if (policy === 'off') return { verdict: 'not-checked' };
  try {
    return { verdict: 'verified', signer: verifyPackageSignature(body, pkg, opts) };
  } catch (e) {
    if (!isDxError(e)) throw e;
    // verifyEnveloped says SIG_MISSING only when the package holds no Signature element at all.
    if (e.code === 'SIG_MISSING') {
      if (policy === 'required') {
        throw new DxError(
          'SIG_MISSING',
          'this axis or system requires signed packages; the package has no Signature',
        );
      }
      return { verdict: 'unsigned', code: e.code, message: 'the package has no Signature' };
    }
    if (policy !== 'report') throw e;
    return { verdict: 'invalid', code: e.code, message: e.message };
  }
}

/**
 * Above this size a package's signature is not verified: the XML-DSig verifier needs the whole package in
 * memory (a few times its size while it works), which would break the memory bound of packages streamed
 * through the object store (above OBJECT_STORES.packages.thresholdBytes). Up to it, a streamed package is held
 * while it streams and verified like any other, so signed documents with attachments of a few MB still verify.
 */
export const SIGNATURE_VERIFIED_UP_TO_BYTES = 16 * 1024 * 1024;

/**
 * The rule for a package too large to verify (streamed through the object store, above
 * SIGNATURE_VERIFIED_UP_TO_BYTES): its signature is not checked, and each policy treats that plainly.
 * - `required`: refused, SIG_TOO_LARGE (before its body is read: see requiresVerifiedSignature).
 * - `if-present`: a signed package is refused, SIG_TOO_LARGE (its signature is there and cannot be shown to
 *   verify); an unsigned one passes as `unsigned`.
 * - `report`: accepted; `not-checked` with code SIG_TOO_LARGE when signed, `unsigned` when not.
 * - `off`: `not-checked`.
 */
export function checkUnverifiedSignature(hasSignature: boolean, policy: SignaturePolicy): SignatureCheck {
  const tooLarge = new DxError(
    'SIG_TOO_LARGE',
    `the package is above ${SIGNATURE_VERIFIED_UP_TO_BYTES} bytes, whose signatures this axis does not verify ` +
      `(streaming XML-DSig verification is not implemented); the ${policy} policy ` +
      (policy === 'required'
        ? 'requires a verified signature'
        : 'refuses a signature that cannot be verified'),
  );
  if (policy === 'off') return { verdict: 'not-checked' };
  if (policy === 'required') throw tooLarge;
  if (!hasSignature)
    return { verdict: 'unsigned', code: 'SIG_MISSING', message: 'the package has no Signature' };
  if (policy === 'if-present') throw tooLarge;
  return {
    verdict: 'not-checked',
    code: 'SIG_TOO_LARGE',
    message: `not verified: the package is above ${SIGNATURE_VERIFIED_UP_TO_BYTES} bytes`,
  };
}
