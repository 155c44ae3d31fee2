import { Inject, Injectable } from '@nestjs/common';
import type { EdxmlPackage } from '#edxml';
import { checkPackageSignature, checkUnverifiedSignature } from './package-signature.js';
import type { SignatureCheck, SignaturePolicy } from './signature.policy.js';
import { TrustStoreProvider } from './trust-store.provider.js';

/** The axis's signature settings (DocaxisConfig: signaturePolicy, trustFiles, signatureAllowSha1, trustRequireCrl). */
export interface SignatureOptions {
  /** This axis's policy; a connected system's own policy (registry) overrides it for what it sends. */
  policy: SignaturePolicy;
  /** PEM files or directories: trust anchors, intermediates, CRLs. */
  trustFiles: string[];
  allowSha1: boolean;
  requireCrl: boolean;
}

export const SIGNATURE_OPTIONS = Symbol('SIGNATURE_OPTIONS');

/** Checks packages as they enter this axis, under the axis's or the sending system's policy. */
@Injectable()
export class PackageSignatureService {
  private readonly trust: TrustStoreProvider;

  constructor(@Inject(SIGNATURE_OPTIONS) private readonly options: SignatureOptions) {
    this.trust = new TrustStoreProvider(options.trustFiles, { requireCrl: options.requireCrl });
    // Load now: unreadable trust files should stop the service at start, not fail the first send.
    this.trust.current();
  }

  /**
   * `at` is when the hub received the package: XML-DSig carries no trusted signing time, and the hub's
   * receipt attests that the signature existed then.
   */
  /** The policy in force: the system's own, or the axis's. */
  policyOf(policy?: SignaturePolicy | null): SignaturePolicy {
    return policy ?? this.options.policy;
  }

  /** What a package too large to verify gets under `policy` (see checkUnverifiedSignature). */
  checkUnverified(hasSignature: boolean, opts: { policy?: SignaturePolicy | null }): SignatureCheck {
    return checkUnverifiedSignature(hasSignature, this.policyOf(opts.policy));
  }

  check(
    body: Buffer,
    pkg: EdxmlPackage,
    opts: { policy?: SignaturePolicy | null; at: Date },
  ): SignatureCheck {
    return checkPackageSignature(body, pkg, opts.policy ?? this.options.policy, {
      trust: this.trust.current(),
      at: opts.at,
      allowSha1: this.options.allowSha1,
    });
  }
}
