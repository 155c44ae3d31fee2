import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import {
  ensureDatabase,
  ensureNatsServerInstalled,
  freePort,
  startEmbeddedPostgres,
  startNatsServer,
  type RunningNatsServer,
  type RunningPostgres,
} from '#stack';
import { runMigrations } from '#store';
import {
  connectBus,
  ensureTopology,
  mayDeclareTopology,
  natsAuthFromEnv,
  NATS_PASSWORD_ENV,
  NATS_USER_ENV,
  type NatsAuth,
} from '#bus';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  NATS_USERS_CONF,
  isPrincipal,
  loadOrCreateNatsUsers,
  serviceNatsAuth,
  writeNatsUsersConf,
  type NatsUsers,
} from './nats.users.js';
import type { ServiceEntry } from './hub.state.js';
import { repoRoot } from './repo-root.js';

export interface AxisRuntimeOptions {
  /** Label in log lines. */
  label: string;
  /** Holds nats/, postgres/ and logs/ of this axis. */
  stateDir: string;
  /** server_name of the nats-server started for this axis. */
  natsServerName: string;
  /** A NATS server to use instead of starting one (NATS_URL). */
  natsUrl?: string;
  /** Appended to the generated nats-server config, given the JetStream store directory (leafnode links). */
  natsConfigExtra?: (storeDir: string) => string;
  /** natsConfigExtra includes the users list in an account itself (the NATS driver's national server). */
  natsUsersInAccount?: boolean;
  /**
   * A Postgres server to use instead of the embedded one (DATABASE_URL). With `ownDatabase` the axis gets
   * `databaseName` on that server (several axes share one server); without it the URL is used as it is.
   */
  databaseUrl?: string;
  ownDatabase: boolean;
  databaseName: string;
  log: (line: string) => void;
  /** Called when a service (re)starts, so the supervisor can persist the pids. */
  onChange: () => void;
}

/**
 * One axis as a process tree: its NATS and Postgres (embedded unless given), its schema, and each service as
 * its own Node process, restarted when it dies. Both the single hub and every axis of a topology are one of these.
 */
export class AxisRuntime {
  natsUrl = '';
  databaseUrl = '';
  /** The admin user (declares the topology, registers systems); from the environment with NATS_URL. */
  natsAuth?: NatsAuth;
  /** Each service's own user, when this axis started its nats-server. */
  private natsUsers?: NatsUsers;
  readonly services: Record<string, ServiceEntry> = {};
  private nats?: RunningNatsServer;
  private pg?: RunningPostgres;
  private readonly children = new Map<string, ChildProcess>();
  private readonly order: string[] = [];
  private stopping = false;

  constructor(private readonly opts: AxisRuntimeOptions) {}

  get logsDir(): string {
    return join(this.opts.stateDir, 'logs');
  }

  /** NATS, Postgres and migrations; fills natsUrl and databaseUrl. */
  async startBackends(): Promise<void> {
    const { stateDir, log, label } = this.opts;
    mkdirSync(this.logsDir, { recursive: true });
    if (this.opts.natsUrl) {
      // Someone else's server: its users are theirs; the services use DOCAXIS_NATS_USER/PASSWORD as given.
      this.natsUrl = this.opts.natsUrl;
      this.natsAuth = natsAuthFromEnv();
    } else {
      const bin = ensureNatsServerInstalled({ log });
      // Every client has its own least-privilege user (proto/ principals); nobody connects anonymously.
      this.natsUsers = loadOrCreateNatsUsers(stateDir);
      this.natsAuth = serviceNatsAuth(this.natsUsers);
      writeNatsUsersConf(join(stateDir, 'nats', NATS_USERS_CONF), this.natsUsers);
      this.nats = await startNatsServer({
        bin,
        storeDir: join(stateDir, 'nats'),
        configExtra: this.opts.natsConfigExtra?.(resolve(stateDir, 'nats')),
        logFile: join(this.logsDir, 'nats-server.log'),
        name: this.opts.natsServerName,
        usersInclude: NATS_USERS_CONF,
        usersInAccount: this.opts.natsUsersInAccount,
        probeAuth: this.natsAuth,
      });
      this.natsUrl = this.nats.url;
      log(`${label}: nats-server on ${this.nats.url} (JetStream store ${join(stateDir, 'nats')})`);
    }
    // Streams and consumers are declared once, as admin: the services' users have no right to. On a server
    // of your own with another user, they must have been declared beforehand.
    if (mayDeclareTopology(this.natsAuth)) {
      const nc = await connectBus(this.natsUrl, `docaxis-up-${label}`, this.natsAuth);
      try {
        await ensureTopology(await jetstreamManager(nc));
      } finally {
        await nc.close();
      }
    }
    if (this.opts.databaseUrl) {
      this.databaseUrl = this.opts.ownDatabase
        ? await ensureDatabase(this.opts.databaseUrl, this.opts.databaseName)
        : this.opts.databaseUrl;
    } else {
      this.pg = await startEmbeddedPostgres({ dataDir: join(stateDir, 'postgres'), durable: true });
      this.databaseUrl = await ensureDatabase(this.pg.url, this.opts.databaseName);
      log(`${label}: embedded Postgres on port ${this.pg.port} (data ${join(stateDir, 'postgres')})`);
    }
    const applied = await runMigrations(this.databaseUrl);
    log(`${label}: ${applied.length ? `migrations applied: ${applied.join(', ')}` : 'schema up to date'}`);
  }

