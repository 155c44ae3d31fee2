import { DocaxisClient } from '#sdk-client';
import { readHubState } from '#local-hub';

/**
 * A signed client for the system that owns `agency`: from DOCAXIS_GATEWAY_URL / DOCAXIS_SYSTEM_ID /
 * DOCAXIS_SYSTEM_SECRET when set (a real deployment), else from the local hub's demo systems.
 */
export function clientFor(stateDir: string, agency?: string): DocaxisClient {
  const env = process.env;
  if (env.DOCAXIS_SYSTEM_ID && env.DOCAXIS_SYSTEM_SECRET && env.DOCAXIS_GATEWAY_URL) {
    return new DocaxisClient({
      baseUrl: env.DOCAXIS_GATEWAY_URL,
      systemId: env.DOCAXIS_SYSTEM_ID,
      secret: env.DOCAXIS_SYSTEM_SECRET,
    });
  }
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
