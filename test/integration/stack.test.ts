// Proves the test stack from global-setup.ts (and the #stack helpers behind it and `docaxis up`) works.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { freePort, NATS_MAX_PAYLOAD, pgClient, startEmbeddedPostgres, startNatsServer } from '#stack';
import { adminDatabaseUrl, createTestDatabase, type TestDatabase } from '../support/db.js';
import { natsUrl } from '../support/nats.js';

const TEN_MB = 10 * 1024 * 1024;
const portOf = (url: string) => Number(new URL(url).port);

async function queryOne(url: string, sql: string): Promise<Record<string, unknown>> {
  const client = await pgClient(url);
  await client.connect();
  try {
    return (await client.query(sql)).rows[0];
  } finally {
    await client.end();
  }
}

describe('NATS from the test stack', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connect({ servers: natsUrl() });
  });
  afterAll(async () => {
    await nc?.close();
  });

  it('has JetStream and the raised max_payload', async () => {
    const info = await (await jetstreamManager(nc)).getAccountInfo();
    expect(info.limits).toBeDefined();
    expect(nc.info?.max_payload).toBe(NATS_MAX_PAYLOAD);
  });

  it('carries a 10 MB message over core NATS', async () => {
    const subject = `stack.test.${process.pid}.big`;
    const sub = nc.subscribe(subject, { max: 1 });
    const payload = new Uint8Array(TEN_MB).fill(7);
    payload[TEN_MB - 1] = 42;
    nc.publish(subject, payload);
    for await (const msg of sub) {
      expect(msg.data.length).toBe(TEN_MB);
      expect(msg.data[TEN_MB - 1]).toBe(42);
    }
  });

  it('stores a 10 MB message in a JetStream stream', async () => {
    const jsm = await jetstreamManager(nc);
    const name = `STACK_TEST_${process.pid}`;
    await jsm.streams.add({ name, subjects: [`stacktest.${process.pid}.>`] });
    try {
      const ack = await jetstream(nc).publish(`stacktest.${process.pid}.doc`, new Uint8Array(TEN_MB));
      const stored = await jsm.streams.getMessage(name, { seq: ack.seq });
      expect(stored?.data.length).toBe(TEN_MB);
    } finally {
      await jsm.streams.delete(name);
    }
  });

  const started = process.env.DOCAXIS_TEST_STARTED_NATS === '1';
  (started ? it : it.skip)('runs on a free port, not the default 4222', () => {
    expect(portOf(natsUrl())).not.toBe(4222);
  });
});

describe('Postgres from the test stack', () => {
  let db: TestDatabase;
  let other: TestDatabase;
  beforeAll(async () => {
    [db, other] = await Promise.all([createTestDatabase('stack'), createTestDatabase('stack')]);
  });
  afterAll(async () => {
    await Promise.all([db?.drop(), other?.drop()]);
  });

  it('answers select 1', async () => {
    expect(await queryOne(adminDatabaseUrl(), 'select 1 as one')).toEqual({ one: 1 });
  });

  it('gives each createTestDatabase call its own database', async () => {
    expect(db.name).not.toBe(other.name);
    expect(await queryOne(db.url, 'select current_database() as name')).toEqual({ name: db.name });
    await queryOne(db.url, 'create table only_here (id int)');
    const seen = await queryOne(other.url, "select to_regclass('only_here') as t");
    expect(seen.t).toBeNull();
  });

  it('drop() removes the database', async () => {
    const scratch = await createTestDatabase('scratch');
    await scratch.drop();
    const found = await queryOne(
      adminDatabaseUrl(),
      `select count(*)::int as n from pg_database where datname = '${scratch.name}'`,
    );
    expect(found.n).toBe(0);
  });

  const started = process.env.DOCAXIS_TEST_STARTED_POSTGRES === '1';
  (started ? it : it.skip)('runs on a free port, not the default 5432', () => {
    expect(portOf(adminDatabaseUrl())).not.toBe(5432);
  });
});

describe('stack helpers', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'docaxis-stack-test-'));
    chmodSync(dir, 0o755); // reachable by the "postgres" OS user when running as root
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('freePort avoids the default NATS and Postgres ports and hands out distinct ports', async () => {
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    expect(new Set(ports).size).toBe(3);
    for (const port of ports) expect([4222, 5432]).not.toContain(port);
  });

  it('restarts embedded Postgres on an existing data dir and keeps its data', async () => {
    const dataDir = join(dir, 'pg');
    const first = await startEmbeddedPostgres({ dataDir, durable: false });
    try {
      await queryOne(first.url, 'create table kept (v text)');
      await queryOne(first.url, "insert into kept values ('still here')");
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedPostgres({ dataDir, durable: false });
    try {
      expect(second.port).not.toBe(5432);
      expect(await queryOne(second.url, 'select v from kept')).toEqual({ v: 'still here' });
    } finally {
      await second.stop();
    }
  }, 60_000);

  it('refuses a port that is taken and stops nats-server cleanly', async () => {
    const nats = await startNatsServer({ storeDir: join(dir, 'nats-a') });
    try {
      await expect(startNatsServer({ storeDir: join(dir, 'nats-b'), port: nats.port })).rejects.toThrow(
        /already listening/,
      );
    } finally {
      await nats.stop();
    }
    expect(nats.process.exitCode ?? nats.process.signalCode).not.toBeNull();
  }, 30_000);
});
