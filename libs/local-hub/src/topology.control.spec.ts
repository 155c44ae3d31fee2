import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestControl, serveControlRequests, type ControlRequest } from './topology.control.js';
import { readTopologyState, writeTopologyState, type TopologyState } from './topology.state.js';

// This process plays the supervisor and answers through the control directory. Jest's sandboxed `process`
// cannot take a real signal, so the notification calls the handler directly; the CLI's SIGUSR2 is covered by
// the topology e2e test (docaxis link cut/restore).
describe('link control of a running topology', () => {
  let dir: string;
  const applied: ControlRequest[] = [];
  let serving = Promise.resolve();
  const notify = () => {
    serving = serving.then(() =>
      serveControlRequests(dir, async (req) => {
        if (req.axis === 'national') throw new Error('national is not a provincial axis');
        applied.push(req);
        const s = readTopologyState(dir)!;
        s.warnings = [`${req.axis} ${req.action}`];
        writeTopologyState(dir, s);
      }),
    );
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'docaxis-control-'));
    const state: TopologyState = {
      status: 'ready',
      topology: 'national+1',
      supervisorPid: process.pid,
      startedAt: new Date().toISOString(),
      warnings: [],
      axes: [],
    };
    writeTopologyState(dir, state);
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a request and returns the state written after it', async () => {
    const state = await requestControl(dir, { action: 'cut', axis: 'h41' }, { notify });
    expect(applied).toEqual([{ action: 'cut', axis: 'h41' }]);
    expect(state.warnings).toEqual(['h41 cut']);
    expect(readdirSync(join(dir, 'topology', 'control'))).toEqual([]);
  });

  it("reports the supervisor's refusal", async () => {
    await expect(requestControl(dir, { action: 'restore', axis: 'national' }, { notify })).rejects.toThrow(
      'national is not a provincial axis',
    );
    expect(readdirSync(join(dir, 'topology', 'control'))).toEqual([]);
  });

  it('says so when no topology runs', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'docaxis-control-'));
    try {
      await expect(requestControl(empty, { action: 'cut', axis: 'h41' }, { notify })).rejects.toThrow(
        'no topology running',
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
