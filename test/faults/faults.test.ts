// The long fault suite (`npm run test:faults`): three rounds of kill -9 on every service, a nats-server
// restart and a Postgres restart, all under load and after a hostile storm; every accepted document must
// have taken effect exactly once. The CI short form is test/e2e/faults.short.test.ts.
import { describe, it, expect } from '@jest/globals';
import { runFaultScenario, type Fault } from './fault.scenario.js';

const round: Fault[] = [
  { kill: 'gateway' },
  { kill: 'router' },
  { kill: 'archive' },
  { kill: 'registry' },
  { restart: 'nats' },
  { restart: 'postgres' },
];

describe('fault suite, long form', () => {
  it('delivers and archives every accepted document exactly once through repeated crashes', async () => {
    const r = await runFaultScenario({
      name: 'long',
      windowSeconds: 15,
      faults: [...round, ...round, ...round],
      pauseMs: 3_000,
    });
    expect(r.ledger.problems).toEqual([]);
    expect(r.ledger.accepted).toBeGreaterThan(0);
    expect(r.stormAccepted).toBe(0);
    expect(r.stormRefused).toBeGreaterThan(0);
    for (const s of ['gateway', 'router', 'archive', 'registry'])
      expect(r.restarts[s]).toBeGreaterThanOrEqual(3);
  }, 1_200_000);
});
