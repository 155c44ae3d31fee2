import type { DocaxisConfig } from '#config';
import type { SignatureOptions } from './package-signature.service.js';

/** The signature settings of a process's configuration (DOCAXIS_SIGNATURE_POLICY, DOCAXIS_TRUST_ANCHORS, …). */
export function signatureOptionsFromConfig(cfg: DocaxisConfig): SignatureOptions {
  return {
    policy: cfg.signaturePolicy,
    trustFiles: (cfg.trustAnchors ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    allowSha1: cfg.signatureAllowSha1 === 'true',
    requireCrl: cfg.trustRequireCrl === 'true',
  };
}
