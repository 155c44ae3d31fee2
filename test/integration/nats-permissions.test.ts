// Each docaxis service's NATS user (proto/ principals, rendered by libs/bus/src/nats-permissions.ts) on the
// real nats-server: what a service needs works, anything else is refused by the server itself. The services'
// full exchange as their own users is in agency-nats.test.ts and the e2e tests (the local stack).
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import {
  agencySystemPermissions,
  deletePackageObject,
  hasPackageObject,
  inboxPrefixOf,
  putPackageObject,
  readPackageObject,
  principalPermissions,
  renderNatsUsers,
  type NatsAuth,
  type PrincipalName,
} from '#bus';
import { CONSUMERS, STREAMS, type ConsumerKey } from '#contracts';
import { cleanBus, installServiceUsers, natsUrl, PERMISSION_DENIED } from '../support/nats.js';

/** What a request on `subject` meets: refused by the server, or let through (answered or no responders). */
async function publishOutcome(nc: NatsConnection, subject: string): Promise<'refused' | 'allowed'> {
  try {
    await nc.request(subject, '{}', { timeout: 5000 });
    return 'allowed';
  } catch (e) {
    const text = `${(e as Error).message} ${String((e as Error).cause ?? '')}`;
    if (PERMISSION_DENIED.test(text)) return 'refused';
    if (/no responders/i.test(text) || (e as { code?: string }).code === '503') return 'allowed';
    throw e;
  }
}

/** A subscription the server refuses ends with a permission error; an allowed one receives what admin sends. */
async function subscribeOutcome(
  nc: NatsConnection,
  admin: NatsConnection,
  subject: string,
  probe: string,
): Promise<'refused' | 'allowed'> {
  const sub = nc.subscribe(subject, { max: 1 });
  const got = (async () => {
    for await (const m of sub) return m.subject;
    return null;
  })();
  await nc.flush();
  // A refused subscription has ended with the error by now (flush is answered after the -ERR).
  const early = await Promise.race([got.catch((e: Error) => e), Promise.resolve('pending' as const)]);
  if (early instanceof Error) {
    if (PERMISSION_DENIED.test(early.message)) return 'refused';
    throw early;
  }
  admin.publish(probe, 'x');
  await admin.flush();
  try {
    expect(await got).toBe(probe);
    return 'allowed';
  } catch (e) {
    if (PERMISSION_DENIED.test((e as Error).message)) return 'refused';
    throw e;
  }
}

