import { describe, expect, it } from '@jest/globals';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NATS_MAX_PAYLOAD, NATS_MAX_PENDING, findNatsServer, renderNatsConfig } from './nats-server.js';

describe('renderNatsConfig', () => {
  const config = renderNatsConfig({
    port: 40123,
    storeDir: '/tmp/js store',
    name: 'hub-1',
    configExtra: 'debug: true',
  });

  it('listens on loopback at the given port with JetStream in the store dir', () => {
    expect(config).toContain('listen: "127.0.0.1:40123"');
    expect(config).toContain('server_name: "hub-1"');
    expect(config).toMatch(/jetstream \{\n {2}store_dir: "\/tmp\/js store"\n\}/);
    expect(config.trimEnd().endsWith('debug: true')).toBe(true);
  });

  it('raises max_payload to the 64 MiB NATS allows, with max_pending above it', () => {
    expect(NATS_MAX_PAYLOAD).toBe(67108864);
    expect(NATS_MAX_PENDING).toBeGreaterThanOrEqual(NATS_MAX_PAYLOAD);
    expect(config).toContain(`max_payload: ${NATS_MAX_PAYLOAD}`);
    expect(config).toContain(`max_pending: ${NATS_MAX_PENDING}`);
  });

  it('matches the limits documented in deploy/nats/hub.conf', () => {
    const example = readFileSync(new URL('../../../deploy/nats/hub.conf', import.meta.url), 'utf8');
    expect(example).toMatch(new RegExp(`^max_payload: ${NATS_MAX_PAYLOAD}$`, 'm'));
    expect(example).toMatch(new RegExp(`^max_pending: ${NATS_MAX_PENDING}$`, 'm'));
  });
});

describe('renderNatsConfig with users', () => {
  it('includes the users list in an authorization block, so nobody connects without a user', () => {
    const conf = renderNatsConfig({
      port: 1,
      storeDir: '/s',
      name: 'n',
      usersInclude: 'u.conf',
      pidFile: '/p',
    });
    expect(conf).toMatch(/authorization \{\n {2}include "u\.conf"\n\}/);
    expect(conf).toContain('pid_file: "/p"');
  });

  it('leaves the include to the accounts of configExtra when the users belong to an account', () => {
    const conf = renderNatsConfig({
      port: 1,
      storeDir: '/s',
      name: 'n',
      usersInclude: 'u.conf',
      usersInAccount: true,
    });
    expect(conf).not.toContain('authorization');
  });
});

describe('findNatsServer', () => {
  it('prefers NATS_SERVER_BIN, then PATH', () => {
    const dir = mkdtempSync(join(tmpdir(), 'docaxis-find-nats-'));
    try {
      const fake = join(dir, 'nats-server');
      writeFileSync(fake, '#!/bin/sh\n');
      chmodSync(fake, 0o755);
      expect(findNatsServer({ NATS_SERVER_BIN: fake, PATH: '' })).toBe(fake);
      expect(findNatsServer({ PATH: `/nonexistent:${dir}` })).toBe(fake);
      expect(findNatsServer({ NATS_SERVER_BIN: join(dir, 'missing'), PATH: dir })).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
