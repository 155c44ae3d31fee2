import type { SignatureOptions } from '#trust';
/** What the connector needs from the deployment's configuration (DocaxisConfig, role provincial). */
export interface ConnectorOptions {
  /** OrganId of this axis: its agencies are never imported from the parent, and it is this hub's hop. */
  axisOrganId: string;
  /** How the link is carried: the parent's SDK over HTTP (default) or this axis's NATS, a leafnode of the parent's. */
  driver?: 'sdk-http' | 'nats';
  /** SDK-HTTP driver: the parent (national) axis's SDK endpoint, and this axis's credentials as a system there. */
  parentUrl?: string;
  parentSystemId?: string;
  parentSecret?: string;
  /** OrganId of the parent axis: the origin recorded on what it delivers. */
  parentOrganId: string;
  /** A package not forwarded within this time ends `expired` (measured from its acceptance here). */
  packageLifetimeSeconds: number;
  /** Pause between two polls of the parent's inbox. */
  pollMs: number;
  /** Largest package this hub accepts (DocaxisConfig.maxPackageBytes). */
  maxPackageBytes: number;
  /** Package signature policy and trust files for what the parent delivers (default: report, no anchors). */
  signatures?: SignatureOptions;
  /** The registry is synced at start and then every this many polls; default 10. */
  registrySyncEvery?: number;
  /** Timeout of one call to the parent; default 60 s (packages reach tens of MB). */
  requestTimeoutMs?: number;
}

export const CONNECTOR_OPTIONS = Symbol('CONNECTOR_OPTIONS');
