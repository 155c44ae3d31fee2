// One large signed package end to end through a whole local hub (NATS, Postgres, registry, router, archive and
// gateway as processes, in a temporary state dir): build a ~100 MB edXML document (one attachment of random
// bytes), sign it (XML-DSig, rsa-sha256, under a benchmark root CA the hub trusts), send it with the SDK client,
// wait until the recipient's inbox row (table delivery) and the archived row are visible, fetch it back with
// getEdoc and check its SHA-256. Reports each service's RSS before the send and its peak during (ProcSampler,
// /proc), against the 64 MB growth target, and what failed if something did.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createRootCa, issueAgencyCert } from '#pki';
import {
  buildDemoDocument,
  localNatsAdmin,
  natsPidFile,
  readHubState,
  registerInRegistry,
  startHubDetached,
  stopHub,
} from '#local-hub';
import { DocaxisClient } from '#sdk-client';
import { freePort, pgClient } from '#stack';
import { signEnveloped } from '#xmldsig';
import { ProcSampler } from './proc-sampler.mjs';

/** The growth target of issue 6: no service's RSS may grow more than this while one such package passes. */
export const RSS_GROWTH_TARGET_MIB = 64;

const SENDER = { organId: '000.20.00.H41', name: 'Đơn vị gửi (gói lớn)', systemId: 'bench-large-a' };
const RECIPIENT = { organId: '000.20.01.H41', name: 'Đơn vị nhận (gói lớn)', systemId: 'bench-large-b' };

