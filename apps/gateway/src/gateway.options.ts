/** What the gateway app needs beyond its libraries' own options. */
export interface GatewayOptions {
  databaseUrl: string;
  natsUrl: string;
  maxPackageBytes: number;
  authWindowSeconds: number;
  /** OrganId of this axis: the hop appended to the trace of every accepted package. */
  axisOrganId: string;
  /** Largest JSON body of the other calls. */
  maxJsonBytes?: number;
}

export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
