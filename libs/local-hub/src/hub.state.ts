import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface DemoSystem {
  systemId: string;
  secret: string;
  agencies: { organId: string; name: string }[];
}

/** What a running local hub tells the CLI (written to <stateDir>/hub.json by the supervisor). */
export interface HubState {
  status: 'starting' | 'ready' | 'failed' | 'stopped';
  error?: string;
  supervisorPid: number;
  gatewayUrl: string;
  natsUrl: string;
  databaseUrl: string;
  services: Record<string, { pid: number; restarts: number; log: string }>;
  systems: DemoSystem[];
  startedAt: string;
}

export const hubStateFile = (stateDir: string): string => join(stateDir, 'hub.json');

export function readHubState(stateDir: string): HubState | null {
  const f = hubStateFile(stateDir);
  if (!existsSync(f)) return null;
  try {
    return JSON.parse(readFileSync(f, 'utf8')) as HubState;
  } catch {
    return null;
  }
}

/** Atomic write, so a reader never sees half a file. */
export function writeHubState(stateDir: string, state: HubState): void {
  mkdirSync(stateDir, { recursive: true });
  const f = hubStateFile(stateDir);
  writeFileSync(`${f}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
  renameSync(`${f}.tmp`, f);
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
