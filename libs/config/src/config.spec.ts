import { describe, it, expect } from '@jest/globals';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('reads the documented variables and converts numbers', () => {
    const cfg = loadConfig({
      NATS_URL: 'nats://x:1',
      DOCAXIS_GATEWAY_PORT: '9090',
      DATABASE_URL: 'postgres://u@h/db',
    });
    expect(cfg.natsUrl).toBe('nats://x:1');
    expect(cfg.gatewayPort).toBe(9090);
    expect(cfg.databaseUrl).toBe('postgres://u@h/db');
  });

  it('leaves the master key optional but refuses a malformed one', () => {
    expect(loadConfig({}).masterKey).toBe('');
    expect(() => loadConfig({ DOCAXIS_MASTER_KEY: 'abc' })).toThrow(
      'DOCAXIS_MASTER_KEY must be 64 hex characters',
    );
    expect(() => loadConfig({}, ['masterKey'])).toThrow('DOCAXIS_MASTER_KEY is required');
  });

  it('reads the archive blob threshold, 1 MiB by default, and refuses a negative one', () => {
    expect(loadConfig({}).archiveBlobThresholdBytes).toBe(1024 * 1024);
    expect(loadConfig({ DOCAXIS_ARCHIVE_BLOB_THRESHOLD_BYTES: '4096' }).archiveBlobThresholdBytes).toBe(4096);
    expect(() => loadConfig({ DOCAXIS_ARCHIVE_BLOB_THRESHOLD_BYTES: '-1' })).toThrow(
      /archiveBlobThresholdBytes/,
    );
  });

  it('names the variable at fault', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow('DATABASE_URL must be a postgres:// URL');
    expect(() => loadConfig({ DOCAXIS_AXIS_ROLE: 'global' })).toThrow(/axisRole/);
  });
});
