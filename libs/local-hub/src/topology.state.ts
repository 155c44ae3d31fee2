import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.js';
import type { DemoSystem, ServiceEntry } from './hub.state.js';

export type LinkState = 'up' | 'cut';

/** A provincial axis's way to its parent, the national axis. */
export interface ParentLink {
  organId: string;
  /** The national gateway itself. */
  gatewayUrl: string;
  /** What the connector is configured with: the local link relay in front of the national gateway. */
  linkUrl: string;
  /** This axis's credentials as a connected system of the national axis. */
  systemId: string;
  secret: string;
  link: LinkState;
}

export interface AxisState {
  key: string;
  role: 'national' | 'provincial';
  organId: string;
  name: string;
  stateDir: string;
  gatewayUrl: string;
  natsUrl: string;
  databaseUrl: string;
  services: Record<string, ServiceEntry>;
  /** The demo document systems connected to this axis, with their secrets and agencies. */
  systems: DemoSystem[];
  parent?: ParentLink;
}

/** What a running topology tells the CLI and tests (<stateDir>/topology.json, written by its supervisor). */
export interface TopologyState {
  status: 'starting' | 'ready' | 'failed' | 'stopped';
  error?: string;
  /** e.g. national+2 */
  topology: string;
  supervisorPid: number;
  startedAt: string;
  /** Things that work but not fully (e.g. a connector that is not built). */
  warnings: string[];
  axes: AxisState[];
}

export const topologyStateFile = (stateDir: string): string => join(stateDir, 'topology.json');
/** Per-axis data: nats/, postgres/, logs/, secrets.json. */
export const topologyAxisDir = (stateDir: string, key: string): string => join(stateDir, 'topology', key);

export function readTopologyState(stateDir: string): TopologyState | null {
  return readJsonFile<TopologyState>(topologyStateFile(stateDir));
}

export function writeTopologyState(stateDir: string, state: TopologyState): void {
  writeJsonFile(topologyStateFile(stateDir), state);
}

/** An axis by key (`h41`, `national`), level-1 code (`H41`) or OrganId (`000.00.00.H41`). */
export function findAxis(state: TopologyState, name: string): AxisState | undefined {
  const n = name.trim().toLowerCase();
  return state.axes.find(
    (a) => a.key === n || a.organId.toLowerCase() === n || a.organId.toLowerCase().endsWith(`.${n}`),
  );
}

/** The axis whose demo systems include `organId`, with that system. */
export function findAgency(
  state: TopologyState,
  organId: string,
): { axis: AxisState; system: DemoSystem } | undefined {
  for (const axis of state.axes) {
    const system = axis.systems.find((s) => s.agencies.some((a) => a.organId === organId));
    if (system) return { axis, system };
  }
  return undefined;
}
