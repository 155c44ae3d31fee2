import { join } from 'node:path';
import { readHubState, writeHubState, type HubState } from './hub.state.js';
import { loadOrCreateSecrets } from './hub.secrets.js';
import { localSealEnv } from './hub.seal.js';
import { DEMO_SYSTEMS } from './demo-agencies.js';
import { repoRoot } from './repo-root.js';
import { AxisRuntime, pickPort, portOf, waitForHealth } from './axis.runtime.js';
import { registerInRegistry } from './registry.bootstrap.js';

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
  const axis = new AxisRuntime({
    label: 'hub',
    stateDir,
    natsServerName: 'docaxis-local',
    natsUrl: env.NATS_URL,
    databaseUrl: env.DATABASE_URL,
    ownDatabase: false,
    databaseName: 'docaxis',
    log,
    onChange: () => writeHubState(stateDir, state),
  });
  state.services = axis.services;

  const shutdown = async (code: number): Promise<never> => {
    await axis.stop();
    state.status = code === 0 ? 'stopped' : 'failed';
    writeHubState(stateDir, state);
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  try {
    await axis.startBackends();
    state.natsUrl = axis.natsUrl;
    state.databaseUrl = axis.databaseUrl;
    const secrets = loadOrCreateSecrets(
      stateDir,
      DEMO_SYSTEMS.map((s) => s.systemId),
    );
    const gatewayPort = env.DOCAXIS_GATEWAY_PORT
      ? Number(env.DOCAXIS_GATEWAY_PORT)
      : await pickPort([portOf(previous?.gatewayUrl), 8080], new Set());
    state.gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const seal = localSealEnv(env, stateDir);
    if (seal.trustFile) state.sealTrustFile = seal.trustFile;
    const serviceEnv: NodeJS.ProcessEnv = {
      ...env,
      NATS_URL: state.natsUrl,
      DATABASE_URL: state.databaseUrl,
      DOCAXIS_MASTER_KEY: env.DOCAXIS_MASTER_KEY ?? secrets.masterKey,
      DOCAXIS_GATEWAY_HOST: '127.0.0.1',
      DOCAXIS_GATEWAY_PORT: String(gatewayPort),
      DOCAXIS_REGISTRY_SEED: env.DOCAXIS_REGISTRY_SEED ?? join(repoRoot(), 'deploy/registry/seed.json'),
      ...seal.env,
    };
    for (const name of HUB_SERVICES) axis.startService(name, serviceEnv);

    await registerInRegistry(
      state.natsUrl,
      DEMO_SYSTEMS.map((s) => ({
        systemId: s.systemId,
        name: s.name,
        secret: secrets.systemSecrets[s.systemId],
      })),
      DEMO_SYSTEMS.flatMap((s) =>
        s.agencies.map((a) => ({
          organId: a.organId,
          name: a.name,
          systemId: s.systemId,
          parentOrganId: '000.00.00.H41',
        })),
      ),
      axis.natsAuth,
    );
    state.systems = DEMO_SYSTEMS.map((s) => ({
      systemId: s.systemId,
      secret: secrets.systemSecrets[s.systemId],
      agencies: s.agencies.map((a) => ({ ...a })),
    }));
    log(`demo systems registered: ${DEMO_SYSTEMS.map((s) => s.systemId).join(', ')}`);
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
