import type { Seal, SignatureOptions } from '#trust';

/** What the exchange services need from the deployment's configuration. */
export interface ExchangeOptions {
  /** Largest package accepted by a send (DocaxisConfig.maxPackageBytes). */
  maxPackageBytes: number;
  /** OrganId of this axis: the hop it appends to every package it accepts (DocaxisConfig.axisOrganId). */
  axisOrganId: string;
  /** The hub's seal, which signs receipts; without it the answers carry none. */
  seal?: Seal | null;
  /** Package signature policy and trust files; default: policy report, no trust anchors. */
  signatures?: SignatureOptions;
}

export const EXCHANGE_OPTIONS = Symbol('EXCHANGE_OPTIONS');
