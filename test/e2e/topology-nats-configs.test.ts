// The documented NATS configurations of the NATS connector driver (deploy/topology/nats/) on real nats-servers:
// they load, each axis has its own JetStream domain, a province reaches the national axis link over its
// leafnode as itself only, and an axis's own subjects stay on its server.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { ensureNatsServerInstalled, freePort } from '#stack';
import { eventually } from '#local-hub';

const CONFIGS = resolve('deploy/topology/nats');
const AXES = [
  { key: 'national', file: 'national.conf', clientPort: 4222 },
  { key: 'h41', file: 'province-h41.conf', clientPort: 4223 },
  { key: 'h14', file: 'province-h14.conf', clientPort: 4224 },
] as const;
type Key = (typeof AXES)[number]['key'];

describe('the leafnode configurations of the topology (NATS driver)', () => {
  let dir: string;
  const servers: ChildProcess[] = [];
  const nc = {} as Record<Key, NatsConnection>;

  beforeAll(async () => {
    const bin = ensureNatsServerInstalled();
    dir = mkdtempSync(join(tmpdir(), 'docaxis-leaf-'));
    const leafPort = await freePort();
    const passwords = { h41: 'leaf-secret-h41', h14: 'leaf-secret-h14' };
    for (const axis of AXES) {
      const port = await freePort();
      // The documented file, moved to free loopback ports and a temporary store; nothing else changes.
      const text = readFileSync(join(CONFIGS, axis.file), 'utf8')
        .replace(`127.0.0.1:${axis.clientPort}`, `127.0.0.1:${port}`)
        .replace('127.0.0.1:7422', `127.0.0.1:${leafPort}`)
        .replace(`/var/lib/docaxis/${axis.key}/nats`, join(dir, axis.key));
      const file = join(dir, axis.file);
      writeFileSync(file, text);
      const env = {
        ...process.env,
        DX_LEAF_PASSWORD_H41: passwords.h41,
        DX_LEAF_PASSWORD_H14: passwords.h14,
        ...(axis.key === 'national'
          ? {}
          : {
              DX_NATIONAL_LEAF_URL: `nats-leaf://axis-${axis.key}:${passwords[axis.key]}@127.0.0.1:${leafPort}`,
            }),
      };
      servers.push(spawn(bin, ['-c', file, '-l', join(dir, `${axis.key}.log`)], { env, stdio: 'ignore' }));
      nc[axis.key] = await eventually(
        () => connect({ servers: `nats://127.0.0.1:${port}`, reconnect: false }).catch(() => null),
        `the ${axis.key} nats-server`,
        20_000,
      );
    }
  }, 60_000);

  afterAll(async () => {
    for (const c of Object.values(nc)) await c.close().catch(() => undefined);
    await Promise.all(
      servers.map(
        (s) =>
          new Promise((r) => {
            if (s.exitCode !== null) return r(null);
            s.once('exit', r);
            s.kill('SIGTERM');
          }),
      ),
    );
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gives every axis its own JetStream domain, with same-named streams kept apart', async () => {
    for (const axis of AXES) {
      const info = await (await jetstreamManager(nc[axis.key])).getAccountInfo();
      expect(info.domain).toBe(axis.key);
    }
    const h41 = await jetstreamManager(nc.h41);
    const national = await jetstreamManager(nc.national);
    await h41.streams.add({ name: 'DX_OUTBOUND', subjects: ['dx.out.>'] });
    await national.streams.add({ name: 'DX_OUTBOUND', subjects: ['dx.out.>'] });
    await jetstream(nc.h41).publish('dx.out.edoc', Buffer.from('<edXML/>'));
    expect((await h41.streams.info('DX_OUTBOUND')).state.messages).toBe(1);
    expect((await national.streams.info('DX_OUTBOUND')).state.messages).toBe(0);
  });

  it("lets a province call only its own axis link, never another's nor the national services", async () => {
    // The national axis link answers every province's calls; the subject says which province is asking.
    nc.national.subscribe('dx.axis.*.*', { callback: (_e, m) => void m.respond(`national: ${m.subject}`) });
    for (const key of ['national', 'h14'] as const) {
      nc[key].subscribe('dx.registry.agency.resolve', {
        callback: (_e, m) => void m.respond(`${key} answered`),
      });
    }
    await nc.national.flush();
    await nc.h14.flush();
    for (const [key, code] of [
      ['h41', 'H41'],
      ['h14', 'H14'],
    ] as const) {
      const reply = await eventually(
        () => nc[key].request(`dx.axis.${code}.inbox`, '{}', { timeout: 500 }).catch(() => null),
        `${key}'s call across its leafnode link`,
        20_000,
      );
      expect(reply.string()).toBe(`national: dx.axis.${code}.inbox`);
    }
    // H41 cannot call as H14, and no registry but its own ever answers it.
    await expect(nc.h41.request('dx.axis.H14.inbox', '{}', { timeout: 1000 })).rejects.toThrow();
    await expect(nc.h41.request('dx.registry.agency.resolve', '{}', { timeout: 1000 })).rejects.toThrow();
  });
});
