// The router with the real registry and archive apps beside it, on the shared test NATS server (streams purged,
// durables reset) and a database of its own; the tests publish packages as the gateway would.
import { randomBytes } from 'node:crypto';
import type { INestMicroservice } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { createBusMicroservice } from '#bus';
import { CONSUMERS, type ConsumerKey, type REQUESTS, type RequestMap } from '#contracts';
import type { RoutingOptions } from '#routing';
import { createDataSource, runMigrations } from '#store';
import { ArchiveAppModule } from '../../apps/archive/src/archive.module.js';
import { RouterAppModule } from '../../apps/router/src/router.module.js';
import { importRegistry, startRegistry } from './auth-hub.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { cleanBus, natsUrl } from './nats.js';

export interface RouterBench {
  db: TestDatabase;
  ds: DataSource;
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  /** Undefined while a test has stopped it (stopRegistry). */
  registry: INestMicroservice | undefined;
  router: INestMicroservice;
  archive: INestMicroservice;
  /** The registry's answer to the import of `registry`. */
  imported: RequestMap[typeof REQUESTS.registryImport.subject]['reply'];
  stopRegistry(): Promise<void>;
  /** Starts the registry again (same database and master key); resolves once it answers. */
  startRegistry(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the registry (importing `registry`: systems and agencies), the router with `routing` and the given
 * retry delays, and the archive. Run the integration project --runInBand: the durables are the ones of proto/.
 */
export async function startRouterBench(
  name: string,
  registry: object,
  routing: RoutingOptions,
  nakDelaysMs: number[],
): Promise<RouterBench> {
  const db = await createTestDatabase(name.replaceAll('-', '_'));
  await runMigrations(db.url);
  const ds = createDataSource(db.url, 2);
  await ds.initialize();
  const { nc, js, jsm } = await cleanBus(`${name}-test`, Object.keys(CONSUMERS) as ConsumerKey[]);
  const masterKey = randomBytes(32).toString('hex');
  const bench: RouterBench = {
    db,
    ds,
    nc,
    js,
    jsm,
    registry: await startRegistry(nc, db.url, `${name}-registry`, masterKey),
    router: undefined as never,
    archive: undefined as never,
    imported: await importRegistry(nc, registry),
    async stopRegistry() {
      await bench.registry?.close();
      bench.registry = undefined;
    },
    async startRegistry() {
      bench.registry = await startRegistry(nc, db.url, `${name}-registry`, masterKey);
    },
    async close() {
      await bench.router?.close();
      await bench.archive?.close();
      await bench.registry?.close();
      await nc.close();
      await ds.destroy();
      await db.drop();
    },
  };
  bench.router = await createBusMicroservice(
    RouterAppModule.forRoot({ natsUrl: natsUrl(), databaseUrl: db.url, ...routing }),
    { natsUrl: natsUrl(), name: `${name}-router`, nakDelaysMs },
    { logger: ['error'] },
  );
  await bench.router.listen();
  bench.archive = await createBusMicroservice(
    ArchiveAppModule.forRoot({ databaseUrl: db.url }),
    { natsUrl: natsUrl(), name: `${name}-archive` },
    { logger: ['error'] },
  );
  await bench.archive.listen();
  return bench;
}
