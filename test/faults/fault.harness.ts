// The fault suite's pieces: a real local hub started through the CLI, a steady sender that retries until each
// package is accepted, the faults themselves (kill -9 a service, restart nats-server, restart Postgres), a
// storm of hostile requests, and the ledger check that every accepted document took effect exactly once.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DocaxisClient } from '#sdk-client';
import { buildDemoDocument, isAlive, readHubState, type HubState } from '#local-hub';
import {
  findNatsServer,
  freePort,
  pgClient,
  startEmbeddedPostgres,
  type PgClient,
  type RunningPostgres,
} from '#stack';

const run = promisify(execFile);
const cli = resolve('bin/docaxis.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Small enough that an oversized request is cheap to send, far above the 2 KB packages of the load. */
export const FAULT_MAX_PACKAGE_BYTES = 256 * 1024;

async function until<T>(what: string, probe: () => Promise<T | null | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/** A hub in its own state dir, started and stopped through the CLI like an operator would. */
export class FaultHub {
  hub!: HubState;
  db!: PgClient;
  sender!: DocaxisClient;
  receiver!: DocaxisClient;
  A!: string;
  recipients!: string[];
  readonly stateDir = mkdtempSync(join(tmpdir(), 'docaxis-faults-'));
  /** Backends this suite restarted: it owns them now, the supervisor no longer does. */
  private nats?: ChildProcess;
  private pg?: RunningPostgres;
  // Only the hub's own services: never a NATS or Postgres the developer happens to run.
  private readonly env: NodeJS.ProcessEnv;

  constructor() {
    const { NATS_URL: _n, DATABASE_URL: _d, DOCAXIS_GATEWAY_PORT: _p, ...env } = process.env;
    this.env = { ...env, DOCAXIS_MAX_PACKAGE_BYTES: String(FAULT_MAX_PACKAGE_BYTES) };
    chmodSync(this.stateDir, 0o755); // Postgres runs as its own user when we are root
  }

  async start(): Promise<void> {
    // A port of our own: two hubs starting at once (other suites, a developer's hub) may both pick 8080.
    this.env.DOCAXIS_GATEWAY_PORT = String(await freePort());
    await run(process.execPath, [cli, '--state-dir', this.stateDir, 'up', '--no-demo'], {
      env: this.env,
      timeout: 240_000,
    });
    this.hub = readHubState(this.stateDir)!;
    const [sysA, sysBC] = this.hub.systems;
    this.A = sysA.agencies[0].organId;
    this.recipients = sysBC.agencies.map((a) => a.organId);
    this.sender = new DocaxisClient({
      baseUrl: this.hub.gatewayUrl,
      systemId: sysA.systemId,
      secret: sysA.secret,
    });
    this.receiver = new DocaxisClient({
      baseUrl: this.hub.gatewayUrl,
      systemId: sysBC.systemId,
      secret: sysBC.secret,
    });
    await this.connectDb();
  }

  private async connectDb(): Promise<void> {
    // pgClient swallows background errors: a Postgres restart ends this session and we reconnect.
    this.db = await pgClient(this.hub.databaseUrl);
    await this.db.connect();
  }

  async stop(): Promise<void> {
    await this.db?.end().catch(() => undefined);
    await run(process.execPath, [cli, '--state-dir', this.stateDir, 'down'], {
      env: this.env,
      timeout: 120_000,
    }).catch(() => undefined);
    if (this.nats && this.nats.exitCode === null) this.nats.kill('SIGTERM');
    await this.pg?.stop().catch(() => undefined);
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  /** kill -9 one service; resolves once the supervisor has started it again. */
  async killService(name: string): Promise<void> {
    const before = readHubState(this.stateDir)!.services[name];
    process.kill(before.pid, 'SIGKILL');
    await until(
      `${name} restarted by the supervisor`,
      async () => {
        const now = readHubState(this.stateDir)?.services[name];
        return !!now && now.pid !== before.pid && isAlive(now.pid);
      },
      30_000,
    );
  }

  /** kill -9 nats-server, then start it again on the same config, port and JetStream store. */
  async restartNats(downMs = 1_000): Promise<void> {
    const natsDir = join(this.stateDir, 'nats');
    const pid = Number(readFileSync(join(natsDir, 'nats-server.pid'), 'utf8').trim());
    process.kill(pid, 'SIGKILL');
    await until('nats-server gone', async () => !isAlive(pid), 10_000);
    await sleep(downMs);
    this.nats = spawn(findNatsServer()!, ['-c', join(natsDir, 'nats-server.conf')], { stdio: 'ignore' });
    await this.waitHealthy('after the NATS restart');
  }

  /** Stops Postgres (fast shutdown: its sessions are cut), then starts it again on the same data and port. */
  async restartPostgres(downMs = 1_000): Promise<void> {
    const dataDir = join(this.stateDir, 'postgres');
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 'SIGINT');
    await until('Postgres stopped', async () => !isAlive(pid), 30_000);
    await sleep(downMs);
    const port = Number(new URL(this.hub.databaseUrl).port);
    this.pg = await startEmbeddedPostgres({ dataDir, port, durable: true });
    await this.db.end().catch(() => undefined);
    await this.connectDb();
    await this.waitHealthy('after the Postgres restart');
  }

  private async waitHealthy(when: string): Promise<void> {
    await until(
      `the gateway to answer ${when}`,
      async () => (await fetch(`${this.hub.gatewayUrl}/health`)).ok,
      60_000,
    );
  }

  /** Why a service exited: the supervisor's lines and the last errors and warnings of its own log. */
  logTail(name: string, lines = 25): string {
    const read = (f: string) => readFileSync(join(this.stateDir, 'logs', f), 'utf8').split('\n');
    const exits = read('supervisor.log').filter((l) => l.includes(`${name} exited`));
    const own = read(`${name}.log`).filter((l) => /ERROR|Error|WARN|exit/.test(l) && !/^\s+at /.test(l));
    return [...exits, '…', ...own.slice(-lines)].join('\n');
  }

  restartsOf(name: string): number {
    return readHubState(this.stateDir)?.services[name]?.restarts ?? 0;
  }
}

/** Who sends the load, as whom, to whom. */
export interface LoadTarget {
  sender: DocaxisClient;
  from: string;
  to: string[];
}

/** Sends documents from A to every recipient at a steady pace; a send that fails is retried until accepted. */
export class SteadyLoad {
  /** DocumentId → hub DocId of every package the hub accepted. */
  readonly accepted = new Map<string, string>();
  /** Times each accepted package: when the hub answered (for the throughput windows). */
  readonly acceptedAt: number[] = [];
  retries = 0;
  duplicatesAnswered = 0;
  private running = false;
  private aborted = false;
  private workers: Promise<void>[] = [];
  private serial = 0;
  private readonly date = new Date();

  constructor(
    private readonly target: LoadTarget,
    private readonly concurrency = 4,
  ) {}

  start(): void {
    this.running = true;
    this.workers = Array.from({ length: this.concurrency }, () => this.worker());
  }

  /** Stops taking new documents and waits until every one in flight has been accepted. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }

  /** After a failure: stop at once, giving up on what is in flight. */
  async abort(): Promise<void> {
    this.aborted = true;
    this.running = false;
    await Promise.allSettled(this.workers);
  }

  /** Accepted packages per second between two instants. */
  rate(from: number, to: number): number {
    return this.acceptedAt.filter((t) => t >= from && t < to).length / ((to - from) / 1000);
  }

  private async worker(): Promise<void> {
    while (this.running) {
      const n = ++this.serial;
      const doc = buildDemoDocument({
        from: { organId: this.target.from, name: 'A' },
        to: this.target.to.map((r) => ({ organId: r, name: r })),
        codeNumber: `${n}${process.pid % 1000}`,
        codeNotation: 'FAULT',
        subject: `Kiểm thử sự cố ${n}`,
        date: this.date,
      });
      await this.sendUntilAccepted(doc);
    }
  }

  private async sendUntilAccepted(doc: { bytes: Buffer; documentId: string }): Promise<void> {
    const end = Date.now() + 180_000;
    for (;;) {
      try {
        const r = await this.target.sender.sendEdoc(doc.bytes, {
          from: this.target.from,
          messageType: 'edoc',
        });
        if (r.duplicate) this.duplicatesAnswered++;
        this.accepted.set(doc.documentId, r.docId);
        this.acceptedAt.push(Date.now());
        return;
      } catch (e) {
        // The same bytes again are idempotent: a send whose answer was lost comes back as a duplicate.
        this.retries++;
        if (this.aborted) return;
        if (Date.now() > end)
          throw new Error(`${doc.documentId} never accepted: ${(e as Error).message}`, { cause: e });
        await sleep(250);
      }
    }
  }
}

/**
 * Malformed, unsigned and oversized requests as fast as a few loops can send them, from a process of its own
 * (hostile-storm.mjs) so that the good load's throughput is not lowered by the storm's own CPU in this process.
 */
export class HostileStorm {
  refused = new Map<string, number>();
  accepted = 0;

  constructor(private readonly h: FaultHub) {}

  /** Runs the storm for `seconds`; resolves with the number of refused requests. */
  async run(seconds: number, loops = 6): Promise<number> {
    const [sys] = this.h.hub.systems;
    const args = JSON.stringify({
      gatewayUrl: this.h.hub.gatewayUrl,
      systemId: sys.systemId,
      secret: sys.secret,
      from: this.h.A,
      maxBytes: FAULT_MAX_PACKAGE_BYTES,
      seconds,
      loops,
    });
    const { stdout } = await run(process.execPath, [resolve('test/faults/hostile-storm.mjs'), args], {
      timeout: (seconds + 60) * 1000,
    });
    const out = JSON.parse(stdout.trim().split('\n').pop()!) as {
      refused: Record<string, number>;
      accepted: number;
    };
    this.refused = new Map(Object.entries(out.refused));
    this.accepted = out.accepted;
    return [...this.refused.values()].reduce((a, b) => a + b, 0);
  }
}

export interface Ledger {
  accepted: number;
  submissions: number;
  deliveries: number;
  archived: number;
  recordedEvents: number;
  inbox: Record<string, number>;
  /** Every problem found; empty when each document took effect exactly once. */
  problems: string[];
}

/**
 * What the hub holds for the accepted documents once it has settled: one submission, one delivery row per
 * recipient still pending, one archived package, one "recorded" event per recipient, each once in the inbox.
 */
export async function settleLedger(h: FaultHub, load: SteadyLoad, ms = 120_000): Promise<Ledger> {
  const docIds = [...load.accepted.values()];
  const want = docIds.length * h.recipients.length;
  const count = async (sql: string): Promise<number> => (await h.db.query(sql, [docIds])).rows[0].n as number;
  await until(
    'every accepted document routed and archived',
    async () =>
      (await count('SELECT count(*)::int AS n FROM delivery WHERE doc_id = ANY($1::uuid[])')) === want &&
      (await count('SELECT count(*)::int AS n FROM archived_package WHERE doc_id = ANY($1::uuid[])')) ===
        docIds.length &&
      (await count(
        `SELECT count(*)::int AS n FROM delivery_history WHERE event = 'recorded' AND doc_id = ANY($1::uuid[])`,
      )) === want,
    ms,
  ).catch(() => undefined); // the ledger below names what is missing

  const problems: string[] = [];
  const perDoc = async (sql: string, expected: number, what: string): Promise<void> => {
    const rows = (await h.db.query(sql, [docIds])).rows as { doc_id: string; n: number }[];
    const seen = new Map(rows.map((r) => [r.doc_id, r.n]));
    for (const id of docIds) {
      const n = seen.get(id) ?? 0;
      if (n !== expected) problems.push(`${id}: ${n} ${what} (want ${expected})`);
    }
  };
  const r = h.recipients.length;
  await perDoc(
    `SELECT doc_id, count(*)::int AS n FROM delivery WHERE doc_id = ANY($1::uuid[]) AND state = 'pending' GROUP BY doc_id`,
    r,
    'pending deliveries',
  );
  await perDoc(
    'SELECT doc_id, count(*)::int AS n FROM archived_package WHERE doc_id = ANY($1::uuid[]) GROUP BY doc_id',
    1,
    'archived packages',
  );
  await perDoc(
    `SELECT doc_id, count(*)::int AS n FROM delivery_history WHERE event = 'recorded' AND doc_id = ANY($1::uuid[]) GROUP BY doc_id`,
    r,
    'recorded events',
  );
  // Nothing beyond what was accepted: a lost answer retried must not have made a second submission.
  const submissions = (await h.db.query('SELECT count(*)::int AS n FROM submission')).rows[0].n as number;
  if (submissions !== docIds.length)
    problems.push(`${submissions} submissions for ${docIds.length} accepted`);

  const inbox: Record<string, number> = {};
  for (const agency of h.recipients) {
    const seen = new Map<string, number>();
    let after: string | undefined;
    do {
      const page = await h.receiver.getReceivedEdocList({ messageType: 'edoc', agency, limit: 1000, after });
      for (const i of page.items) seen.set(i.id, (seen.get(i.id) ?? 0) + 1);
      after = page.next;
    } while (after);
    inbox[agency] = [...seen.values()].reduce((a, b) => a + b, 0);
    for (const id of docIds) {
      if (seen.get(id) !== 1) problems.push(`${id}: ${seen.get(id) ?? 0} times in ${agency}'s inbox`);
    }
  }

  return {
    accepted: docIds.length,
    submissions,
    deliveries: await count('SELECT count(*)::int AS n FROM delivery WHERE doc_id = ANY($1::uuid[])'),
    archived: await count('SELECT count(*)::int AS n FROM archived_package WHERE doc_id = ANY($1::uuid[])'),
    recordedEvents: await count(
      `SELECT count(*)::int AS n FROM delivery_history WHERE event = 'recorded' AND doc_id = ANY($1::uuid[])`,
    ),
    inbox,
    problems,
  };
}

export { sleep, until };
