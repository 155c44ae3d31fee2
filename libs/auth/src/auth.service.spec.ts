import { describe, it, expect } from '@jest/globals';
import { checkTimestamp, readSignatureHeaders } from './auth.service.js';

const now = Date.UTC(2025, 2, 1, 8, 0, 0);
const secs = Math.floor(now / 1000);
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('checkTimestamp', () => {
  it('accepts timestamps within the window on either side', () => {
    expect(codeOf(() => checkTimestamp(String(secs), 300, now))).toBeUndefined();
    expect(codeOf(() => checkTimestamp(String(secs - 300), 300, now))).toBeUndefined();
    expect(codeOf(() => checkTimestamp(String(secs + 300), 300, now))).toBeUndefined();
  });

  it('refuses timestamps outside the window as AUTH_STALE_TIMESTAMP', () => {
    expect(codeOf(() => checkTimestamp(String(secs - 301), 300, now))).toBe('AUTH_STALE_TIMESTAMP');
    expect(codeOf(() => checkTimestamp(String(secs + 301), 300, now))).toBe('AUTH_STALE_TIMESTAMP');
  });

  it('refuses values that are not unix seconds (e.g. milliseconds or dates)', () => {
    expect(codeOf(() => checkTimestamp(String(now), 300, now))).toBe('AUTH_STALE_TIMESTAMP');
    expect(codeOf(() => checkTimestamp('2025-03-01T08:00:00Z', 300, now))).toBe('AUTH_STALE_TIMESTAMP');
    expect(codeOf(() => checkTimestamp('-5', 300, now))).toBe('AUTH_STALE_TIMESTAMP');
  });
});

describe('readSignatureHeaders', () => {
  const sig = 'ab'.repeat(32);
  const nonce = 'QmFzZTY0VXJsTm9uY2U';
  const ok = {
    'x-dx-system': 'sys-a',
    'x-dx-timestamp': '1700000000',
    'x-dx-nonce': nonce,
    'x-dx-signature': sig,
  };

  it('reads the four DX1 headers', () => {
    expect(readSignatureHeaders(ok)).toEqual({
      systemId: 'sys-a',
      timestamp: '1700000000',
      signature: sig,
      nonce,
    });
  });

  it('names every missing header in AUTH_MISSING', () => {
    expect(() => readSignatureHeaders({})).toThrow(
      'request is not signed: missing x-dx-system, x-dx-timestamp, x-dx-nonce, x-dx-signature',
    );
    expect(() => readSignatureHeaders({ ...ok, 'x-dx-signature': '  ' })).toThrow(
      expect.objectContaining({
        code: 'AUTH_MISSING',
        message: 'request is not signed: missing x-dx-signature',
      }),
    );
  });

  it('refuses a request without a nonce as AUTH_MISSING', () => {
    const noNonce: Record<string, string> = { ...ok };
    delete noNonce['x-dx-nonce'];
    expect(() => readSignatureHeaders(noNonce)).toThrow(
      expect.objectContaining({ code: 'AUTH_MISSING', message: 'request is not signed: missing x-dx-nonce' }),
    );
    expect(codeOf(() => readSignatureHeaders({ ...ok, 'x-dx-nonce': ' ' }))).toBe('AUTH_MISSING');
  });
  it('refuses shapes that cannot verify without asking the registry', () => {
    expect(codeOf(() => readSignatureHeaders({ ...ok, 'x-dx-nonce': 'too-short' }))).toBe(
      'AUTH_BAD_SIGNATURE',
    );
    expect(codeOf(() => readSignatureHeaders({ ...ok, 'x-dx-nonce': 'n'.repeat(65) }))).toBe(
      'AUTH_BAD_SIGNATURE',
    );
    expect(codeOf(() => readSignatureHeaders({ ...ok, 'x-dx-nonce': 'has space in the nonce' }))).toBe(
      'AUTH_BAD_SIGNATURE',
    );
    expect(codeOf(() => readSignatureHeaders({ ...ok, 'x-dx-signature': 'zz'.repeat(32) }))).toBe(
      'AUTH_BAD_SIGNATURE',
    );
    expect(codeOf(() => readSignatureHeaders({ ...ok, 'x-dx-signature': sig + 'ab' }))).toBe(
      'AUTH_BAD_SIGNATURE',
    );
    expect(codeOf(() => readSignatureHeaders({ ...ok, 'x-dx-system': 'a b' }))).toBe('AUTH_UNKNOWN_SYSTEM');
    expect(codeOf(() => readSignatureHeaders({ ...ok, 'x-dx-system': 'x'.repeat(65) }))).toBe(
      'AUTH_UNKNOWN_SYSTEM',
    );
  });
});
