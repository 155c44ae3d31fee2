// One whole axis in this process (registry, router, archive and gateway on the axis's NATS server, with a
// database of its own), for the tests that link two axes (connector.test.ts, connector-nats.test.ts).
import type { INestMicroservice } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { connectBus, createBusMicroservice } from '#bus';
import type { DocaxisConfig } from '#config';
import type { DocaxisClient, SentItem, TraceHop } from '#sdk-client';
import { createDataSource, runMigrations } from '#store';
import { ArchiveAppModule } from '../../apps/archive/src/archive.module.js';
import { RegistryAppModule } from '../../apps/registry/src/registry-app.module.js';
import { RouterAppModule, routerAppOptions } from '../../apps/router/src/router.module.js';
import { listenGateway } from './auth-hub.js';
import type { TestDatabase } from './db.js';
import { documentBytes, nextDocumentId } from './packages.js';
import { waitFor } from './wait.js';

/** Retries of the axes' consumers: short, so that a failed hop is retried within a test. */
export const FAST_RETRIES_MS = [200, 500, 1000];

export interface AxisHub {
  cfg: DocaxisConfig;
  db: TestDatabase;
  ds: DataSource;
  nc: NatsConnection;
  registry: INestMicroservice;
  router: INestMicroservice;
  archive: INestMicroservice;
  /** Further services of this axis (connector, axis link): closed first, last started first. */
  apps: INestMicroservice[];
  gateway: NestExpressApplication;
  url: string;
  /** Starts a bus service of this axis (`<name>-<part>` on its NATS server, fast retries); not tracked. */
  micro(module: unknown, part: string, cfg?: DocaxisConfig): Promise<INestMicroservice>;
  stop(): Promise<void>;
}

/**
 * Starts the axis of `cfg` on the (fresh) database `db`, whose URL `cfg` names; `masterKey` seals the
 * registry's secrets. The router sweeps every 300 ms.
 */
export async function startAxisHub(
  cfg: DocaxisConfig,
  name: string,
  db: TestDatabase,
  masterKey: string,
): Promise<AxisHub> {
  await runMigrations(db.url);
  const ds = createDataSource(db.url, 2);
  await ds.initialize();
  const micro = async (module: unknown, part: string, over = cfg): Promise<INestMicroservice> => {
    const app = await createBusMicroservice(
      module,
      { natsUrl: over.natsUrl, name: `${name}-${part}`, nakDelaysMs: FAST_RETRIES_MS },
      { logger: ['error'] },
    );
    await app.listen();
    return app;
  };
  const registry = await micro(RegistryAppModule.forRoot({ databaseUrl: db.url, masterKey }), 'registry');
  const router = await micro(
    RouterAppModule.forRoot({ ...routerAppOptions(cfg), sweepIntervalMs: 300 }),
    'router',
  );
  const archive = await micro(
    ArchiveAppModule.forRoot({ databaseUrl: db.url, natsUrl: cfg.natsUrl }),
    'archive',
  );
  const { app: gateway, url } = await listenGateway({
    databaseUrl: db.url,
    natsUrl: cfg.natsUrl,
    maxPackageBytes: cfg.maxPackageBytes,
    authWindowSeconds: cfg.authWindowSeconds,
    axisOrganId: cfg.axisOrganId,
  });
  const nc = await connectBus(cfg.natsUrl, `${name}-test`);
  const hub: AxisHub = {
    cfg,
    db,
    ds,
    nc,
    registry,
    router,
    archive,
    apps: [],
    gateway,
    url,
    micro,
    async stop() {
      await hub.gateway.close();
      for (const app of [...hub.apps].reverse()) await app.close().catch(() => undefined);
      for (const app of [hub.router, hub.archive, hub.registry]) await app.close().catch(() => undefined);
      await hub.nc.close();
      await hub.ds.destroy();
      await hub.db.drop();
    },
  };
  return hub;
}

/** The first number `sql` answers (`SELECT count(*)::int AS n …`). */
export const count = async (ds: DataSource, sql: string, params: unknown[]): Promise<number> =>
  Number((await ds.query(sql, params))[0].n);

export const organIds = (trace: TraceHop[]): string[] => trace.map((h) => h.OrganId);

/**
 * What the two-axis tests read, once `parties()` (called at each use, so it may name what beforeAll starts)
 * answers: the national axis, a document system of the province (`sender`) and one at national (`ministry`).
 */
export function twoAxisProbes(
  parties: () => { national: AxisHub; sender: DocaxisClient; ministry: DocaxisClient },
) {
  /** Packages of one DocumentId the national axis accepted (edoc: one per document, revocations aside). */
  const nationalSubmissions = (documentId: string) =>
    count(
      parties().national.ds,
      `SELECT count(*)::int AS n FROM submission WHERE document_id = $1 AND message_type = 'edoc'
         AND document_key = $1`,
      [documentId],
    );
  /** Copies of one document delivered to an agency at the national axis. */
  const nationalCopies = (documentId: string, recipient: string) =>
    count(
      parties().national.ds,
      `SELECT count(*)::int AS n FROM delivery d JOIN submission s ON s.doc_id = d.doc_id
        WHERE s.document_id = $1 AND s.document_key = $1 AND d.recipient_organ_id = $2`,
      [documentId, recipient],
    );
  /** The sender's sent list entry of `docId`, once it has recipients. */
  const sentAt = (docId: string): Promise<SentItem> =>
    waitFor(`${docId} in the sent list`, async () => {
      const s = await parties().sender.findSent(docId);
      return s?.recipients.length ? s : null;
    });
  const recipientState = async (docId: string) =>
    Object.fromEntries((await sentAt(docId)).recipients.map((r) => [r.to, r.status]));
  const untilStates = (docId: string, want: Record<string, string>, ms = 30_000) =>
    waitFor(
      `${docId} to reach ${JSON.stringify(want)}`,
      async () => {
        const got = await recipientState(docId);
        return Object.entries(want).every(([to, s]) => got[to] === s) ? got : null;
      },
      ms,
    );
  /** A new document of `from` to `to`, sent by the sender. */
  const sendFrom = async (from: string, to: string[]) => {
    const documentId = nextDocumentId(from);
    const bytes = documentBytes(from, to, documentId);
    const { docId } = await parties().sender.sendEdoc(bytes, { from, messageType: 'edoc' });
    return { documentId, bytes, docId };
  };
  const ministryInboxItem = (documentId: string, messageType: 'edoc' | 'status' = 'edoc') =>
    waitFor(`${documentId} in the ministry's inbox`, async () => {
      const page = await parties().ministry.getReceivedEdocList({ messageType, limit: 1000 });
      return page.items.find((i) => i.documentId === documentId);
    });
  return {
    nationalSubmissions,
    nationalCopies,
    sentAt,
    recipientState,
    untilStates,
    sendFrom,
    ministryInboxItem,
  };
}
