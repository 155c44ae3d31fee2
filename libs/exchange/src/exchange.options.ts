/** What the exchange services need from the deployment's configuration. */
export interface ExchangeOptions {
  /** Largest package accepted by a send (DocaxisConfig.maxPackageBytes). */
  maxPackageBytes: number;
}

export const EXCHANGE_OPTIONS = Symbol('EXCHANGE_OPTIONS');
