// End-to-end load on a whole local hub (NATS, Postgres, registry, archive, router and gateway as processes,
// started by libs/local-hub in a temporary state dir): 1,000 agencies in 10 document systems, signed packages
// (rsa-sha256 under a benchmark root CA; the hub runs with DOCAXIS_SIGNATURE_POLICY=required), sent over the
// SDK's HTTP calls at maximum rate with concurrency and at a fixed offered rate. Latency is measured from the
// send to the moment the recipient's inbox row (table delivery, what getReceivedEdocList reads) is visible to a
// poller, and to the moment the archived row is; CPU and RSS per process from /proc. In the same run, the raw
// ceiling of this machine: JetStream publish + consume of the same bytes on the same nats-server, and Postgres
// COPY of equivalent rows into the same database.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { AckPolicy, StorageType, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectBus } from '#bus';
import { createRootCa, issueAgencyCert } from '#pki';
import {
  localNatsAdmin,
  natsPidFile,
  readHubState,
  registerInRegistry,
  startHubDetached,
  stopHub,
} from '#local-hub';
import { DocaxisClient } from '#sdk-client';
import { freePort, pgClient } from '#stack';
import { PackageFactory } from './hub-load.packages.mjs';
import { ProcSampler } from './proc-sampler.mjs';
import { profilingEnv, summarizeProfiles } from './cpu-profile.mjs';

const SYSTEMS = 10;
const AGENCIES_PER_SYSTEM = 100;
/** Agencies with a signing certificate (RSA key generation is the slow part of the set-up). */
const SIGNERS_PER_SYSTEM = 8;

const pad2 = (n) => String(n).padStart(2, '0');

