// Agency systems straight on NATS (dx.agency.<agency>.*), served by the gateway, on the real nats-server with
// every service (registry, router, archive, gateway) running as its own least-privilege user: a system sends
// as its agency and reads its inbox; the server refuses anything outside its own agencies and inbox; packages
// cross between the NATS and the HTTP interfaces.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomBytes } from 'node:crypto';
import type { INestMicroservice } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { agencySystemPermissions, createBusMicroservice, type NatsAuth } from '#bus';
import { agencyNatsSubject, type ConsumerKey, CONSUMERS } from '#contracts';
import { DocaxisClient, NatsAgencyClient } from '#sdk-client';
import { runMigrations } from '#store';
import { eventually } from '#local-hub';
import { RouterAppModule } from '../../apps/router/src/router.module.js';
import { ArchiveAppModule } from '../../apps/archive/src/archive.module.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import {
  asNatsUser,
  cleanBus,
  installNatsUsers,
  installServiceUsers,
  natsUrl,
  PERMISSION_DENIED,
} from '../support/nats.js';
import { documentBytes, nextDocumentId } from '../support/packages.js';
import { failure } from '../support/failure.js';
import { importRegistry, listenGateway, startRegistry } from '../support/auth-hub.js';

const AXIS = '000.00.00.H41';
const A = '000.00.71.H41'; // agency of system S (talks NATS)
const B = '000.00.72.H41'; // agency of system T (talks HTTP and NATS)
const run = randomBytes(3).toString('hex');
const SYS_S = `nats-s-${run}`;
const SYS_T = `nats-t-${run}`;
const SECRET = { S: randomBytes(32).toString('base64url'), T: randomBytes(32).toString('base64url') };
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('agency systems over NATS, every service on its own NATS user', () => {
  let db: TestDatabase;
  let admin: NatsConnection;
  let registry: INestMicroservice;
  let router: INestMicroservice;
  let archive: INestMicroservice;
  let gateway: NestExpressApplication;
  let s: NatsAgencyClient;
  let t: NatsAgencyClient;
  let tHttp: DocaxisClient;
  const agencyUser: Record<'S' | 'T', NatsAuth> = {
    S: { user: SYS_S, pass: randomBytes(12).toString('hex') },
    T: { user: SYS_T, pass: randomBytes(12).toString('hex') },
  };
  const raw: NatsConnection[] = [];
  const rawAs = async (auth: NatsAuth, inboxPrefix = `_INBOX_${auth.user}`) => {
    const nc = await connect({ servers: natsUrl(), user: auth.user, pass: auth.pass, inboxPrefix });
    raw.push(nc);
    return nc;
  };

  beforeAll(async () => {
    db = await createTestDatabase('agency_nats');
    await runMigrations(db.url);
    ({ nc: admin } = await cleanBus('agency-nats-test', Object.keys(CONSUMERS) as ConsumerKey[]));
    // cleanBus deleted the durables; as admin, declare them again (the services' users may not).
    await cleanBus('agency-nats-test-topology', []).then(({ nc }) => nc.close());
    const users = await installServiceUsers();
    await installNatsUsers(
      'agency-nats',
      [
        { user: SYS_S, password: agencyUser.S.pass, permissions: agencySystemPermissions(SYS_S, [A]) },
        { user: SYS_T, password: agencyUser.T.pass, permissions: agencySystemPermissions(SYS_T, [B]) },
      ],
      agencyUser.S,
    );

    registry = await asNatsUser(users.registry, () => startRegistry(admin, db.url, 'agency-nats-registry'));
    await importRegistry(admin, {
      systems: [
        { systemId: SYS_S, name: 'System S', secret: SECRET.S },
        { systemId: SYS_T, name: 'System T', secret: SECRET.T },
      ],
      agencies: [
        { organId: A, name: 'Agency A', systemId: SYS_S },
        { organId: B, name: 'Agency B', systemId: SYS_T },
      ],
    });
    router = await asNatsUser(users.router, async () => {
      const app = await createBusMicroservice(
        RouterAppModule.forRoot({
          natsUrl: natsUrl(),
          databaseUrl: db.url,
          axisRole: 'provincial',
          axisOrganId: AXIS,
          packageLifetimeSeconds: 3600,
        }),
        { natsUrl: natsUrl(), name: 'agency-nats-router' },
        { logger: ['error'] },
      );
      await app.listen();
      return app;
    });
    archive = await asNatsUser(users.archive, async () => {
      const app = await createBusMicroservice(
        ArchiveAppModule.forRoot({ databaseUrl: db.url }),
        { natsUrl: natsUrl(), name: 'agency-nats-archive' },
        { logger: ['error'] },
      );
      await app.listen();
      return app;
    });
    let base: string;
    ({ app: gateway, url: base } = await asNatsUser(users.gateway, () =>
      listenGateway({ databaseUrl: db.url, maxPackageBytes: 8 * 1024 * 1024, axisOrganId: AXIS }),
    ));
    tHttp = new DocaxisClient({ baseUrl: base, systemId: SYS_T, secret: SECRET.T });
    s = await NatsAgencyClient.connect({ servers: natsUrl(), ...agencyUser.S });
    t = await NatsAgencyClient.connect({ servers: natsUrl(), ...agencyUser.T });
  }, 120_000);

  afterAll(async () => {
    await s?.close().catch(() => undefined);
    await t?.close().catch(() => undefined);
    for (const nc of raw) await nc.close().catch(() => undefined);
    await gateway?.close();
    await router?.close();
    await archive?.close();
    await registry?.close();
    await admin?.close();
    await db?.drop();
  }, 30_000);

  it('sends as its agency over NATS; the recipient finds it in its HTTP inbox, byte-identical', async () => {
    const bytes = documentBytes(A, [B], nextDocumentId(A));
    const sent = await s.send(A, bytes, { messageType: 'edoc', to: [B] });
    expect(sent.duplicate).toBe(false);
    const item = await eventually(async () => {
      const page = await tHttp.getReceivedEdocList({ messageType: 'edoc' });
      return page.items.find((i) => i.id === sent.docId);
    }, 'the package in B’s HTTP inbox');
    expect(item).toMatchObject({ from: A, to: B, contentSha256: sha(bytes) });
    expect(sha(await tHttp.getEdoc(sent.docId))).toBe(sha(bytes));
    // A second send of the same bytes is the same package.
    expect(await s.send(A, bytes, { messageType: 'edoc' })).toMatchObject({
      docId: sent.docId,
      duplicate: true,
    });
  });

  it('reads its inbox, fetches and acknowledges over NATS what was sent to it over HTTP', async () => {
    const bytes = documentBytes(B, [A], nextDocumentId(B));
    const sent = await tHttp.sendEdoc(bytes, { from: B, messageType: 'edoc', to: [A] });
    const item = await eventually(
      async () => (await s.inbox(A, { messagetype: 'edoc' })).items.find((i) => i.id === sent.docId),
      'the package in A’s NATS inbox',
    );
    expect(item).toMatchObject({ from: B, to: A, messageType: 'edoc' });
    const got = await s.get(A, sent.docId);
    expect(got).toMatchObject({ docId: sent.docId, sha256: sha(bytes), view: 'original' });
    expect(got.content.equals(bytes)).toBe(true);
    const acked = await s.ack(A, sent.docId, 'done');
    expect(acked).toEqual([expect.objectContaining({ docId: sent.docId, agency: A, status: 'done' })]);
    expect((await s.inbox(A)).items.some((i) => i.id === sent.docId)).toBe(false);
  });

  it('scopes each call to the agency of the subject: B’s own package is not A’s to fetch', async () => {
    const bytes = documentBytes(B, [B], nextDocumentId(B));
    const sent = await t.send(B, bytes, { messageType: 'edoc' });
    const err = await failure(s.get(A, sent.docId));
    expect(err.code).toMatch(/NOT_FOUND/);
  });

  it('answers bad input with a stable code and stores nothing', async () => {
    const bytes = documentBytes(A, [B], nextDocumentId(A));
    const nc = await rawAs(agencyUser.S);
    const h = natsHeaders();
    h.set('messagetype', 'edoc');
    h.set('hash-file', '0'.repeat(64));
    const reply = await nc.request(agencyNatsSubject('send', A), bytes, { headers: h, timeout: 10_000 });
    expect(reply.json()).toMatchObject({ ok: false, error: { code: 'HASH_MISMATCH' } });
    const notJson = await nc.request(agencyNatsSubject('inbox', A), '[1,', { timeout: 10_000 });
    expect(notJson.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const unknownField = await nc.request(agencyNatsSubject('ack', A), JSON.stringify({ docId: 'x' }), {
      timeout: 10_000,
    });
    expect(unknownField.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    // Nothing was stored for the refused send: the same package, sent right, is new.
    expect((await s.send(A, bytes, { messageType: 'edoc' })).duplicate).toBe(false);
  });

  it('is refused by the server as another system’s agency, on another inbox, or on the streams', async () => {
    // Through the client: the publish never reaches the gateway.
    const err = await failure(s.send(B, documentBytes(B, [A], nextDocumentId(B)), { messageType: 'edoc' }));
    expect(err.code).toBe('FORBIDDEN_AGENCY');
    expect(err.message).toMatch(/refused/);

    const nc = await rawAs(agencyUser.S);
    await expect(nc.request(agencyNatsSubject('inbox', B), '{}', { timeout: 5000 })).rejects.toThrow(
      PERMISSION_DENIED,
    );
    for (const subject of [`_INBOX_${SYS_T}.>`, 'dx.pkg.>', 'dx.agency.*.*']) {
      const sub = nc.subscribe(subject);
      const ended = (async () => {
        for await (const m of sub) void m;
      })();
      await expect(ended).rejects.toThrow(PERMISSION_DENIED);
    }
    // Nor can it read replies on the default inbox prefix: its requests would never be answered.
    const other = await rawAs(agencyUser.S, '_INBOX');
    await expect(other.request(agencyNatsSubject('inbox', A), '{}', { timeout: 5000 })).rejects.toThrow(
      PERMISSION_DENIED,
    );
  });
});
