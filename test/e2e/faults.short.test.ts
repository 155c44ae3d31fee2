// The fault suite's CI short form: a couple of kill -9 and one nats-server restart under load, after a short
// hostile storm; every accepted document must have taken effect exactly once. Long form: npm run test:faults.
import { describe, it, expect } from '@jest/globals';
import { runFaultScenario } from '../faults/fault.scenario.js';

describe('fault suite, short form', () => {
  it('delivers and archives every accepted document exactly once through crashes and a NATS restart', async () => {
    const r = await runFaultScenario({
      name: 'short',
      windowSeconds: 5,
      faults: [{ kill: 'router' }, { kill: 'gateway' }, { restart: 'nats' }, { kill: 'archive' }],
      pauseMs: 2_000,
    });
    expect(r.ledger.problems).toEqual([]);
    expect(r.ledger.accepted).toBeGreaterThan(0);
    expect(r.stormAccepted).toBe(0);
    expect(r.stormRefused).toBeGreaterThan(0);
    // At least once per kill: a service that also died on its own is printed with its log, and recovered.
    for (const s of ['router', 'gateway', 'archive']) expect(r.restarts[s]).toBeGreaterThanOrEqual(1);
  }, 600_000);
});
