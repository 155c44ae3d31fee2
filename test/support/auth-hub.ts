// A registry and HTTPS gateways on real NATS and Postgres, for the authentication and authorization tests.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { INestMicroservice } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { connectBus, createBusMicroservice, ensureTopology, request } from '#bus';
import { REQUESTS } from '#contracts';
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
  gateway(tls?: GatewayTlsOptions, options?: Partial<GatewayOptions>): Promise<string>;
  close(): Promise<void>;
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
  const app: INestMicroservice = await createBusMicroservice(
    RegistryAppModule.forRoot({ databaseUrl: db.url, masterKey: randomBytes(32).toString('hex') }),
    { natsUrl: natsUrl(), name: `${name}-registry` },
    { logger: ['error'] },
  );
  await app.listen();
  // listen() returns before the NATS server has registered the registry's subscriptions.
  await waitFor(
    'the registry',
    () =>
      request(nc, REQUESTS.registryList.subject, { limit: 1 }, 1000).then(
        () => true,
        () => false,
      ),
    15_000,
  );
  await request(
    nc,
    REQUESTS.registryImport.subject,
    { format: 'json', content: JSON.stringify(registry) },
    10_000,
  );
  const gateways: NestExpressApplication[] = [];
  return {
    db,
    ds,
    nc,
    async gateway(tls, options) {
      const gw = await createGatewayApp(
        {
          databaseUrl: db.url,
          natsUrl: natsUrl(),
          maxPackageBytes: 1024 * 1024,
          authWindowSeconds: 300,
          axisOrganId,
          ...(tls ? { tls } : {}),
          ...options,
        },
        ['error'],
      );
      gateways.push(gw);
      await gw.listen(0, '127.0.0.1');
      const port = (gw.getHttpServer().address() as AddressInfo).port;
      return `${tls ? 'https' : 'http'}://127.0.0.1:${port}`;
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
