// A registry and gateways (HTTP or HTTPS) on real NATS and Postgres, for the tests of the gateway and its
// authentication and authorization; startRegistry and listenGateway for the tests that assemble their own hub.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestMicroservice, LogLevel } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { connectBus, createBusMicroservice, ensureTopology, request } from '#bus';
import { REQUESTS, type RequestMap } from '#contracts';
import { createDataSource, runMigrations } from '#store';
import { createGatewayApp } from '../../apps/gateway/src/gateway.app.js';
import type { GatewayOptions } from '../../apps/gateway/src/gateway.options.js';
import type { GatewayTlsOptions } from '../../apps/gateway/src/gateway.tls.js';
import { RegistryAppModule } from '../../apps/registry/src/registry-app.module.js';
import { createTestDatabase, type TestDatabase } from './db.js';
import { natsUrl } from './nats.js';
import { waitFor } from './wait.js';

export interface AuthHub {
  db: TestDatabase;
  ds: DataSource;
  nc: NatsConnection;
  /** Starts a gateway of this hub; answers its base URL (https when tls is given). */
  gateway(
    tls?: GatewayTlsOptions,
    options?: Partial<GatewayOptions>,
    logger?: LogLevel[] | false,
  ): Promise<string>;
  close(): Promise<void>;
}

/**
 * The registry app on the test NATS server, on the database at `databaseUrl`; resolves once it answers `nc`
 * (listen() returns before the NATS server has registered its subscriptions).
 */
export async function startRegistry(
  nc: NatsConnection,
  databaseUrl: string,
  name: string,
  masterKey = randomBytes(32).toString('hex'),
): Promise<INestMicroservice> {
  const app = await createBusMicroservice(
    RegistryAppModule.forRoot({ databaseUrl, masterKey }),
    { natsUrl: natsUrl(), name },
    { logger: ['error'] },
  );
  await app.listen();
  await waitFor(
    'the registry',
    () =>
      request(nc, REQUESTS.registryList.subject, { limit: 1 }, 1000).then(
        () => true,
        () => false,
      ),
    15_000,
  );
  return app;
}

/** Imports `registry` (a JSON import: systems and agencies) through the registry's request subject. */
export async function importRegistry(
  nc: NatsConnection,
  registry: object,
): Promise<RequestMap[typeof REQUESTS.registryImport.subject]['reply']> {
  return request(
    nc,
    REQUESTS.registryImport.subject,
    { format: 'json', content: JSON.stringify(registry) },
    10_000,
  );
}

/** A gateway app listening on a free loopback port, with its base URL (https when options.tls is given). */
export async function listenGateway(
  options: Omit<GatewayOptions, 'natsUrl' | 'maxPackageBytes' | 'authWindowSeconds'> &
    Partial<GatewayOptions>,
  logger: LogLevel[] | false = ['error'],
): Promise<{ app: NestExpressApplication; url: string }> {
  const app = await createGatewayApp(
    { natsUrl: natsUrl(), maxPackageBytes: 1024 * 1024, authWindowSeconds: 300, ...options },
    logger,
  );
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return { app, url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}` };
}

/**
 * Registry (with `registry`, a JSON import: systems and agencies) and a database of its own. The registry's
 * subjects are served by a queue group shared by every process on the test NATS server: run --runInBand.
 */
export async function startAuthHub(
  name: string,
  registry: object,
  axisOrganId = '000.00.00.H41',
): Promise<AuthHub> {
  const db = await createTestDatabase(name);
  await runMigrations(db.url);
  const ds = createDataSource(db.url, 2);
  await ds.initialize();
  const nc = await connectBus(natsUrl(), `${name}-test`);
  await ensureTopology(await jetstreamManager(nc));
  const app = await startRegistry(nc, db.url, `${name}-registry`);
  await importRegistry(nc, registry);
  const gateways: NestExpressApplication[] = [];
  return {
    db,
    ds,
    nc,
    async gateway(tls, options, logger) {
      const gw = await listenGateway(
        { databaseUrl: db.url, axisOrganId, ...(tls ? { tls } : {}), ...options },
        logger,
      );
      gateways.push(gw.app);
      return gw.url;
    },
    async close() {
      for (const gw of gateways) await gw.close();
      await app.close();
      await nc.drain().catch(() => undefined);
      await ds.destroy().catch(() => undefined);
      await db.drop();
    },
  };
}
