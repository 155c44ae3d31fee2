import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { randomBytes } from 'node:crypto';
import {
  ADMIN_PRINCIPAL,
  NATS_PASSWORD_ENV,
  NATS_USER_ENV,
  PRINCIPAL_NAMES,
  connectBus,
  ensureTopology,
  renderNatsUsers,
  type NatsAuth,
  type NatsUserEntry,
  type PrincipalName,
} from '#bus';
import { eventually, natsUserEntries } from '#local-hub';
import { reloadNatsServer } from '#stack';
import { CONSUMERS, STREAMS, type ConsumerKey } from '#contracts';

/** URL of the NATS server for this test run (set by global-setup.ts, or by the user as NATS_URL). */
export function natsUrl(): string {
  const url = process.env.NATS_URL;
  if (!url) {
    throw new Error(
      'NATS_URL is not set: run integration tests through the jest "integration" project (its globalSetup ' +
        'starts a nats-server), or export NATS_URL to use an existing server with JetStream.',
    );
  }
  return url;
}

/**
 * A client connection on a clean bus: topology declared, every stream purged and the given durables deleted, so
 * nothing another test file left behind reaches the apps this file starts (they recreate the durables).
 */
export async function cleanBus(
  name: string,
  durables: ConsumerKey[],
): Promise<{ nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager }> {
  const nc = await connectBus(natsUrl(), name);
  const jsm = await jetstreamManager(nc);
  await ensureTopology(jsm);
  for (const s of Object.values(STREAMS)) await jsm.streams.purge(s.name);
  for (const key of durables) {
    const c = CONSUMERS[key];
    await jsm.consumers.delete(STREAMS[c.stream].name, c.durable).catch(() => undefined);
  }
  return { nc, js: jetstream(nc), jsm };
}

/**
 * Adds NATS users to the test server (global-setup.ts started it with an admin user only): writes this
 * file's users to users.d/<group>.json, renders the union of users.d into the included users list and makes
 * the server reload it. Resolves once `probe` can connect, i.e. the server applied it.
 */
export async function installNatsUsers(
  group: string,
  users: NatsUserEntry[],
  probe: { user: string; pass: string },
): Promise<void> {
  const conf = process.env.DOCAXIS_TEST_NATS_USERS_CONF;
  const pidFile = process.env.DOCAXIS_TEST_NATS_PID_FILE;
  if (!conf || !pidFile) throw new Error('installNatsUsers needs the nats-server started by global-setup.ts');
  const dir = join(dirname(conf), 'users.d');
  writeFileSync(join(dir, `${group}.json`), JSON.stringify(users));
  const all = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .flatMap((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as NatsUserEntry[]);
  writeFileSync(`${conf}.tmp`, renderNatsUsers(all) + '\n', { mode: 0o600 });
  renameSync(`${conf}.tmp`, conf);
  if (!reloadNatsServer(pidFile)) throw new Error(`nats-server of ${pidFile} is not running`);
  await eventually(
    () =>
      connect({ servers: natsUrl(), user: probe.user, pass: probe.pass, reconnect: false })
        .then((nc) => nc.close().then(() => true))
        .catch(() => null),
    `nats-server reloading ${conf}`,
    10_000,
  );
}

/**
 * Gives every docaxis service principal of proto/ (admin excepted: global-setup.ts has one) its own user on the
 * test server, with a fresh password, and returns the credentials.
 */
export async function installServiceUsers(): Promise<Record<PrincipalName, NatsAuth>> {
  const services = Object.fromEntries(
    PRINCIPAL_NAMES.filter((p) => p !== ADMIN_PRINCIPAL).map((name) => [
      name,
      randomBytes(12).toString('hex'),
    ]),
  );
  // The entries the hub itself writes (natsUserEntries), less the admin that has no password here.
  const entries = natsUserEntries({ services, agencySystems: {} }).filter((e) => e.user !== ADMIN_PRINCIPAL);
  const auth = Object.fromEntries(entries.map((e) => [e.user, { user: e.user, pass: e.password }])) as Record<
    PrincipalName,
    NatsAuth
  >;
  await installNatsUsers('services', entries, auth.gateway);
  return auth;
}

/**
 * Runs `fn` (which creates and starts an in-process service) with DOCAXIS_NATS_USER/PASSWORD set to `auth`, as
 * the local stack sets them per process: the service's connections are made as that user.
 */
export async function asNatsUser<T>(auth: NatsAuth, fn: () => Promise<T>): Promise<T> {
  const before = { user: process.env[NATS_USER_ENV], pass: process.env[NATS_PASSWORD_ENV] };
  process.env[NATS_USER_ENV] = auth.user;
  process.env[NATS_PASSWORD_ENV] = auth.pass;
  try {
    return await fn();
  } finally {
    if (before.user === undefined) delete process.env[NATS_USER_ENV];
    else process.env[NATS_USER_ENV] = before.user;
    if (before.pass === undefined) delete process.env[NATS_PASSWORD_ENV];
    else process.env[NATS_PASSWORD_ENV] = before.pass;
  }
}

/** A permission error from the server (what a refused publish or subscription gets). */
export const PERMISSION_DENIED = /Permissions Violation/;