/** The hub's process groups for the sampler (as in hub-load.bench.mjs). */
function processGroups(stateDir) {
  const pidOf = (file, parse) => {
    try {
      return parse(readFileSync(file, 'utf8'));
    } catch {
      return undefined;
    }
  };
  const pgPid = pidOf(path.join(stateDir, 'postgres', 'postmaster.pid'), (s) => Number(s.split('\n')[0]));
  const natsPid = pidOf(natsPidFile(stateDir), (s) => Number(s.trim()));
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

/**
 * A signed document of about `targetBytes`. The attachment's random bytes, its base64 and the unsigned XML are
 * each garbage as soon as the next form exists, and only the signed bytes are kept (signing parses the whole
 * document: that peak is the load generator's, not the hub's).
 */
function buildLargeDocument(signer, targetBytes) {
  const date = new Date();
  const codeNumber = `L${randomBytes(3).toString('hex')}`;
  // base64 is 4/3 of the bytes; leave ~8 KB for the envelope and the signature with its certificate.
  const payload = Math.max(0, Math.floor(((targetBytes - 8 * 1024) * 3) / 4));
  const unsigned = buildDemoDocument({
    from: SENDER,
    to: [RECIPIENT],
    codeNumber,
    codeNotation: 'UBND-VP',
    subject: `V/v gửi hồ sơ dung lượng lớn (tải thử ${codeNumber})`,
    date,
    attachment: {
      name: 'ho-so.pdf',
      description: 'Hồ sơ',
      contentType: 'application/pdf',
      bytes: randomBytes(payload),
    },
  });
  // The unsigned bytes are garbage once signed: only the signed copy leaves this function.
  return { bytes: signEnveloped(unsigned.bytes, signer), documentId: unsigned.documentId };
}

const mib = (b) => b / 2 ** 20;

export async function largePackageBenchmark({ dir, sizeMiB = 100 }) {
  const stateDir = path.join(dir, 'hub');
  mkdirSync(stateDir, { recursive: true });
  chmodSync(dir, 0o755);
  const log = (l) => console.log(`[large-package] ${l}`);
  const t0 = performance.now();
  const result = { sizeMiB, steps: {}, failed: undefined, procs: {} };

  const root = createRootCa({ commonName: 'docaxis bench root CA (large package)', keyBits: 2048 });
  const cert = issueAgencyCert(root, { organId: SENDER.organId, organName: SENDER.name });
  const trustFile = path.join(dir, 'bench-root.pem');
  writeFileSync(trustFile, root.certPem);

  let t = performance.now();
  let doc = buildLargeDocument(cert, sizeMiB * 2 ** 20);
  const sha256 = createHash('sha256').update(doc.bytes).digest('hex');
  result.bytes = doc.bytes.length;
  result.steps.buildAndSignMs = performance.now() - t;
  log(
    `built and signed ${mib(doc.bytes.length).toFixed(1)} MiB in ${(result.steps.buildAndSignMs / 1000).toFixed(1)} s`,
  );

  Object.assign(process.env, {
    DOCAXIS_TRUST_ANCHORS: trustFile,
    DOCAXIS_GATEWAY_PORT: String(await freePort()),
  });
  const hub = await startHubDetached(stateDir);
  log(`hub ready: gateway ${hub.gatewayUrl} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  const auth = localNatsAdmin(stateDir);
  const pg = await pgClient(hub.databaseUrl);
  await pg.connect();
  const sampler = new ProcSampler(processGroups(stateDir), 100);
  try {
    const secrets = { a: randomBytes(32).toString('base64url'), b: randomBytes(32).toString('base64url') };
    await registerInRegistry(
      hub.natsUrl,
      [
        { systemId: SENDER.systemId, name: 'Bench large sender', secret: secrets.a },
        { systemId: RECIPIENT.systemId, name: 'Bench large recipient', secret: secrets.b },
      ],
      [SENDER, RECIPIENT].map((a) => ({
        organId: a.organId,
        name: a.name,
        systemId: a.systemId,
        parentOrganId: '000.00.00.H41',
      })),
      auth,
    );
    const sender = new DocaxisClient({
      baseUrl: hub.gatewayUrl,
      systemId: SENDER.systemId,
      secret: secrets.a,
    });
    const recipient = new DocaxisClient({
      baseUrl: hub.gatewayUrl,
      systemId: RECIPIENT.systemId,
      secret: secrets.b,
    });
    // Let the idle services settle (JIT, pools) so "before" is their resting size.
    await sleep(3000);
    const s0 = sampler.sample();
    const step = async (name, fn) => {
      const start = performance.now();
      try {
        return await fn();
      } finally {
        result.steps[name] = performance.now() - start;
      }
    };
    const tSend = performance.now();
    let docId;
    try {
      const res = await step('sendMs', () =>
        sender.sendEdoc(doc.bytes, { from: SENDER.organId, messageType: 'edoc' }),
      );
      docId = res.docId;
      result.signature = res.signature;
      log(
        `accepted as ${docId} in ${(result.steps.sendMs / 1000).toFixed(1)} s, signature ${res.signature?.verdict}`,
      );
    } catch (e) {
      result.failed = `sendEdoc: ${e.code ?? e.name}: ${e.message}`;
    }
    doc = { documentId: doc.documentId };
    if (docId) {
      const deadline = performance.now() + 300_000;
      let visibleAt;
      let archivedAt;
      while ((!visibleAt || !archivedAt) && performance.now() < deadline) {
        const now = performance.now();
        if (!visibleAt) {
          const r = await pg.query(
            `SELECT count(*)::int AS n FROM delivery WHERE doc_id = $1 AND state IN ('pending', 'processing')`,
            [docId],
          );
          if (r.rows[0].n >= 1) visibleAt = now;
        }
        if (!archivedAt) {
          const r = await pg.query('SELECT 1 FROM archived_package WHERE doc_id = $1', [docId]);
          if (r.rows.length) archivedAt = now;
        }
        await sleep(50);
      }
      if (visibleAt) result.steps.sendToVisibleMs = visibleAt - tSend;
      if (archivedAt) result.steps.sendToArchivedMs = archivedAt - tSend;
      if (!visibleAt || !archivedAt) {
        result.failed = `after 300 s: ${visibleAt ? '' : 'not in the inbox; '}${archivedAt ? '' : 'not archived'}`;
        const dlq = await pg
          .query('SELECT state, failure_code, failure_reason FROM delivery WHERE doc_id = $1', [docId])
          .catch(() => ({ rows: [] }));
        if (dlq.rows.length) result.failed += `; delivery rows ${JSON.stringify(dlq.rows)}`;
      } else {
        log(
          `visible after ${(result.steps.sendToVisibleMs / 1000).toFixed(1)} s, archived after ${(result.steps.sendToArchivedMs / 1000).toFixed(1)} s`,
        );
        await sleep(1000);
        result.fetchFrom = sampler.sample();
        try {
          const got = await step('getEdocMs', () => recipient.getEdoc(docId));
          const gotSha = createHash('sha256').update(got).digest('hex');
          result.fetchedBytes = got.length;
          result.identical = gotSha === sha256;
          if (!result.identical) result.failed = `getEdoc: SHA-256 ${gotSha}, sent ${sha256}`;
          log(
            `fetched ${mib(got.length).toFixed(1)} MiB in ${(result.steps.getEdocMs / 1000).toFixed(1)} s, identical: ${result.identical}`,
          );
        } catch (e) {
          result.failed = `getEdoc: ${e.code ?? e.name}: ${e.message}`;
        }
      }
    }
    result.steps.endToEndMs = performance.now() - tSend;
    await sleep(1000);
    const s1 = sampler.sample();
    const w = sampler.window(s0, s1);
    // Where the peak was: while the package went in (send → archived), or while it was fetched.
    const inbound = result.fetchFrom ? sampler.window(s0, result.fetchFrom) : w;
    const fetch = result.fetchFrom ? sampler.window(result.fetchFrom, s1) : undefined;
    for (const [name, p] of Object.entries(w)) {
      result.procs[name] = {
        beforeMiB: p.rssStartMiB,
        peakMiB: p.rssMiB,
        growthMiB: p.rssMiB - p.rssStartMiB,
        inboundGrowthMiB: inbound[name].rssMiB - p.rssStartMiB,
        fetchGrowthMiB: fetch ? fetch[name].rssMiB - p.rssStartMiB : undefined,
        cpu: p.cpu,
      };
    }
  } finally {
    sampler.stop();
    await pg.end().catch(() => undefined);
    await stopHub(stateDir);
  }
  result.totalSecs = (performance.now() - t0) / 1000;
  printLargePackageReport(result);
  return result;
}

/** Markdown for docs/benchmarks.md (pasted by hand into its "Large package" section). */
export function printLargePackageReport(r) {
  const f = (ms) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
  const lines = [
    `package: ${mib(r.bytes ?? 0).toFixed(1)} MiB signed edXML; ` +
      (r.failed ? `**failed**: ${r.failed}` : `byte-identical after getEdoc: ${r.identical}`),
    `signature verdict: ${r.signature ? [r.signature.verdict, r.signature.code].filter(Boolean).join(' ') : '—'}`,
    '',
    `| step | time |`,
    `| --- | ---: |`,
    `| build + sign (load generator) | ${f(r.steps.buildAndSignMs)} |`,
    `| sendEdoc answered | ${f(r.steps.sendMs)} |`,
    `| send → visible in the inbox | ${f(r.steps.sendToVisibleMs)} |`,
    `| send → archived | ${f(r.steps.sendToArchivedMs)} |`,
    `| getEdoc (octet-stream) | ${f(r.steps.getEdocMs)} |`,
    `| end to end (send → fetched) | ${f(r.steps.endToEndMs)} |`,
    '',
    `| process | RSS before (MiB) | peak (MiB) | growth (MiB) | growth in / fetch (MiB) | within ${RSS_GROWTH_TARGET_MIB} MB | CPU % |`,
    `| --- | ---: | ---: | ---: | ---: | :---: | ---: |`,
    ...Object.entries(r.procs).map(
      ([n, p]) =>
        `| ${n} | ${p.beforeMiB.toFixed(0)} | ${p.peakMiB.toFixed(0)} | ${p.growthMiB.toFixed(0)} | ` +
        `${p.inboundGrowthMiB.toFixed(0)} / ${p.fetchGrowthMiB === undefined ? '—' : p.fetchGrowthMiB.toFixed(0)} | ` +
        `${n === 'load generator' ? 'n/a' : p.growthMiB <= RSS_GROWTH_TARGET_MIB ? 'yes' : '**no**'} | ${p.cpu.toFixed(0)} |`,
    ),
  ];
  console.log(lines.join('\n'));
}
