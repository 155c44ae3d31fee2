import type { NatsConnection } from '@nats-io/transport-node';
import { connectBus, request, type NatsAuth } from '#bus';
import { REQUESTS } from '#contracts';

export interface SystemRegistration {
  systemId: string;
  name: string;
  secret: string;
}

export interface AgencyRegistration {
  organId: string;
  name: string;
  parentOrganId?: string;
  axisOrganId?: string;
  systemId?: string;
}

/** Runs `fn` with a NATS connection to an axis, closed afterwards. */
export async function withBus<T>(
  natsUrl: string,
  name: string,
  fn: (nc: NatsConnection) => Promise<T>,
  auth?: NatsAuth,
) {
  const nc = await connectBus(natsUrl, name, auth);
  try {
    return await fn(nc);
  } finally {
    await nc.close();
  }
}

/** Waits until the axis's registry service answers on the bus. */
export async function waitForRegistry(nc: NatsConnection, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await request(nc, REQUESTS.registryList.subject, { limit: 1 }, 2000);
      return;
    } catch (e) {
      if (Date.now() > deadline)
        throw new Error(`registry did not answer: ${(e as Error).message}`, { cause: e });
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/**
 * Registers systems (with the secrets we keep, so they survive restarts) and agencies in an axis's registry,
 * once it answers. Idempotent: upserts, and an import that changes nothing creates no registry version.
 */
export async function registerInRegistry(
  natsUrl: string,
  systems: SystemRegistration[],
  agencies: AgencyRegistration[],
  auth?: NatsAuth,
): Promise<void> {
  await withBus(
    natsUrl,
    'docaxis-up',
    async (nc) => {
      await waitForRegistry(nc);
      for (const s of systems) {
        await request(nc, REQUESTS.registrySystemUpsert.subject, s);
      }
      if (agencies.length) {
        await request(
          nc,
          REQUESTS.registryImport.subject,
          { format: 'json', content: JSON.stringify(agencies) },
          30_000,
        );
      }
    },
    auth,
  );
}
