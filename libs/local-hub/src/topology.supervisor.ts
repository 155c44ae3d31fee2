import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { request } from '#bus';
import { REQUESTS } from '#contracts';
import { CONFIG_ENV } from '#config';
import { AxisRuntime, pickPort, portOf, waitForHealth } from './axis.runtime.js';
import { loadOrCreateSecrets, type HubSecrets } from './hub.secrets.js';
import { HUB_SERVICES } from './hub.supervisor.js';
import { nationalLeafConfig, provinceLeafConfig } from './leafnode.config.js';
import { LinkRelay } from './link.relay.js';
import { NATS_USERS_CONF } from './nats.users.js';
import { registerInRegistry, withBus } from './registry.bootstrap.js';
import { repoRoot } from './repo-root.js';
import { CONTROL_SIGNAL, serveControlRequests, type ControlRequest } from './topology.control.js';
import { planTopology, readSeedAgencies, type AxisPlan } from './topology.plan.js';
import { localSealEnv } from './hub.seal.js';
import {
  findAxis,
  readTopologyState,
  topologyAxisDir,
  writeTopologyState,
  type AxisState,
  type TopologyState,
} from './topology.state.js';

/** The connector links a provincial axis to the national one. */
export const CONNECTOR_SERVICE = 'connector';
/** The national end of the NATS driver: answers the provinces' calls that come over their leafnodes. */
export const AXIS_LINK_SERVICE = 'axis-link';
export type LinkDriver = 'sdk-http' | 'nats';
/** Poll interval of the topology's connectors unless DOCAXIS_CONNECTOR_POLL_MS says otherwise. */
const DEFAULT_TOPOLOGY_POLL_MS = '500';
/** Gateways on 8080, 8081, … when free, so the demo's URLs are predictable. */
const FIRST_GATEWAY_PORT = 8080;
const FEDERATION_TIMEOUT_MS = 90_000;

/** Settings each axis sets for itself: never inherited from the environment `docaxis up` runs in. */
const PER_AXIS_ENV = [
  'NATS_URL',
  'DATABASE_URL',
  CONFIG_ENV.gatewayPort,
  CONFIG_ENV.axisRole,
  CONFIG_ENV.axisOrganId,
  CONFIG_ENV.parentUrl,
  CONFIG_ENV.parentSystemId,
  CONFIG_ENV.parentSecret,
  CONFIG_ENV.parentOrganId,
  CONFIG_ENV.connectorDriver,
];

export interface SuperviseTopologyOptions {
  stateDir: string;
  /** `national+N` */
  spec: string;
  provinces: number;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}

interface Axis {
  plan: AxisPlan;
  state: AxisState;
  runtime: AxisRuntime;
  secrets: HubSecrets;
  relay?: LinkRelay;
}

/**
 * Runs a national axis and N provincial axes in this process tree, each with its own nats-server, Postgres
 * (or database), gateway and services; each provincial axis also runs a connector that reaches the national
 * gateway through a link relay (`docaxis link cut|restore`). Writes <stateDir>/topology.json; stops
 * everything on SIGTERM/SIGINT.
 */
