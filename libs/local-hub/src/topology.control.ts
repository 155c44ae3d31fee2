import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readJsonFile, writeJsonFile } from './json-file.js';
import { isAlive } from './hub.state.js';
import { readTopologyState, type TopologyState } from './topology.state.js';

/**
 * Operators change a running topology (cut or restore a link) through request files in
 * <stateDir>/topology/control/ and a SIGUSR2 to the supervisor, which applies each request and answers in
 * `<id>.done.json`. Only the supervisor's owner can signal it, so no listening socket is needed.
 */
export const CONTROL_SIGNAL = 'SIGUSR2';

export interface ControlRequest {
  action: 'cut' | 'restore';
  axis: string;
}

export interface ControlAnswer {
  ok: boolean;
  error?: string;
}

const controlDir = (stateDir: string): string => join(stateDir, 'topology', 'control');

/** CLI side: asks the running supervisor to apply `req` and waits for its answer. */
export async function requestControl(
  stateDir: string,
  req: ControlRequest,
  {
    timeoutMs = 15_000,
    notify = (pid: number): void => void process.kill(pid, CONTROL_SIGNAL),
  }: { timeoutMs?: number; notify?: (pid: number) => void } = {},
): Promise<TopologyState> {
  const state = readTopologyState(stateDir);
  if (!state || !isAlive(state.supervisorPid)) throw new Error('no topology running');
  const dir = controlDir(stateDir);
  mkdirSync(dir, { recursive: true });
  const id = `${Date.now()}-${randomBytes(4).toString('hex')}`;
  writeJsonFile(join(dir, `${id}.json`), req);
  notify(state.supervisorPid);
  const done = join(dir, `${id}.done.json`);
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(done)) {
    if (Date.now() > deadline)
      throw new Error(`the topology supervisor did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const answer = readJsonFile<ControlAnswer>(done);
  rmSync(done, { force: true });
  if (!answer?.ok) throw new Error(answer?.error ?? 'the topology supervisor refused the request');
  return readTopologyState(stateDir)!;
}

/** Supervisor side: applies every pending request in arrival order and answers each. */
export async function serveControlRequests(
  stateDir: string,
  apply: (req: ControlRequest) => Promise<void>,
): Promise<void> {
  const dir = controlDir(stateDir);
  if (!existsSync(dir)) return;
  const pending = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.endsWith('.done.json') && !f.endsWith('.tmp'))
    .sort();
  for (const f of pending) {
    const file = join(dir, f);
    const req = readJsonFile<ControlRequest>(file);
    let answer: ControlAnswer;
    try {
      if (!req || (req.action !== 'cut' && req.action !== 'restore') || typeof req.axis !== 'string') {
        throw new Error(`unreadable control request ${f}`);
      }
      await apply(req);
      answer = { ok: true };
    } catch (e) {
      answer = { ok: false, error: (e as Error).message };
    }
    writeJsonFile(join(dir, f.replace(/\.json$/, '.done.json')), answer);
    rmSync(file, { force: true });
  }
}
