import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.js';

export interface DemoSystem {
  systemId: string;
  secret: string;
  agencies: { organId: string; name: string }[];
}

/** One service process of an axis, as the supervisor last started it. */
export interface ServiceEntry {
  pid: number;
  restarts: number;
  log: string;
}

/** What a running local hub tells the CLI (written to <stateDir>/hub.json by the supervisor). */
export interface HubState {
  status: 'starting' | 'ready' | 'failed' | 'stopped';
  error?: string;
  supervisorPid: number;
  gatewayUrl: string;
  natsUrl: string;
  databaseUrl: string;
  services: Record<string, ServiceEntry>;
  systems: DemoSystem[];
  startedAt: string;
  /** Root CA of the development seal (verify receipts with `docaxis receipt verify --trust` it). */
  sealTrustFile?: string;
}

export const hubStateFile = (stateDir: string): string => join(stateDir, 'hub.json');

export function readHubState(stateDir: string): HubState | null {
  return readJsonFile<HubState>(hubStateFile(stateDir));
}

export function writeHubState(stateDir: string, state: HubState): void {
  writeJsonFile(hubStateFile(stateDir), state);
}

export function isAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