export async function superviseTopology(opts: SuperviseTopologyOptions): Promise<void> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? ((l: string) => console.log(`[topology] ${l}`));
  const { stateDir } = opts;
  const previous = readTopologyState(stateDir);
  const state: TopologyState = {
    status: 'starting',
    topology: opts.spec,
    supervisorPid: process.pid,
    startedAt: new Date().toISOString(),
    warnings: [],
    axes: [],
  };
  const save = () => writeTopologyState(stateDir, state);
  // DOCAXIS_CONNECTOR_DRIVER=nats: the provinces' nats-servers are leafnodes of the national one, each through
  // its link relay; otherwise the connectors call the national gateway over HTTP through it.
  const driver: LinkDriver = env[CONFIG_ENV.connectorDriver] === 'nats' ? 'nats' : 'sdk-http';
  const leaf = { port: 0, advertise: 0, passwords: {} as Record<string, string> };
  save();
  const axes: Axis[] = [];

  let stopping = false;
  const shutdown = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    // Provincial axes first: their connectors talk to the national axis.
    await Promise.all(axes.filter((a) => a.plan.role === 'provincial').map((a) => a.runtime.stop()));
    await Promise.all(axes.map((a) => a.relay?.cut()));
    await Promise.all(axes.filter((a) => a.plan.role === 'national').map((a) => a.runtime.stop()));
    state.status = code === 0 ? 'stopped' : 'failed';
    save();
    process.exit(code);
  };
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGINT', () => void shutdown(0));

  // Link changes are applied one request at a time, in order.
  let control = Promise.resolve();
  process.on(CONTROL_SIGNAL, () => {
    control = control.then(() => serveControlRequests(stateDir, (req) => applyControl(req)));
  });
  const applyControl = async (req: ControlRequest): Promise<void> => {
    const axisState = findAxis(state, req.axis);
    const axis = axes.find((a) => a.state === axisState);
    if (!axis?.relay || !axisState?.parent) {
      throw new Error(`${req.axis} is not a provincial axis with a link to the national axis`);
    }
    await (req.action === 'cut' ? axis.relay.cut() : axis.relay.restore());
    axisState.parent.link = axis.relay.state;
    save();
    log(`link ${axisState.key} ⇄ national: ${axis.relay.state}`);
  };

  try {
    if (env.NATS_URL) {
      throw new Error(
        'a topology starts one nats-server per axis (their streams have the same names): unset NATS_URL',
      );
    }
    const seedFile = env.DOCAXIS_REGISTRY_SEED ?? join(repoRoot(), 'deploy/registry/seed.json');
    const plan = planTopology(opts.provinces, readSeedAgencies(seedFile));
    const taken = new Set<number>();
    if (driver === 'nats') {
      leaf.port = await pickPort([], taken);
      // Told to the provinces as the national leafnode address: nothing listens there, so they reconnect only
      // through their relays (see nationalLeafConfig).
      leaf.advertise = await pickPort([], taken);
    }
    for (const [i, p] of plan.entries()) {
      const before = previous?.axes.find((a) => a.key === p.key);
      const dir = topologyAxisDir(stateDir, p.key);
      const gatewayPort = await pickPort([portOf(before?.gatewayUrl), FIRST_GATEWAY_PORT + i], taken);
      const axisState: AxisState = {
        key: p.key,
        role: p.role,
        organId: p.organId,
        name: p.name,
        stateDir: dir,
        gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
        natsUrl: '',
        databaseUrl: '',
        services: {},
        systems: [],
      };
      const runtime = new AxisRuntime({
        label: p.key,
        stateDir: dir,
        natsServerName: `docaxis-${p.key}`,
        databaseUrl: env.DATABASE_URL,
        ownDatabase: true,
        databaseName: `docaxis_${p.key}`,
        log,
        onChange: save,
        natsConfigExtra: driver === 'nats' ? (store) => leafConfigOf(p, store) : undefined,
        // The national server of the NATS driver has accounts: its users go in NATIONAL (see leafnode.config.ts).
        natsUsersInAccount: driver === 'nats' && p.role === 'national',
      });
      axisState.services = runtime.services;
      const systemIds = [...p.systems, ...p.axisSystems].map((s) => s.systemId);
      axes.push({ plan: p, state: axisState, runtime, secrets: loadOrCreateSecrets(dir, systemIds) });
      state.axes.push(axisState);
    }
    const national = axes.find((a) => a.plan.role === 'national')!;
    const provinces = axes.filter((a) => a.plan.role === 'provincial');
    for (const a of provinces) {
      const before = previous?.axes.find((b) => b.key === a.plan.key);
      const relayPort = await pickPort([portOf(before?.parent?.linkUrl)], taken);
      const target = driver === 'nats' ? leaf.port : portOf(national.state.gatewayUrl)!;
      a.relay = new LinkRelay({ host: '127.0.0.1', port: target }, relayPort);
      leaf.passwords[a.plan.key] = randomBytes(18).toString('hex');
      a.state.parent = {
        organId: national.plan.organId,
        gatewayUrl: national.state.gatewayUrl,
        linkUrl: driver === 'nats' ? `nats-leaf://127.0.0.1:${a.relay.port}` : a.relay.url,
        systemId: a.plan.parentSystemId!,
        secret: national.secrets.systemSecrets[a.plan.parentSystemId!],
        link: 'cut',
      };
    }
    save();

    await Promise.all(axes.map((a) => a.runtime.startBackends()));
    for (const a of axes) {
      a.state.natsUrl = a.runtime.natsUrl;
      a.state.databaseUrl = a.runtime.databaseUrl;
      for (const name of HUB_SERVICES) a.runtime.startService(name, axisEnv(env, a, seedFile, driver));
      if (driver === 'nats' && a.plan.role === 'national') {
        a.runtime.startService(AXIS_LINK_SERVICE, axisEnv(env, a, seedFile, driver));
      }
    }
    save();

    await Promise.all(
      axes.map(async (a) => {
        const secretOf = (id: string) => a.secrets.systemSecrets[id];
        await registerInRegistry(
          a.state.natsUrl,
          [...a.plan.systems, ...a.plan.axisSystems].map((s) => ({
            systemId: s.systemId,
            name: s.name,
            secret: secretOf(s.systemId),
          })),
          a.plan.agencies,
          a.runtime.natsAuth,
        );
        a.state.systems = a.plan.systems.map((s) => ({
          systemId: s.systemId,
          secret: secretOf(s.systemId),
          agencies: s.agencies.map((x) => ({ ...x })),
        }));
        log(
          `${a.plan.key}: systems registered: ${[...a.plan.systems, ...a.plan.axisSystems].map((s) => s.systemId).join(', ')}`,
        );
      }),
    );
    save();
    await Promise.all(axes.map((a) => waitForHealth(`${a.state.gatewayUrl}/health`, 60_000)));

    // The national registry is complete: now link the provinces to it.
    for (const a of provinces) {
      await a.relay!.open();
      a.state.parent!.link = a.relay!.state;
    }
    if (AxisRuntime.mainOf(CONNECTOR_SERVICE)) {
      for (const a of provinces) {
        a.runtime.startService(CONNECTOR_SERVICE, axisEnv(env, a, seedFile, driver));
      }
      save();
      await Promise.all(provinces.map((a) => waitForFederation(a, national.plan, log)));
    } else {
      const warning =
        'the connector is not built (dist/apps/connector): the provincial axes are not linked to the national axis';
      state.warnings.push(warning);
      log(`WARNING: ${warning}`);
    }
    state.status = 'ready';
    save();
    log(`ready: ${axes.map((a) => `${a.plan.key} ${a.state.gatewayUrl}`).join(', ')}`);
  } catch (e) {
    state.error = (e as Error).message;
    log(`failed: ${state.error}`);
    await shutdown(1);
  }

  /** The leafnode part of an axis's nats-server config (NATS driver); read when its server starts. */
  function leafConfigOf(p: AxisPlan, storeDir: string): string {
    const code = (organId: string) => organId.split('.').pop()!;
    if (p.role === 'national') {
      return nationalLeafConfig({
        storeDir,
        leafPort: leaf.port,
        advertise: `127.0.0.1:${leaf.advertise}`,
        usersInclude: NATS_USERS_CONF,
        provinces: axes
          .filter((a) => a.plan.role === 'provincial')
          .map((a) => ({ code: code(a.plan.organId), password: leaf.passwords[a.plan.key] })),
      });
    }
    const relay = axes.find((a) => a.plan === p)!.relay!;
    return provinceLeafConfig({
      storeDir,
      code: code(p.organId),
      password: leaf.passwords[p.key],
      national: `127.0.0.1:${relay.port}`,
    });
  }
}

