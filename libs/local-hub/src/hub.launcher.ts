import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, readHubState, writeHubState, type HubState } from './hub.state.js';
import { repoRoot } from './repo-root.js';

/**
 * Starts the supervisor (`docaxis hub-daemon`) detached, so the hub keeps running after `docaxis up` returns,
 * and waits until it reports ready. An already running hub is reused.
 */
export async function startHubDetached(stateDir: string, timeoutMs = 180_000): Promise<HubState> {
  const running = readHubState(stateDir);
  if (running && running.status === 'ready' && isAlive(running.supervisorPid)) return running;
  mkdirSync(join(stateDir, 'logs'), { recursive: true });
  const fd = openSync(join(stateDir, 'logs', 'supervisor.log'), 'a');
  const child = spawn(
    process.execPath,
    [join(repoRoot(), 'bin/docaxis.js'), 'hub-daemon', '--state-dir', stateDir],
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
    const s = readHubState(stateDir);
    if (s && s.supervisorPid === child.pid) {
      if (s.status === 'ready') return s;
      if (s.status === 'failed') throw new Error(`hub failed to start: ${s.error} (see ${stateDir}/logs)`);
    }
    if (!isAlive(child.pid))
      throw new Error(`hub supervisor exited; see ${join(stateDir, 'logs', 'supervisor.log')}`);
    if (Date.now() > deadline) throw new Error('hub did not become ready in time');
  }
}

/** Stops a running hub (SIGTERM to its supervisor, which stops services, Postgres and NATS). */
export async function stopHub(stateDir: string, timeoutMs = 60_000): Promise<boolean> {
  const s = readHubState(stateDir);
  if (!s || !isAlive(s.supervisorPid)) return false;
  process.kill(s.supervisorPid, 'SIGTERM');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(s.supervisorPid)) {
    if (Date.now() > deadline) {
      process.kill(s.supervisorPid, 'SIGKILL');
      s.status = 'stopped';
      writeHubState(stateDir, s);
      break;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return true;
}
