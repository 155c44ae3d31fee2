import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connectBus, ensureTopology } from '#bus';
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
