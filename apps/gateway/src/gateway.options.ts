import type { Seal, SignatureOptions } from '#trust';
import type { GatewayTlsOptions } from './gateway.tls.js';

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
  /** The hub's seal, which signs receipts; without it answers carry none. */
  seal?: Seal | null;
  /** Serve HTTPS (and accept client certificates, mTLS) instead of plain HTTP. */
  tls?: GatewayTlsOptions;
  /** Package signature policy and trust files (default: report, no trust anchors). */
  signatures?: SignatureOptions;
}

export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
