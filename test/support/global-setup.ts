// Jest globalSetup for the integration project: gives every run its own NATS (JetStream) and Postgres on
// free ports, unless NATS_URL / DATABASE_URL name servers to use instead. Workers inherit process.env;
// DOCAXIS_TEST_STARTED_NATS / _POSTGRES=1 tell tests which of the two this setup started itself.
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { register } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningNatsServer, RunningPostgres } from '../../libs/stack/src/index.js';

/** What global-teardown.ts stops; both hooks run in jest's main process and share globalThis. */
export interface TestStack {
  dir: string;
  /** Variables this setup set, unset again by teardown so a re-run (watch mode) starts afresh. */
  env: string[];
  nats?: RunningNatsServer;
  postgres?: RunningPostgres;
}
export const TEST_STACK = Symbol.for('docaxis.testStack');

export default async function globalSetup(): Promise<void> {
  // Jest loads this file with Node's loader, which cannot import our .ts sources without these hooks.
  register('./ts-hooks.mjs', import.meta.url);
  const stack = await import('../../libs/stack/src/index.js');

  const dir = mkdtempSync(join(tmpdir(), 'docaxis-test-'));
  // As root, Postgres runs as the "postgres" user, which must be able to enter this directory.
  chmodSync(dir, 0o755);
  const handle: TestStack = { dir, env: [] };
  (globalThis as Record<symbol, unknown>)[TEST_STACK] = handle;
  const started: string[] = [];
  try {
    if (process.env.NATS_URL) {
      started.push(`NATS ${process.env.NATS_URL} (from NATS_URL)`);
    } else {
      const t0 = Date.now();
      stack.ensureNatsServerInstalled();
      // The server has users (test/support/nats.ts installs the services' least-privilege ones for the
      // permission tests); clients of the other tests connect without credentials as the admin user.
      const usersConf = join(dir, 'nats', 'nats-users.conf');
      mkdirSync(join(dir, 'nats'), { recursive: true });
      const admin = { user: 'admin', password: randomUUID() };
      writeFileSync(usersConf, `users: [ ${JSON.stringify(admin)} ]\n`, { mode: 0o600 });
      // installNatsUsers() renders the union of users.d/*.json into usersConf.
      mkdirSync(join(dir, 'nats', 'users.d'));
      const all = { publish: ['>'], subscribe: ['>'], allowResponses: false };
      writeFileSync(
        join(dir, 'nats', 'users.d', 'admin.json'),
        JSON.stringify([{ ...admin, permissions: all }]),
      );
      handle.nats = await stack.startNatsServer({
        storeDir: join(dir, 'nats'),
        name: 'docaxis-test',
        usersInclude: 'nats-users.conf',
        configExtra: 'no_auth_user: "admin"',
      });
      setEnv(handle, {
        NATS_URL: handle.nats.url,
        DOCAXIS_TEST_STARTED_NATS: '1',
        DOCAXIS_TEST_NATS_USERS_CONF: usersConf,
        DOCAXIS_TEST_NATS_PID_FILE: handle.nats.pidFile,
      });
      started.push(`NATS ${handle.nats.url} (${Date.now() - t0} ms)`);
    }

    if (process.env.DATABASE_URL) {
      await stack.waitForPostgres(process.env.DATABASE_URL, { timeoutMs: 10_000 });
      started.push('Postgres from DATABASE_URL');
    } else {
      const t0 = Date.now();
      handle.postgres = await stack.startEmbeddedPostgres({ dataDir: join(dir, 'pg'), durable: false });
      setEnv(handle, { DATABASE_URL: handle.postgres.url, DOCAXIS_TEST_STARTED_POSTGRES: '1' });
      started.push(`Postgres ${handle.postgres.url} (${Date.now() - t0} ms)`);
    }
  } catch (err) {
    // Jest skips globalTeardown when setup throws: undo here.
    await Promise.allSettled([handle.nats?.stop(), handle.postgres?.stop()]);
    for (const name of handle.env) delete process.env[name];
    delete (globalThis as Record<symbol, unknown>)[TEST_STACK];
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  console.log(`\ntest stack: ${started.join('; ')}`);
}

function setEnv(handle: TestStack, vars: Record<string, string>): void {
  for (const [name, value] of Object.entries(vars)) {
    process.env[name] = value;
    handle.env.push(name);
  }
}