describe('least-privilege NATS users of the services', () => {
  let admin: NatsConnection;
  let users: Record<Exclude<PrincipalName, 'admin'>, NatsAuth>;
  const conns: NatsConnection[] = [];
  const as = async (name: keyof typeof users): Promise<NatsConnection> => {
    const auth = users[name];
    const nc = await connect({
      servers: natsUrl(),
      user: auth.user,
      pass: auth.pass,
      inboxPrefix: inboxPrefixOf(auth.user),
    });
    conns.push(nc);
    return nc;
  };
  const run = randomUUID().slice(0, 8);

  beforeAll(async () => {
    ({ nc: admin } = await cleanBus('permissions-test', []));
    users = await installServiceUsers();
  });

  afterAll(async () => {
    for (const nc of conns) await nc.close().catch(() => undefined);
    await admin?.close();
  });

  it('refuses a service user with a wrong password', async () => {
    // The test server keeps no_auth_user for the other test files; a wrong password is still refused.
    await expect(
      connect({ servers: natsUrl(), user: 'gateway', pass: 'wrong', reconnect: false }),
    ).rejects.toThrow(/Authorization Violation/);
  });

  it('gateway: publishes accepted packages and delivery events, asks the registry, nothing else', async () => {
    const nc = await as('gateway');
    const ack = await jetstream(nc).publish('dx.pkg.accepted.edoc', 'x', { msgID: `perm-${run}-gw` });
    expect(ack.stream).toBe(STREAMS.packages.name);
    expect(await publishOutcome(nc, 'dx.registry.agency.resolve')).toBe('allowed');
    expect(await publishOutcome(nc, 'dx.evt.delivery.done')).toBe('allowed');
    expect(await publishOutcome(nc, 'dx.registry.import')).toBe('refused');
    expect(await publishOutcome(nc, 'dx.dlq.router')).toBe('refused');
    expect(await publishOutcome(nc, 'dx.out.edoc')).toBe('refused');
    expect(await publishOutcome(nc, `$JS.API.STREAM.DELETE.${STREAMS.packages.name}`)).toBe('refused');
    expect(await subscribeOutcome(nc, admin, 'dx.agency.*.*', 'dx.agency.G01.inbox')).toBe('allowed');
    expect(await subscribeOutcome(nc, admin, 'dx.pkg.>', 'dx.pkg.x')).toBe('refused');
    expect(await subscribeOutcome(nc, admin, '_INBOX.>', '_INBOX.x')).toBe('refused');
  });

  it('router: reads and acks its own consumer only, publishes events, outbound and its dead letters', async () => {
    const nc = await as('router');
    const js = jetstream(nc);
    const own = CONSUMERS.router;
    const consumer = await js.consumers.get(STREAMS.packages.name, own.durable);
    expect((await consumer.info()).name).toBe(own.durable);
    // The gateway's package of the test above is waiting for the router: pulled and acked as the router.
    const m = await consumer.next({ expires: 5000 });
    expect(m?.subject).toBe('dx.pkg.accepted.edoc');
    expect(await m!.ackAck()).toBe(true);
    await expect(js.consumers.get(STREAMS.packages.name, CONSUMERS.archivePackages.durable)).rejects.toThrow(
      PERMISSION_DENIED,
    );
    const ev = await js.publish('dx.evt.delivery.recorded', '{}', { msgID: `perm-${run}-ev` });
    expect(ev.stream).toBe(STREAMS.events.name);
    expect((await js.publish('dx.dlq.router', 'x')).stream).toBe(STREAMS.deadLetters.name);
    expect(await publishOutcome(nc, 'dx.dlq.archive-packages')).toBe('refused');
    expect(await publishOutcome(nc, 'dx.pkg.accepted.edoc')).toBe('refused');
    expect(await publishOutcome(nc, 'dx.registry.system.upsert')).toBe('refused');
    expect(await publishOutcome(nc, `$JS.API.CONSUMER.DELETE.${STREAMS.packages.name}.${own.durable}`)).toBe(
      'refused',
    );
  });

  it('archive: its two consumers, no publishing of packages or events', async () => {
    const nc = await as('archive');
    const js = jetstream(nc);
    for (const key of ['archivePackages', 'archiveEvents'] as ConsumerKey[]) {
      const c = CONSUMERS[key];
      expect((await (await js.consumers.get(STREAMS[c.stream].name, c.durable)).info()).name).toBe(c.durable);
    }
    await expect(js.consumers.get(STREAMS.packages.name, CONSUMERS.router.durable)).rejects.toThrow(
      PERMISSION_DENIED,
    );
    expect(await publishOutcome(nc, 'dx.evt.delivery.recorded')).toBe('refused');
    expect(await publishOutcome(nc, 'dx.registry.agency.resolve')).toBe('refused');
  });

  it('registry: serves the registry subjects and nothing else', async () => {
    const nc = await as('registry');
    expect(await subscribeOutcome(nc, admin, 'dx.registry.import', 'dx.registry.import')).toBe('allowed');
    expect(await subscribeOutcome(nc, admin, 'dx.axis.*.*', 'dx.axis.H41.send')).toBe('refused');
    expect(await publishOutcome(nc, 'dx.pkg.accepted.edoc')).toBe('refused');
  });

  it('registry: may answer the requests it gets (allow_responses) without any publish right', async () => {
    const nc = await as('registry');
    const sub = nc.subscribe('dx.registry.system.upsert', {
      callback: (_e, m) => void m.respond('answered'),
    });
    await nc.flush();
    const reply = await admin.request('dx.registry.system.upsert', '{}', { timeout: 5000 });
    expect(reply.string()).toBe('answered');
    sub.unsubscribe();
  });

  it('connector: its outbound consumer, the registry sync and the axis link calls', async () => {
    const nc = await as('connector');
    const js = jetstream(nc);
    const c = CONSUMERS.connectorOut;
    expect((await (await js.consumers.get(STREAMS.outbound.name, c.durable)).info()).name).toBe(c.durable);
    expect(await publishOutcome(nc, 'dx.axis.H41.send')).toBe('allowed');
    expect(await publishOutcome(nc, 'dx.registry.import')).toBe('allowed');
    expect(await publishOutcome(nc, 'dx.registry.system.upsert')).toBe('refused');
    expect(await subscribeOutcome(nc, admin, 'dx.registry.>', 'dx.registry.x')).toBe('refused');
  });

  it('objects: gateway stores a large package, router and archive read it chunk by chunk and delete it; registry may not', async () => {
    const bytes = Buffer.alloc(2_500_000, 9); // several chunks
    const name = `perm-${run}-object`;
    await putPackageObject(jetstream(await as('gateway')), name, [bytes]);
    for (const reader of ['router', 'archive', 'connector'] as const) {
      const parts: Uint8Array[] = [];
      for await (const c of readPackageObject(jetstream(await as(reader)), name)) parts.push(c);
      expect(Buffer.concat(parts).equals(bytes)).toBe(true);
    }
    const registry = jetstream(await as('registry'));
    await expect(putPackageObject(registry, `${name}-2`, [bytes])).rejects.toThrow(PERMISSION_DENIED);
    await expect(
      (async () => {
        for await (const c of readPackageObject(registry, name)) void c;
      })(),
    ).rejects.toThrow(PERMISSION_DENIED);
    expect(await deletePackageObject(jetstream(await as('archive')), name)).toBe(true);
    expect(await hasPackageObject(jetstream(admin), name)).toBe(false);
  });

  it('axis-link: serves dx.axis.*.*, never the agency calls', async () => {
    const nc = await as('axis-link');
    expect(await subscribeOutcome(nc, admin, 'dx.axis.*.*', 'dx.axis.H41.inbox')).toBe('allowed');
    expect(await subscribeOutcome(nc, admin, 'dx.agency.*.*', 'dx.agency.G01.inbox')).toBe('refused');
    expect(await publishOutcome(nc, 'dx.out.edoc')).toBe('refused');
  });
});

