import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CONSUMERS, OBJECT_STORES, PRINCIPALS, REQUESTS } from '#contracts';
import {
  PRINCIPAL_NAMES,
  agencySystemPermissions,
  principalPermissions,
  renderNatsUsers,
  type NatsUserEntry,
} from './nats-permissions.js';

const passwordVar = (user: string) => `DX_NATS_PASSWORD_${user.toUpperCase().replaceAll('-', '_')}`;

describe('NATS users rendered from proto/ principals', () => {
  it('is what deploy/nats/hub.conf documents (passwords aside)', () => {
    const example = readFileSync(new URL('../../../deploy/nats/hub.conf', import.meta.url), 'utf8');
    const users: NatsUserEntry[] = PRINCIPAL_NAMES.map((name) => ({
      user: name,
      password: passwordVar(name),
      permissions: principalPermissions(name),
    }));
    users.push({
      user: 'demo-qlvb-a',
      password: passwordVar('demo-qlvb-a'),
      permissions: agencySystemPermissions('demo-qlvb-a', ['000.00.01.H41']),
    });
    const rendered = renderNatsUsers(users).replace(/password: "(DX_NATS_PASSWORD_\w+)"/g, 'password: $$$1');
    for (const line of rendered.split('\n')) expect(example).toContain(line);
  });

  it('lets a responder subscribe once to per-caller calls it serves all of, and no more', () => {
    expect(principalPermissions('axis-link').subscribe).toContain('dx.axis.*.*');
    expect(principalPermissions('gateway').subscribe).toContain('dx.agency.*.*');
    // The registry serves fixed subjects: each one, not a wildcard over dx.registry.
    expect(principalPermissions('registry').subscribe).toContain('dx.registry.agency.resolve');
    expect(principalPermissions('registry').subscribe.some((s) => s.includes('*'))).toBe(false);
  });

  it('has a principal serving every request and reading every consumer of proto/ (a new one needs a user)', () => {
    const all = Object.values(PRINCIPALS);
    for (const key of Object.keys(REQUESTS)) {
      expect([key, all.filter((p) => (p.serves as readonly string[]).includes(key)).length]).toEqual([
        key,
        1,
      ]);
    }
    for (const key of Object.keys(CONSUMERS)) {
      expect([key, all.filter((p) => (p.consumes as readonly string[]).includes(key)).length]).toEqual([
        key,
        1,
      ]);
    }
  });

  it('gives no service but admin any JetStream management right (but reading and purging its object buckets)', () => {
    const objectStreams = new Set(Object.values(OBJECT_STORES).map((o) => `OBJ_${o.bucket}`));
    for (const name of PRINCIPAL_NAMES.filter((n) => n !== 'admin')) {
      const { publish } = principalPermissions(name);
      const management = publish.filter((s) =>
        /^\$JS\.API\.(STREAM|CONSUMER\.(CREATE|DURABLE|DELETE))/.test(s),
      );
      // An object store client reads the bucket stream's info and messages and purges an object's chunks.
      expect(
        management.filter((s) => {
          const m = /^\$JS\.API\.STREAM\.(INFO|MSG\.GET|PURGE)\.([^.]+)$/.exec(s);
          return !(m && objectStreams.has(m[2]) && (PRINCIPALS[name].objects as readonly string[]).length);
        }),
      ).toEqual([]);
      expect(publish).not.toContain('>');
    }
  });

  it('lets exactly the principals that declare a bucket use it', () => {
    const bucket = OBJECT_STORES.packages.bucket;
    for (const name of PRINCIPAL_NAMES.filter((n) => n !== 'admin')) {
      const declares = (PRINCIPALS[name].objects as readonly string[]).includes('packages');
      expect([name, principalPermissions(name).publish.includes(`$O.${bucket}.>`)]).toEqual([name, declares]);
    }
    expect(PRINCIPALS.gateway.objects).toContain('packages');
    expect(PRINCIPALS.registry.objects).toEqual([]);
  });
});
