import { describe, it, expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { generateSecret, SecretBox } from './secret-box.js';

const key = randomBytes(32).toString('hex');

describe('SecretBox', () => {
  it('seals to v1:<iv>:<tag>:<ct> and opens back', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('s3cret-value', 'sys-1');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('s3cret-value');
    expect(Buffer.from(sealed.split(':')[1], 'base64')).toHaveLength(12);
    expect(Buffer.from(sealed.split(':')[2], 'base64')).toHaveLength(16);
    expect(box.open(sealed, 'sys-1')).toBe('s3cret-value');
  });

  it('uses a fresh IV each time', () => {
    const box = new SecretBox(key);
    expect(box.seal('same', 'x')).not.toBe(box.seal('same', 'x'));
  });

  it('refuses another key, another context and any altered part', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('value', 'sys-1');
    expect(() => new SecretBox(randomBytes(32).toString('hex')).open(sealed, 'sys-1')).toThrow();
    expect(() => box.open(sealed, 'sys-2')).toThrow();
    const parts = sealed.split(':');
    const ct = Buffer.from(parts[3], 'base64');
    ct[0] ^= 1;
    expect(() =>
      box.open([parts[0], parts[1], parts[2], ct.toString('base64')].join(':'), 'sys-1'),
    ).toThrow();
    expect(() => box.open(['v2', ...parts.slice(1)].join(':'), 'sys-1')).toThrow('not a sealed secret');
    expect(() => box.open('clear-text', 'sys-1')).toThrow('not a sealed secret');
  });

  it('needs a 32-byte hex master key', () => {
    expect(() => new SecretBox('abcd')).toThrow();
    expect(() => new SecretBox('z'.repeat(64))).toThrow();
  });

  it('generates 32-byte base64url secrets', () => {
    const s = generateSecret();
    expect(Buffer.from(s, 'base64url')).toHaveLength(32);
    expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(s);
  });
});