/** The environment of one axis's services: the caller's, minus what each axis sets for itself. */
function axisEnv(env: NodeJS.ProcessEnv, a: Axis, seedFile: string, driver: LinkDriver): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...env };
  for (const k of PER_AXIS_ENV) delete base[k];
  const own: NodeJS.ProcessEnv = {
    NATS_URL: a.state.natsUrl,
    DATABASE_URL: a.state.databaseUrl,
    [CONFIG_ENV.masterKey]: env[CONFIG_ENV.masterKey] ?? a.secrets.masterKey,
    [CONFIG_ENV.gatewayHost]: '127.0.0.1',
    [CONFIG_ENV.gatewayPort]: String(portOf(a.state.gatewayUrl)),
    [CONFIG_ENV.registrySeedFile]: seedFile,
    [CONFIG_ENV.axisRole]: a.plan.role,
    [CONFIG_ENV.axisOrganId]: a.plan.organId,
    // Each axis seals its receipts with its own (development) seal, bound to its OrganId.
    ...localSealEnv({ ...base, [CONFIG_ENV.axisOrganId]: a.plan.organId }, a.state.stateDir).env,
  };
  const parent = a.state.parent;
  if (parent) {
    // The NATS driver needs no URL or secret: the connector talks to its own NATS, a leafnode of the national one.
    if (driver === 'sdk-http') {
      Object.assign(own, {
        [CONFIG_ENV.parentUrl]: parent.linkUrl,
        [CONFIG_ENV.parentSystemId]: parent.systemId,
        [CONFIG_ENV.parentSecret]: parent.secret,
      });
    }
    Object.assign(own, {
      [CONFIG_ENV.parentOrganId]: parent.organId,
      [CONFIG_ENV.connectorDriver]: driver,
      [CONFIG_ENV.connectorPollMs]: env[CONFIG_ENV.connectorPollMs] ?? DEFAULT_TOPOLOGY_POLL_MS,
    });
  }
  return { ...base, ...own };
}

/**
 * Waits until a provincial axis's connector has synced the national registry: every agency registered at
 * the national axis for another axis resolves here with that axis. Until then a ministry would look local.
 */
async function waitForFederation(a: Axis, national: AxisPlan, log: (l: string) => void): Promise<void> {
  const expected = new Map(
    national.agencies
      .filter((x) => x.axisOrganId && x.axisOrganId !== a.plan.organId)
      .map((x) => [x.organId, x.axisOrganId!]),
  );
  await withBus(
    a.state.natsUrl,
    'docaxis-up',
    async (nc) => {
      const deadline = Date.now() + FEDERATION_TIMEOUT_MS;
      for (;;) {
        const reply = await request(
          nc,
          REQUESTS.registryResolve.subject,
          { organIds: [...expected.keys()] },
          5000,
        ).catch(() => null);
        const missing = [...expected].filter(
          ([id, axis]) => !reply?.agencies.some((x) => x.organId === id && x.axisOrganId === axis),
        );
        if (!missing.length) break;
        if (Date.now() > deadline) {
          throw new Error(
            `${a.plan.key}: the registry was not synced from the national axis within ${FEDERATION_TIMEOUT_MS / 1000} s ` +
              `(missing ${missing.map(([id]) => id).join(', ')}); see ${a.runtime.logsDir}/${CONNECTOR_SERVICE}.log`,
          );
        }
        await new Promise((r) => setTimeout(r, 300));
      }
    },
    a.runtime.natsAuth,
  );
  log(`${a.plan.key}: registry synced from the national axis`);
}
