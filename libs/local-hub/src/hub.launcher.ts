import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isAlive, readHubState, writeHubState, type HubState } from './hub.state.js';
import { readTopologyState, writeTopologyState, type TopologyState } from './topology.state.js';
import { repoRoot } from './repo-root.js';

interface SupervisedState {
  status: 'starting' | 'ready' | 'failed' | 'stopped';
  error?: string;
  supervisorPid: number;
}

/**
 * Starts a supervisor (`docaxis hub-daemon` or `topology-daemon`) detached, so it keeps running after
 * `docaxis up` returns, and waits until it reports ready.
 */
async function startDaemon<S extends SupervisedState>(
  stateDir: string,
  args: string[],
  logFile: string,
  read: () => S | null,
  what: string,
  timeoutMs: number,
): Promise<S> {
  mkdirSync(dirname(logFile), { recursive: true });
  const fd = openSync(logFile, 'a');
  const child = spawn(
    process.execPath,
    [join(repoRoot(), 'bin/docaxis.js'), ...args, '--state-dir', stateDir],
    {
      detached: true,
      stdio: ['ignore', fd, fd],
      env: process.env,
    },
  );
  closeSync(fd);
  child.unref();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await new Promise((r) => setTimeout(r, 300));
    const s = read();
    if (s && s.supervisorPid === child.pid) {
      if (s.status === 'ready') return s;
      if (s.status === 'failed') throw new Error(`${what} failed to start: ${s.error} (see ${logFile})`);
    }
    if (!isAlive(child.pid)) throw new Error(`${what} supervisor exited; see ${logFile}`);
    if (Date.now() > deadline) throw new Error(`${what} did not become ready in time; see ${logFile}`);
  }
}

/** What runs in a state dir: a single hub, a topology, or nothing (stale files do not count). */
export function runningIn(stateDir: string): { hub?: HubState; topology?: TopologyState } {
  const hub = readHubState(stateDir);
  const topology = readTopologyState(stateDir);
  return {
    ...(hub && isAlive(hub.supervisorPid) ? { hub } : {}),
    ...(topology && isAlive(topology.supervisorPid) ? { topology } : {}),
  };
}

/** Starts the single hub; a hub already running there is reused. */
export async function startHubDetached(stateDir: string, timeoutMs = 180_000): Promise<HubState> {
  const { hub, topology } = runningIn(stateDir);
  if (topology) {
    throw new Error(
      `a ${topology.topology} topology is running in ${stateDir}: stop it first (docaxis down)`,
    );
  }
  if (hub?.status === 'ready') return hub;
  return startDaemon(
    stateDir,
    ['hub-daemon'],
    join(stateDir, 'logs', 'supervisor.log'),
    () => readHubState(stateDir),
    'hub',
    timeoutMs,
  );
}

/** Starts a national+N topology; the same topology already running there is reused. */
export async function startTopologyDetached(
  stateDir: string,
  spec: string,
  timeoutMs = 300_000,
): Promise<TopologyState> {
  const { hub, topology } = runningIn(stateDir);
  if (hub) throw new Error(`a single hub is running in ${stateDir}: stop it first (docaxis down)`);
  if (topology) {
    if (topology.topology !== spec) {
      throw new Error(
        `a ${topology.topology} topology is running in ${stateDir}: stop it first (docaxis down)`,
      );
    }
    if (topology.status === 'ready') return topology;
  }
  return startDaemon(
    stateDir,
    ['topology-daemon', spec],
    join(stateDir, 'topology', 'supervisor.log'),
    () => readTopologyState(stateDir),
    `topology ${spec}`,
    timeoutMs,
  );
}

/** SIGTERM to a supervisor (which stops its services, Postgres and NATS); SIGKILL after `timeoutMs`. */
async function stopSupervisor(pid: number, onKilled: () => void, timeoutMs: number): Promise<void> {
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      onKilled();
      return;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Stops a running hub. */
export async function stopHub(stateDir: string, timeoutMs = 60_000): Promise<boolean> {
  const s = readHubState(stateDir);
  if (!s || !isAlive(s.supervisorPid)) return false;
  await stopSupervisor(
    s.supervisorPid,
    () => writeHubState(stateDir, { ...s, status: 'stopped' }),
    timeoutMs,
  );
  return true;
}

/** Stops a running topology (every axis). */
export async function stopTopology(stateDir: string, timeoutMs = 120_000): Promise<boolean> {
  const s = readTopologyState(stateDir);
  if (!s || !isAlive(s.supervisorPid)) return false;
  await stopSupervisor(
    s.supervisorPid,
    () => writeTopologyState(stateDir, { ...s, status: 'stopped' }),
    timeoutMs,
  );
  return true;
}