describe('rendering of the permissions', () => {
  it('derives every service principal from proto/, each reading only its own reply inbox', () => {
    const router = principalPermissions('router');
    expect(router.publish).toContain(`$JS.ACK.${STREAMS.packages.name}.router.>`);
    expect(router.publish).toContain('dx.dlq.router');
    expect(router.publish).not.toContain('dx.dlq.archive-packages');
    expect(router.subscribe).toEqual(['_INBOX_router.>']);
    expect(principalPermissions('admin')).toMatchObject({ publish: ['>'], subscribe: ['>'] });
    expect(principalPermissions('registry').allowResponses).toBe(true);
  });

  it('gives an agency system its agencies’ calls and its own inbox', () => {
    const p = agencySystemPermissions('qlvb-a', ['000.00.01.H41', '000.00.02.H41']);
    expect(p.publish).toEqual(['dx.agency.000_00_01_H41.>', 'dx.agency.000_00_02_H41.>']);
    expect(p.subscribe).toEqual(['_INBOX_qlvb-a.>']);
    expect(() => agencySystemPermissions('a.b', [])).toThrow(/one subject token/);
    // A user allowed nothing is written as a deny of everything, never as an empty (= unrestricted) list.
    const text = renderNatsUsers([
      { user: 'x', password: 'p', permissions: { publish: [], subscribe: ['s'], allowResponses: false } },
    ]);
    expect(text).toContain('publish: { deny: [">"] }');
  });
});