function pct(values, p) {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

/** Agencies 000.10.00.H41 … 000.19.99.H41; the first SIGNERS_PER_SYSTEM of each system sign. */
function makeAgencies() {
  const systems = [];
  for (let s = 0; s < SYSTEMS; s++) {
    const agencies = [];
    for (let i = 0; i < AGENCIES_PER_SYSTEM; i++) {
      agencies.push({
        organId: `000.${10 + s}.${pad2(i)}.H41`,
        name: `Đơn vị tải thử ${s}-${i}`,
        systemId: `bench-qlvb-${s}`,
        signer: i < SIGNERS_PER_SYSTEM,
      });
    }
    systems.push({ systemId: `bench-qlvb-${s}`, secret: randomBytes(32).toString('base64url'), agencies });
  }
  return systems;
}

/**
 * Follows the inbox (table delivery, what getReceivedEdocList reads) and the archive for the packages sent,
 * noting when each one's rows became visible. It asks by DocId: rows commit out of id order, so following an
 * id cursor would miss some.
 */
class Tracker {
  constructor(pg) {
    this.pg = pg;
    this.docs = new Map();
    this.pendingVisible = new Set();
    this.pendingArchive = new Set();
    this.running = true;
  }

  start() {
    this.loop = this.poll();
  }

  /** Registers an accepted package (its DocId) expecting `entry.recipients` inbox rows. */
  add(docId, entry) {
    this.docs.set(docId, { ...entry, visibleAt: undefined, archivedAt: undefined });
    this.pendingVisible.add(docId);
    this.pendingArchive.add(docId);
  }

  async poll() {
    while (this.running) {
      if (this.pendingVisible.size) {
        const t = performance.now();
        const rows = (
          await this.pg.query(
            'SELECT doc_id::text AS d, count(*)::int AS n FROM delivery WHERE doc_id = ANY($1::uuid[]) GROUP BY doc_id',
            [[...this.pendingVisible].slice(0, 20000)],
          )
        ).rows;
        for (const { d, n } of rows) {
          const doc = this.docs.get(d);
          if (n >= doc.recipients) {
            doc.visibleAt = t;
            this.pendingVisible.delete(d);
          }
        }
      }
      if (this.pendingArchive.size) {
        const t = performance.now();
        const rows = (
          await this.pg.query(
            'SELECT doc_id::text AS d FROM archived_package WHERE doc_id = ANY($1::uuid[])',
            [[...this.pendingArchive].slice(0, 20000)],
          )
        ).rows;
        for (const { d } of rows) {
          this.pendingArchive.delete(d);
          this.docs.get(d).archivedAt = t;
        }
      }
      await sleep(20);
    }
  }

  async stop() {
    this.running = false;
    await this.loop;
  }
}

/**
 * Sends `items` with `concurrency` callers: as fast as they can, or each at its slot of a fixed offered rate
 * (latency then counts from the slot, so a hub that falls behind is charged for the queue it builds).
 */
async function runPhase(ctx, phase) {
  const { tracker, sampler, clientFor } = ctx;
  const { items, concurrency, rate } = phase;
  const errors = {};
  const acceptMs = [];
  const ids = [];
  const s0 = sampler.sample();
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      const it = items[i];
      const slot = rate ? t0 + (i * 1000) / rate : undefined;
      if (slot !== undefined && slot > performance.now()) await sleep(slot - performance.now());
      const start = slot ?? performance.now();
      try {
        const res = await clientFor(it.from).sendEdoc(it.bytes, { from: it.from, messageType: it.type });
        acceptMs.push(performance.now() - start);
        if (res.duplicate) errors.DUPLICATE = (errors.DUPLICATE ?? 0) + 1;
        tracker.add(res.docId, { sentAt: start, recipients: it.to.length, bytes: it.bytes.length });
        ids.push(res.docId);
      } catch (e) {
        const code = e.code ?? e.name ?? 'ERROR';
        errors[code] = (errors[code] ?? 0) + 1;
        if ((errors[code] ?? 0) === 1) console.log(`  ${phase.name}: first ${code}: ${e.message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const sendSecs = (performance.now() - t0) / 1000;
  const deadline = performance.now() + phase.drainMs;
  const done = () =>
    ids.every((id) => {
      const d = tracker.docs.get(id);
      return d.visibleAt !== undefined && d.archivedAt !== undefined;
    });
  while (!done() && performance.now() < deadline) await sleep(50);
  const s1 = sampler.sample();
  const docs = ids.map((id) => tracker.docs.get(id));
  const visible = docs.filter((d) => d.visibleAt !== undefined);
  const archived = docs.filter((d) => d.archivedAt !== undefined);
  const end = Math.max(t0, ...docs.map((d) => Math.max(d.visibleAt ?? 0, d.archivedAt ?? 0)));
  const complete = docs.filter((d) => d.visibleAt !== undefined && d.archivedAt !== undefined).length;
  const secs = (end - t0) / 1000;
  const result = {
    name: phase.name,
    kind: phase.kind,
    offered: rate ? `${rate}/s` : `max, ${concurrency} callers`,
    sizeKiB: items.length ? items[0].bytes.length / 1024 : 0,
    fanout: items[0]?.to.length ?? 0,
    sent: items.length,
    accepted: ids.length,
    complete,
    errors,
    sendRate: ids.length / sendSecs,
    docsPerSec: complete / secs,
    deliveriesPerSec: (complete * (items[0]?.to.length ?? 1)) / secs,
    mibPerSec: docs.reduce((a, d) => a + d.bytes, 0) / 2 ** 20 / secs,
    accept: [50, 95, 99].map((p) => pct(acceptMs, p)),
    visible: [50, 95, 99].map((p) =>
      pct(
        visible.map((d) => d.visibleAt - d.sentAt),
        p,
      ),
    ),
    archived: [50, 95, 99].map((p) =>
      pct(
        archived.map((d) => d.archivedAt - d.sentAt),
        p,
      ),
    ),
    procs: sampler.window(s0, s1),
  };
  console.log(
    `  ${phase.name}: ${complete}/${items.length} complete in ${secs.toFixed(1)} s → ${result.docsPerSec.toFixed(0)} docs/s; ` +
      `visible p50/p95/p99 ${result.visible.map((v) => v.toFixed(0)).join('/')} ms, archived p99 ${result.archived[2].toFixed(0)} ms` +
      (complete < ids.length
        ? `; after ${phase.drainMs / 1000} s still not visible ${ids.length - visible.length}, not archived ${ids.length - archived.length}`
        : '') +
      (Object.keys(errors).length ? `; errors ${JSON.stringify(errors)}` : ''),
  );
  return result;
}

/** JetStream publish (acked, file storage, Nats-Msg-Id) then consume (explicit ack) of `count` × `payload`. */
async function jetstreamCeiling(natsUrl, auth, payload, count) {
  const nc = await connectBus(natsUrl, 'docaxis-bench-raw', auth);
  try {
    const jsm = await jetstreamManager(nc);
    const name = `BENCH_RAW_${Date.now()}`;
    await jsm.streams.add({ name, subjects: [`bench.raw.${name}`], storage: StorageType.File });
    const js = jetstream(nc);
    let t = performance.now();
    const window = [];
    for (let i = 0; i < count; i++) {
      window.push(js.publish(`bench.raw.${name}`, payload, { msgID: randomUUID() }));
      if (window.length >= 256) await Promise.all(window.splice(0));
    }
    await Promise.all(window);
    const publishPerSec = count / ((performance.now() - t) / 1000);
    await jsm.consumers.add(name, { durable_name: 'bench', ack_policy: AckPolicy.Explicit });
    const consumer = await js.consumers.get(name, 'bench');
    t = performance.now();
    const msgs = await consumer.consume({ max_messages: 1000 });
    let n = 0;
    for await (const m of msgs) {
      m.ack();
      if (++n === count) break;
    }
    const consumePerSec = count / ((performance.now() - t) / 1000);
    await jsm.streams.delete(name);
    // A package is published once and consumed by two durable consumers (router, archive).
    const pipelinePerSec = 1 / (1 / publishPerSec + 2 / consumePerSec);
    return { publishPerSec, consumePerSec, pipelinePerSec };
  } finally {
    await nc.close();
  }
}

/** COPY of `count` archive rows (with the package bytes) and their inbox rows, from files, into the hub's DB. */
async function copyCeiling(pg, dir, payload, count) {
  chmodSync(dir, 0o755);
  const pkgFile = path.join(dir, 'copy-packages.tsv');
  const dlvFile = path.join(dir, 'copy-deliveries.tsv');
  const hex = `\\\\x${payload.toString('hex')}`;
  const meta = JSON.stringify({ subject: 'V/v tải thử', to: ['000.10.01.H41'] });
  const pk = createWriteStream(pkgFile);
  const dl = createWriteStream(dlvFile);
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    if (
      !pk.write(
        `${id}\tedoc\t000.10.00.H41\t${'a'.repeat(64)}\t${payload.length}\t${hex}\tdoc-${i}\t${meta}\n`,
      )
    )
      await once(pk, 'drain');
    dl.write(`${id}\tedoc\t000.10.00.H41\t000.10.01.H41\tpending\n`);
  }
  pk.end();
  dl.end();
  await Promise.all([once(pk, 'finish'), once(dl, 'finish')]);
  chmodSync(pkgFile, 0o644);
  chmodSync(dlvFile, 0o644);
  await pg.query(
    'CREATE TEMP TABLE bench_pkg (doc_id uuid PRIMARY KEY, message_type text, sender_organ_id text, ' +
      'sha256 char(64), size_bytes bigint, content bytea, document_id text, metadata jsonb, ' +
      'archived_at timestamptz DEFAULT now())',
  );
  await pg.query(
    'CREATE TEMP TABLE bench_dlv (id bigserial PRIMARY KEY, doc_id uuid, message_type text, ' +
      'sender_organ_id text, recipient_organ_id text, state text, created_at timestamptz DEFAULT now())',
  );
  const t = performance.now();
  await pg.query('BEGIN');
  await pg.query(
    `COPY bench_pkg (doc_id, message_type, sender_organ_id, sha256, size_bytes, content, document_id, metadata) FROM '${pkgFile}'`,
  );
  await pg.query(
    `COPY bench_dlv (doc_id, message_type, sender_organ_id, recipient_organ_id, state) FROM '${dlvFile}'`,
  );
  await pg.query('COMMIT');
  const rowsPerSec = count / ((performance.now() - t) / 1000);
  await pg.query('DROP TABLE bench_pkg, bench_dlv');
  return { rowsPerSec };
}

/** The hub's process groups for the sampler. */
function processGroups(stateDir) {
  let pgPid;
  try {
    pgPid = Number(readFileSync(path.join(stateDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    pgPid = undefined;
  }
  let natsPid;
  try {
    natsPid = Number(readFileSync(natsPidFile(stateDir), 'utf8').trim());
  } catch {
    natsPid = undefined;
  }
  return () => {
    const s = readHubState(stateDir);
    return {
      ...Object.fromEntries(Object.entries(s?.services ?? {}).map(([n, v]) => [n, { pid: v.pid }])),
      'nats-server': { pid: natsPid },
      postgres: { pid: pgPid, tree: true },
      'load generator': { pid: process.pid },
    };
  };
}

export async function hubLoadBenchmark({ dir, quick, profile }) {
  const q = quick;
  const stateDir = path.join(dir, 'hub');
  mkdirSync(stateDir, { recursive: true });
  chmodSync(dir, 0o755);
  const log = (l) => console.log(`[hub-load] ${l}`);
  const t0 = performance.now();

  const systems = makeAgencies();
  const agencies = systems.flatMap((s) => s.agencies);
  const signers = agencies.filter((a) => a.signer);
  const root = createRootCa({ commonName: 'docaxis bench root CA', keyBits: 2048 });
  const certs = new Map(
    signers.map((a) => [a.organId, issueAgencyCert(root, { organId: a.organId, organName: a.name })]),
  );
  const trustFile = path.join(dir, 'bench-root.pem');
  writeFileSync(trustFile, root.certPem);
  log(
    `${agencies.length} agencies, ${signers.length} with signing certificates (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );

  const profileDir = path.join(dir, 'profiles');
  if (profile) {
    mkdirSync(profileDir, { recursive: true });
    const env = profilingEnv(profileDir);
    process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${env.NODE_OPTIONS}`.trim();
    process.env.DOCAXIS_BENCH_PROFILE_DIR = env.DOCAXIS_BENCH_PROFILE_DIR;
  }
  Object.assign(process.env, {
    DOCAXIS_SIGNATURE_POLICY: 'required',
    DOCAXIS_TRUST_ANCHORS: trustFile,
    DOCAXIS_GATEWAY_PORT: String(await freePort()),
  });
  const hub = await startHubDetached(stateDir);
  log(
    `hub ready: gateway ${hub.gatewayUrl}, NATS ${hub.natsUrl} (${((performance.now() - t0) / 1000).toFixed(1)} s)`,
  );
  const auth = localNatsAdmin(stateDir);
  const pg = await pgClient(hub.databaseUrl);
  await pg.connect();
  const sampler = new ProcSampler(processGroups(stateDir));
  const result = {};
  try {
    await registerInRegistry(
      hub.natsUrl,
      systems.map((s) => ({ systemId: s.systemId, name: `Bench system ${s.systemId}`, secret: s.secret })),
      agencies.map((a) => ({
        organId: a.organId,
        name: a.name,
        systemId: a.systemId,
        parentOrganId: '000.00.00.H41',
      })),
      auth,
    );
    const clients = new Map(
      systems.map((s) => [
        s.systemId,
        new DocaxisClient({ baseUrl: hub.gatewayUrl, systemId: s.systemId, secret: s.secret }),
      ]),
    );
    const bySystem = new Map(agencies.map((a) => [a.organId, a.systemId]));
    const clientFor = (organId) => clients.get(bySystem.get(organId));
    const factory = new PackageFactory((organId) => certs.get(organId), randomBytes(3).toString('hex'));
    const pick = (list, i) => list[i % list.length];
    const docs = (n, size, fanout, offset = 0) =>
      Array.from({ length: n }, (_, i) => {
        const from = pick(signers, i + offset);
        const to =
          fanout === 1
            ? [pick(signers, i + offset + 7)]
            : Array.from({ length: fanout }, (_, k) =>
                pick(agencies, (i * 53 + k * 17 + 1) % agencies.length),
              ).filter((a, k, all) => a.organId !== from.organId && all.indexOf(a) === k);
        return { ...factory.document(from, to, size), type: 'edoc' };
      });

    const N20 = q ? 1000 : 3000;
    const tSign = performance.now();
    const batch20 = docs(N20, 20 * 1024, 1);
    const signSecs = (performance.now() - tSign) / 1000;
    log(
      `signed ${N20} documents of ${(batch20[0].bytes.length / 1024).toFixed(1)} KiB in ${signSecs.toFixed(1)} s`,
    );

    // Raw ceiling, on the idle hub's own nats-server and Postgres.
    const rawCount = q ? 2000 : 5000;
    const js = await jetstreamCeiling(hub.natsUrl, auth, batch20[0].bytes, rawCount);
    const copy = await copyCeiling(pg, dir, batch20[0].bytes, rawCount);
    const ceiling = Math.min(js.pipelinePerSec, copy.rowsPerSec);
    log(
      `raw ceiling: JetStream publish ${js.publishPerSec.toFixed(0)}/s, consume ${js.consumePerSec.toFixed(0)}/s ` +
        `(publish + 2 consumes ${js.pipelinePerSec.toFixed(0)}/s); Postgres COPY ${copy.rowsPerSec.toFixed(0)} rows/s`,
    );

    const tracker = new Tracker(pg);
    tracker.start();
    const ctx = { tracker, sampler, clientFor };
    const drainMs = q ? 30_000 : 90_000;
    const rows = [];
    // Every load's packages are signed before the first one starts: signing blocks this process for seconds,
    // and pooled HTTP connections left idle meanwhile past the gateway's keep-alive were found closed at the
    // next load's first sends ('fetch failed', one per caller).
    const warmItems = docs(200, 20 * 1024, 1, 3);
    const rateItems = [docs(q ? 400 : 1500, 20 * 1024, 1, 11), docs(q ? 400 : 1500, 20 * 1024, 1, 13)];
    const statuses = batch20.map((d) => ({
      ...factory.status(
        agencies.find((a) => a.organId === d.to[0].organId),
        d,
      ),
      type: 'status',
    }));
    const bigItems = docs(q ? 10 : 40, 2 * 1024 * 1024, 1, 5);
    const fanItems = new Map([10, 50].map((fan) => [fan, docs(q ? 30 : 100, 20 * 1024, fan, fan)]));
    // Warm-up (JIT, connection pools, prepared statements), not reported.
    await runPhase(ctx, { name: 'warm-up', items: warmItems, concurrency: 16, drainMs });
    rows.push(
      await runPhase(ctx, {
        name: '20 KB documents, max rate',
        kind: 'doc20',
        items: batch20,
        concurrency: 64,
        drainMs,
      }),
    );
    const max20 = rows[0].docsPerSec;
    const fixed = [Math.max(10, Math.round(max20 * 0.5)), 1000];
    for (const [k, rate] of fixed.entries()) {
      const n = Math.min(Math.round(rate * (q ? 4 : 10)), q ? 400 : 1500);
      rows.push(
        await runPhase(ctx, {
          name: `20 KB documents, ${rate}/s offered`,
          kind: 'doc20-rate',
          items: rateItems[k].slice(0, n),
          concurrency: 64,
          rate,
          drainMs,
        }),
      );
    }
    rows.push(
      await runPhase(ctx, {
        name: 'status packages, max rate',
        kind: 'status',
        items: statuses,
        concurrency: 64,
        drainMs,
      }),
    );
    rows.push(
      await runPhase(ctx, {
        name: '2 MB documents, max rate',
        kind: 'doc2m',
        items: bigItems,
        concurrency: 4,
        drainMs,
      }),
    );
    for (const fan of [10, 50]) {
      rows.push(
        await runPhase(ctx, {
          name: `20 KB documents to ${fan} recipients, max rate`,
          kind: `fan${fan}`,
          items: fanItems.get(fan),
          concurrency: 16,
          drainMs,
        }),
      );
    }
    await tracker.stop();
    Object.assign(result, {
      rows,
      ceiling: { ...js, copyRowsPerSec: copy.rowsPerSec, docsPerSec: ceiling, count: rawCount },
      signing: { perSec: factory.signed / (factory.signMs / 1000) },
      agencies: agencies.length,
      systems: systems.length,
      signers: signers.length,
      totalSecs: (performance.now() - t0) / 1000,
    });
  } finally {
    sampler.stop();
    await pg.end().catch(() => undefined);
    const pids = Object.fromEntries(
      Object.entries(readHubState(stateDir)?.services ?? {}).map(([n, v]) => [n, v.pid]),
    );
    await stopHub(stateDir);
    if (profile) result.profiles = summarizeProfiles(profileDir, pids);
  }
  return result;
}
