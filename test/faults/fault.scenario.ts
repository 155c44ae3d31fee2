// One fault run: steady load, a hostile storm (measured, never asserted on time), then the faults of the
// plan one after another under the same load; then the ledger. Shared by the long suite and the CI short form.
import { FaultHub, HostileStorm, SteadyLoad, settleLedger, sleep, type Ledger } from './fault.harness.js';

export type Fault =
  { kill: 'gateway' | 'router' | 'archive' | 'registry' } | { restart: 'nats' | 'postgres' };

export interface FaultPlan {
  name: string;
  /** Seconds of good load measured alone, then again under the storm. */
  windowSeconds: number;
  faults: Fault[];
  /** Load between two faults, so each one hits traffic in flight. */
  pauseMs: number;
}

export interface FaultReport {
  ledger: Ledger;
  stormRefused: number;
  stormAccepted: number;
  restarts: Record<string, number>;
  retries: number;
}

const label = (f: Fault): string => ('kill' in f ? `kill -9 ${f.kill}` : `restart ${f.restart}`);

export async function runFaultScenario(
  plan: FaultPlan,
  say = (l: string) => process.stdout.write(`[faults] ${l}\n`),
): Promise<FaultReport> {
  const h = new FaultHub();
  let load: SteadyLoad | undefined;
  try {
    await h.start();
    say(`${plan.name}: hub up in ${h.stateDir}, gateway ${h.hub.gatewayUrl}`);
    load = new SteadyLoad({ sender: h.sender, from: h.A, to: h.recipients });
    load.start();
    await sleep(2_000); // warm up

    // The storm's cost to good traffic: the same load alone, then with the storm (a measurement, printed).
    const t0 = Date.now();
    await sleep(plan.windowSeconds * 1000);
    const t1 = Date.now();
    const storm = new HostileStorm(h);
    const stormRefused = await storm.run(plan.windowSeconds);
    const t2 = Date.now();
    const calm = load.rate(t0, t1);
    const stormy = load.rate(t1, t2);
    say(
      `good load alone ${calm.toFixed(1)} docs/s, under the storm ${stormy.toFixed(1)} docs/s ` +
        `(drop ${((1 - stormy / calm) * 100).toFixed(1)}%; shared 2-core machine); ` +
        `storm: ${stormRefused} refused ${JSON.stringify(Object.fromEntries(storm.refused))}, ${storm.accepted} accepted`,
    );

    for (const f of plan.faults) {
      const before = load.accepted.size;
      if ('kill' in f) await h.killService(f.kill);
      else if (f.restart === 'nats') await h.restartNats();
      else await h.restartPostgres();
      say(
        `${label(f)}: done; ${load.accepted.size} accepted so far (${load.accepted.size - before} meanwhile)`,
      );
      await sleep(plan.pauseMs);
    }
    await load.stop();

    const ledger = await settleLedger(h, load);
    const restarts = Object.fromEntries(
      ['registry', 'archive', 'router', 'gateway'].map((s) => [s, h.restartsOf(s)]),
    );
    say(
      `${plan.name}: accepted ${ledger.accepted} (send retries ${load.retries}, answered as duplicate ` +
        `${load.duplicatesAnswered}); submissions ${ledger.submissions}; deliveries ${ledger.deliveries}; ` +
        `archived ${ledger.archived}; recorded events ${ledger.recordedEvents}; inbox ${JSON.stringify(ledger.inbox)}; ` +
        `service restarts ${JSON.stringify(restarts)}; problems ${ledger.problems.length}`,
    );
    for (const p of ledger.problems.slice(0, 20)) say(`  problem: ${p}`);
    // A service that restarted more often than it was killed died on its own: show why.
    for (const [s, n] of Object.entries(restarts)) {
      const kills = plan.faults.filter((f) => 'kill' in f && f.kill === s).length;
      if (n !== kills) say(`${s} restarted ${n} times for ${kills} kills:\n${h.logTail(s)}`);
    }
    return { ledger, stormRefused, stormAccepted: storm.accepted, restarts, retries: load.retries };
  } finally {
    // On a failure the sender and the storm would otherwise keep the test process alive.
    await load?.abort();
    await h.stop();
  }
}
