/** What the router needs from the deployment's configuration. */
export interface RoutingOptions {
  /** `provincial`: recipients registered on other axes go up to the parent axis; `national`: all are local. */
  axisRole: 'provincial' | 'national';
  /** OrganId of this axis (DocaxisConfig.axisOrganId). */
  axisOrganId: string;
  /**
   * False for a provincial axis with no parent link configured (a standalone hub): a recipient on another
   * axis is then refused at once (NO_ROUTE) instead of waiting for a connector that does not exist. Default true.
   */
  hasParent?: boolean;
  /** A delivery still pending or outbound after this long ends `expired` (DocaxisConfig.packageLifetimeSeconds). */
  packageLifetimeSeconds: number;
  /** How often the expiry sweep runs; default 5 s. */
  sweepIntervalMs?: number;
}

export const ROUTING_OPTIONS = Symbol('ROUTING_OPTIONS');
