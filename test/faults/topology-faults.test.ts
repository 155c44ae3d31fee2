// The fault suite across axes (`npm run test:faults`): a national axis and one province started by the CLI;
// an agency of the province sends to a ministry at the national axis under steady load while the province's
// connector is killed, the national gateway is killed and the link to the national axis is cut and restored.
// Afterwards each document reached the ministry exactly once and each axis archived it once.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { findAxis, isAlive, readTopologyState, topologyClient, type TopologyState } from '#local-hub';
import { pgClient, type PgClient } from '#stack';
import { SteadyLoad, sleep, until } from './fault.harness.js';

const run = promisify(execFile);
const cli = resolve('bin/docaxis.js');
const A = '000.00.01.H41';
const M = '000.00.00.G09';
const say = (l: string): void => void process.stdout.write(`[faults] ${l}\n`);

describe('fault suite across axes (national+1)', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'docaxis-faults-topo-'));
  const { NATS_URL: _n, DATABASE_URL: _d, DOCAXIS_GATEWAY_PORT: _p, ...inherited } = process.env;
  const env = { ...inherited, DOCAXIS_CONNECTOR_POLL_MS: '250' };
  const docaxis = (...args: string[]) =>
    run(process.execPath, [cli, '--state-dir', stateDir, ...args], { env, timeout: 300_000 });
  let topo: TopologyState;
  let provinceDb: PgClient;
  let nationalDb: PgClient;

  beforeAll(async () => {
    chmodSync(stateDir, 0o755); // Postgres runs as its own user when we are root
    await docaxis('up', '--topology', 'national+1', '--no-demo');
    topo = readTopologyState(stateDir)!;
    provinceDb = await pgClient(findAxis(topo, 'h41')!.databaseUrl);
    nationalDb = await pgClient(findAxis(topo, 'national')!.databaseUrl);
    await provinceDb.connect();
    await nationalDb.connect();
  }, 400_000);

  afterAll(async () => {
    await provinceDb?.end().catch(() => undefined);
    await nationalDb?.end().catch(() => undefined);
    await docaxis('down').catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
  }, 200_000);

  /** kill -9 a service of an axis; resolves once the topology supervisor has started it again. */
  const kill = async (axisKey: string, service: string): Promise<void> => {
    const pidOf = () => findAxis(readTopologyState(stateDir)!, axisKey)!.services[service]?.pid;
    const before = pidOf();
    process.kill(before, 'SIGKILL');
    await until(
      `${axisKey} ${service} restarted`,
      async () => pidOf() !== before && isAlive(pidOf()),
      30_000,
    );
  };

  it('delivers every document across the link exactly once through connector crashes and link cuts', async () => {
    const load = new SteadyLoad({ sender: topologyClient(topo, A).client, from: A, to: [M] }, 2);
    const step = async (what: string, act: () => Promise<unknown>, pauseMs = 4_000): Promise<void> => {
      const before = load.accepted.size;
      await act();
      await sleep(pauseMs);
      say(`${what}: done; ${load.accepted.size} accepted so far (${load.accepted.size - before} meanwhile)`);
    };
    load.start();
    await sleep(3_000);
    for (let round = 0; round < 2; round++) {
      await step('kill -9 h41 connector', () => kill('h41', 'connector'));
      await step('link cut h41', () => docaxis('link', 'cut', 'h41'), 8_000);
      await step('link restore h41', () => docaxis('link', 'restore', 'h41'));
      await step('kill -9 national gateway', () => kill('national', 'gateway'));
      await step('kill -9 national router', () => kill('national', 'router'));
    }
    await load.stop();

    const documentIds = [...load.accepted.keys()];
    const docIds = [...load.accepted.values()];
    const perDocument = async (db: PgClient, sql: string, ids: string[]): Promise<Map<string, number>> =>
      new Map(((await db.query(sql, [ids])).rows as { id: string; n: number }[]).map((r) => [r.id, r.n]));
    const allOnce = (m: Map<string, number>, ids: string[]): string[] =>
      ids.filter((id) => m.get(id) !== 1).map((id) => `${id}: ${m.get(id) ?? 0}`);

    // Each document reaches the ministry's inbox once (the connector's retries are idempotent).
    const inbox = await until(
      'every document in the ministry inbox',
      async () => {
        const seen = new Map<string, number>();
        let after: string | undefined;
        do {
          const page = await topologyClient(topo, M).client.getReceivedEdocList({
            messageType: 'edoc',
            agency: M,
            limit: 1000,
            after,
          });
          for (const i of page.items) seen.set(i.documentId, (seen.get(i.documentId) ?? 0) + 1);
          after = page.next;
        } while (after);
        return documentIds.every((id) => seen.has(id)) ? seen : null;
      },
      240_000,
    ).catch(() => new Map<string, number>());
    const nationalSubmissions = await perDocument(
      nationalDb,
      `SELECT document_id AS id, count(*)::int AS n FROM submission WHERE message_type = 'edoc' AND document_id = ANY($1) GROUP BY 1`,
      documentIds,
    );
    const nationalArchived = await perDocument(
      nationalDb,
      `SELECT document_id AS id, count(*)::int AS n FROM archived_package WHERE message_type = 'edoc' AND document_id = ANY($1) GROUP BY 1`,
      documentIds,
    );
    const forwarded = await until(
      'every copy marked forwarded at the province',
      async () => {
        const m = await perDocument(
          provinceDb,
          `SELECT doc_id::text AS id, count(*)::int AS n FROM delivery WHERE state = 'forwarded' AND recipient_organ_id = '${M}' AND doc_id = ANY($1::uuid[]) GROUP BY 1`,
          docIds,
        );
        return docIds.every((id) => m.get(id) === 1) ? m : null;
      },
      60_000,
    ).catch(() => new Map<string, number>());
    const provinceArchived = await perDocument(
      provinceDb,
      'SELECT doc_id::text AS id, count(*)::int AS n FROM archived_package WHERE doc_id = ANY($1::uuid[]) GROUP BY 1',
      docIds,
    );
    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    say(
      `national+1: accepted ${documentIds.length} at h41 (send retries ${load.retries}); in ${M}'s inbox ` +
        `${sum(inbox)}; national submissions ${sum(nationalSubmissions)}, archived ${sum(nationalArchived)}; ` +
        `h41 forwarded ${sum(forwarded)}, archived ${sum(provinceArchived)}`,
    );

    expect(documentIds.length).toBeGreaterThan(0);
    expect(allOnce(inbox, documentIds)).toEqual([]);
    expect(allOnce(nationalSubmissions, documentIds)).toEqual([]);
    expect(allOnce(nationalArchived, documentIds)).toEqual([]);
    expect(allOnce(forwarded, docIds)).toEqual([]);
    expect(allOnce(provinceArchived, docIds)).toEqual([]);
  }, 1_200_000);
});
