import { readFileSync } from 'node:fs';
import { DocaxisClient, type ClientTlsOptions } from '#sdk-client';
import { findAgency, findAxis, readHubState, runningIn, type TopologyState } from '#local-hub';

/**
 * A signed client for the system that owns `agency`: from DOCAXIS_GATEWAY_URL / DOCAXIS_SYSTEM_ID /
 * DOCAXIS_SYSTEM_SECRET (and DOCAXIS_TLS_CA / _CERT / _KEY for HTTPS and mTLS) when set (a real deployment), else from the demo systems of the local topology (at
 * the axis that serves the agency, or at `axis`) or of the local hub.
 */
export function clientFor(stateDir: string, agency?: string, axis?: string): DocaxisClient {
  const env = process.env;
  const tls = tlsFromEnv(env);
  if (env.DOCAXIS_SYSTEM_ID && env.DOCAXIS_GATEWAY_URL && (env.DOCAXIS_SYSTEM_SECRET || tls?.cert)) {
    return new DocaxisClient({
      baseUrl: env.DOCAXIS_GATEWAY_URL,
      systemId: env.DOCAXIS_SYSTEM_ID,
      // Without a secret the calls go unsigned and the client certificate authenticates them (mTLS).
      ...(env.DOCAXIS_SYSTEM_SECRET ? { secret: env.DOCAXIS_SYSTEM_SECRET } : {}),
      ...(tls ? { tls } : {}),
    });
  }
  const { topology } = runningIn(stateDir);
  if (topology) return topologyClientFor(topology, agency, axis);
  if (axis) throw new Error(`--axis ${axis}: no topology is running (start one with docaxis up --topology)`);
  const state = readHubState(stateDir);
  if (!state?.gatewayUrl) {
    throw new Error(
      'no local hub found: run `docaxis up`, or set DOCAXIS_GATEWAY_URL, DOCAXIS_SYSTEM_ID and DOCAXIS_SYSTEM_SECRET',
    );
  }
  const system = agency
    ? state.systems.find((s) => s.agencies.some((a) => a.organId === agency))
    : state.systems[0];
  if (!system) throw new Error(`no system of the local hub owns agency ${agency}`);
  return new DocaxisClient({ baseUrl: state.gatewayUrl, systemId: system.systemId, secret: system.secret });
}

/** DOCAXIS_TLS_CA (the gateway's CA) and DOCAXIS_TLS_CERT / DOCAXIS_TLS_KEY (mTLS), as PEM file paths. */
function tlsFromEnv(env: NodeJS.ProcessEnv): ClientTlsOptions | undefined {
  const read = (file: string | undefined) => (file ? readFileSync(file) : undefined);
  const tls: ClientTlsOptions = {};
  const ca = read(env.DOCAXIS_TLS_CA);
  const cert = read(env.DOCAXIS_TLS_CERT);
  const key = read(env.DOCAXIS_TLS_KEY);
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  return ca || cert || key ? tls : undefined;
}

function topologyClientFor(topology: TopologyState, agency?: string, axisName?: string): DocaxisClient {
  const axis = axisName ? findAxis(topology, axisName) : undefined;
  if (axisName && !axis) {
    throw new Error(`--axis ${axisName}: the topology has ${topology.axes.map((a) => a.key).join(', ')}`);
  }
  let found;
  if (agency) {
    found = findAgency(topology, agency);
    if (!found || (axis && found.axis !== axis)) {
      throw new Error(
        `no demo system ${axis ? `of axis ${axis.key} ` : 'of the topology '}owns agency ${agency}`,
      );
    }
  } else {
    // Default: the first document system of the given axis, else of the first provincial axis.
    const a = axis ?? topology.axes.find((x) => x.role === 'provincial') ?? topology.axes[0];
    found = a.systems[0] ? { axis: a, system: a.systems[0] } : undefined;
    if (!found) throw new Error(`axis ${a.key} has no demo system`);
  }
  return new DocaxisClient({
    baseUrl: found.axis.gatewayUrl,
    systemId: found.system.systemId,
    secret: found.system.secret,
  });
}
