import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
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
import { connectBus, request } from '#bus';
import { REQUESTS } from '#contracts';
import { isAlive, readHubState, writeHubState, type HubState } from './hub.state.js';
import { loadOrCreateSecrets } from './hub.secrets.js';
import { DEMO_SYSTEMS } from './demo-agencies.js';
import { repoRoot } from './repo-root.js';

/** The services of one axis, in start order. */
export const HUB_SERVICES = ['registry', 'archive', 'router', 'gateway'] as const;

export interface SuperviseOptions {
  stateDir: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

/**
 * Runs a whole local hub in this process tree: NATS and Postgres (embedded unless NATS_URL / DATABASE_URL are
 * given), migrations, every service as its own process (restarted if it dies), the registry seed and the demo
 * systems. Writes <stateDir>/hub.json for the CLI and stops everything on SIGTERM/SIGINT.
 */
export async function superviseHub(opts: SuperviseOptions): Promise<void> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((l: string) => console.log(`[hub] ${l}`));
  const stateDir = opts.stateDir;
  const logsDir = join(stateDir, 'logs');
  mkdirSync(logsDir, { recursive: true });
  const root = repoRoot();
  const previous = readHubState(stateDir);
  const state: HubState = {
    status: 'starting',
    supervisorPid: process.pid,
    gatewayUrl: '',
    natsUrl: '',
    databaseUrl: '',
    services: {},
    systems: [],
    startedAt: new Date().toISOString(),
  };
  writeHubState(stateDir, state);

  let nats: RunningNatsServer | undefined;
  let pg: RunningPostgres | undefined;
  const children = new Map<string, ChildProcess>();
  let stopping = false;

  const shutdown = async (code: number): Promise<never> => {
    stopping = true;
    for (const name of [...HUB_SERVICES].reverse()) {
      const c = children.get(name);
      if (c && c.exitCode === null) {
        c.kill('SIGTERM');
        await new Promise((r) => {
          const t = setTimeout(() => (c.kill('SIGKILL'), r(null)), 10_000);
          c.once('exit', () => (clearTimeout(t), r(null)));
        });
      }
    }
    await pg?.stop().catch(() => undefined);
    await nats?.stop().catch(() => undefined);
    state.status = code === 0 ? 'stopped' : 'failed';
    writeHubState(stateDir, state);
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  try {
    if (env.NATS_URL) {
      state.natsUrl = env.NATS_URL;
    } else {
      const bin = ensureNatsServerInstalled({ log });
      nats = await startNatsServer({
        bin,
        storeDir: join(stateDir, 'nats'),
        logFile: join(logsDir, 'nats-server.log'),
        name: 'docaxis-local',
      });
      state.natsUrl = nats.url;
      log(`nats-server on ${nats.url} (JetStream store ${join(stateDir, 'nats')})`);
    }
    if (env.DATABASE_URL) {
      state.databaseUrl = env.DATABASE_URL;
    } else {
      pg = await startEmbeddedPostgres({ dataDir: join(stateDir, 'postgres'), durable: true });
      state.databaseUrl = await ensureDatabase(pg.url, 'docaxis');
      log(`embedded Postgres on port ${pg.port} (data ${join(stateDir, 'postgres')})`);
    }
    const applied = await runMigrations(state.databaseUrl);
    log(applied.length ? `migrations applied: ${applied.join(', ')}` : 'schema up to date');

    const secrets = loadOrCreateSecrets(
      stateDir,
      DEMO_SYSTEMS.map((s) => s.systemId),
    );
    const gatewayPort = await pickGatewayPort(env, previous?.gatewayUrl);
    state.gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const serviceEnv: NodeJS.ProcessEnv = {
      ...env,
      NATS_URL: state.natsUrl,
      DATABASE_URL: state.databaseUrl,
      DOCAXIS_MASTER_KEY: env.DOCAXIS_MASTER_KEY ?? secrets.masterKey,
      DOCAXIS_GATEWAY_HOST: '127.0.0.1',
      DOCAXIS_GATEWAY_PORT: String(gatewayPort),
      DOCAXIS_REGISTRY_SEED: env.DOCAXIS_REGISTRY_SEED ?? join(root, 'deploy/registry/seed.json'),
    };

    const startService = (name: string): void => {
      const main = join(root, 'dist/apps', name, 'src/main.js');
      if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\``);
      const logFile = join(logsDir, `${name}.log`);
      const fd = openSync(logFile, 'a');
      const child = spawn(process.execPath, [main], { env: serviceEnv, stdio: ['ignore', fd, fd] });
      closeSync(fd);
      children.set(name, child);
      const entry = (state.services[name] ??= { pid: 0, restarts: -1, log: logFile });
      entry.pid = child.pid ?? 0;
      entry.restarts += 1;
      writeHubState(stateDir, state);
      child.once('exit', (code, signal) => {
        if (stopping) return;
        log(`${name} exited (${signal ?? code}); restarting in 1 s — see ${logFile}`);
        setTimeout(() => !stopping && startService(name), 1000);
      });
    };
    for (const name of HUB_SERVICES) startService(name);

    await bootstrapRegistry(state, secrets.systemSecrets, log);
    await waitForHealth(`${state.gatewayUrl}/health`, 60_000);
    state.status = 'ready';
    writeHubState(stateDir, state);
    log(`ready: gateway ${state.gatewayUrl}`);
  } catch (e) {
    state.error = (e as Error).message;
    log(`failed: ${state.error}`);
    await shutdown(1);
  }
}

/** Registers the demo systems (stable secrets from secrets.json) and their agencies, once the registry answers. */
async function bootstrapRegistry(state: HubState, secrets: Record<string, string>, log: (l: string) => void) {
  const nc = await connectBus(state.natsUrl, 'docaxis-up');
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await request(nc, REQUESTS.registryList.subject, { limit: 1 }, 2000);
        break;
      } catch (e) {
        if (Date.now() > deadline)
          throw new Error(`registry did not answer: ${(e as Error).message}`, { cause: e });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    for (const s of DEMO_SYSTEMS) {
      await request(nc, REQUESTS.registrySystemUpsert.subject, {
        systemId: s.systemId,
        name: s.name,
        secret: secrets[s.systemId],
      });
    }
    const agencies = DEMO_SYSTEMS.flatMap((s) =>
      s.agencies.map((a) => ({
        organId: a.organId,
        name: a.name,
        systemId: s.systemId,
        parentOrganId: '000.00.00.H41',
      })),
    );
    await request(
      nc,
      REQUESTS.registryImport.subject,
      { format: 'json', content: JSON.stringify(agencies) },
      30_000,
    );
    state.systems = DEMO_SYSTEMS.map((s) => ({
      systemId: s.systemId,
      secret: secrets[s.systemId],
      agencies: s.agencies.map((a) => ({ ...a })),
    }));
    log(`demo systems registered: ${DEMO_SYSTEMS.map((s) => s.systemId).join(', ')}`);
  } finally {
    await nc.close();
  }
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
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

async function pickGatewayPort(env: NodeJS.ProcessEnv, previousUrl?: string): Promise<number> {
  if (env.DOCAXIS_GATEWAY_PORT) return Number(env.DOCAXIS_GATEWAY_PORT);
  const prev = previousUrl ? Number(new URL(previousUrl).port) : 0;
  for (const p of [prev, 8080]) if (p && (await canBind(p))) return p;
  return freePort();
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

export { isAlive };