  /** The entry point of a service app, or null when it is not built. */
  static mainOf(name: string): string | null {
    const main = join(repoRoot(), 'dist/apps', name, 'src/main.js');
    return existsSync(main) ? main : null;
  }

  /** Spawns a service with its environment; it is restarted with the same environment if it dies. */
  startService(name: string, env: NodeJS.ProcessEnv): void {
    const main = AxisRuntime.mainOf(name);
    if (!main) throw new Error(`dist/apps/${name}/src/main.js is missing: run \`npm run build\``);
    const logFile = join(this.logsDir, `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(process.execPath, [main], {
      env: this.serviceEnv(name, env),
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    this.children.set(name, child);
    if (!this.order.includes(name)) this.order.push(name);
    const entry = (this.services[name] ??= { pid: 0, restarts: -1, log: logFile });
    entry.pid = child.pid ?? 0;
    entry.restarts += 1;
    this.opts.onChange();
    child.once('exit', (code, signal) => {
      if (this.stopping) return;
      this.opts.log(
        `${this.opts.label}: ${name} exited (${signal ?? code}); restarting in 1 s — see ${logFile}`,
      );
      setTimeout(() => !this.stopping && this.startService(name, env), 1000);
    });
  }

  /** A service connects to our own nats-server as its own user (the service name is its principal). */
  private serviceEnv(name: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    if (!this.natsUsers) return env;
    if (!isPrincipal(name)) throw new Error(`service ${name} has no NATS user in proto/ principals`);
    const auth = serviceNatsAuth(this.natsUsers, name);
    return { ...env, [NATS_USER_ENV]: auth.user, [NATS_PASSWORD_ENV]: auth.pass };
  }

  /** Services in reverse start order (each gets 10 s to finish), then Postgres and NATS. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const name of [...this.order].reverse()) {
      const c = this.children.get(name);
      if (c && c.exitCode === null && c.signalCode === null) {
        await new Promise((r) => {
          const t = setTimeout(() => (c.kill('SIGKILL'), r(null)), 10_000);
          c.once('exit', () => (clearTimeout(t), r(null)));
          c.kill('SIGTERM');
        });
      }
    }
    await this.pg?.stop().catch(() => undefined);
    await this.nats?.stop().catch(() => undefined);
  }
}

/** Resolves once `url` answers 200 (the gateway's /health), or throws after `timeoutMs`. */
export async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`gateway did not become healthy at ${url}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/**
 * The first port of `preferred` that can be bound on loopback and is not in `taken`, else a free one. Ports
 * are picked one after another before anything starts, so two axes never pick the same one.
 */
export async function pickPort(preferred: (number | undefined)[], taken: Set<number>): Promise<number> {
  for (const p of preferred) {
    if (p && !taken.has(p) && (await canBind(p))) {
      taken.add(p);
      return p;
    }
  }
  for (;;) {
    const p = await freePort();
    if (!taken.has(p)) {
      taken.add(p);
      return p;
    }
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export const portOf = (url: string | undefined): number | undefined =>
  url ? Number(new URL(url).port) || undefined : undefined;
