/** What the exchange services need from the deployment's configuration. */
export interface ExchangeOptions {
  /** Largest package accepted by a send (DocaxisConfig.maxPackageBytes). */
  maxPackageBytes: number;
  /** OrganId of this axis: the hop it appends to every package it accepts (DocaxisConfig.axisOrganId). */
  axisOrganId: string;
}

export const EXCHANGE_OPTIONS = Symbol('EXCHANGE_OPTIONS');
