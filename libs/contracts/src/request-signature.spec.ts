import { describe, it, expect } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import {
  NONCE_PATTERN,
  newNonce,
  SIGNATURE_HEADERS,
  sha256Hex,
  signedHeaders,
  signRequest,
  stringToSign,
  verifySignature,
} from './request-signature.js';

const secret = 'test-secret-0123456789';
const body = Buffer.from('<edXML>xin chào</edXML>', 'utf8');
const bodyHash = createHash('sha256').update(body).digest('hex');
const nonce = 'n0nce_-ABCdef12345';
const parts = { method: 'post', path: '/sendEdoc?x=1', timestamp: 1732300000, nonce, bodySha256: bodyHash };

describe('DX1 request signature', () => {
  it('builds the documented string to sign', () => {
    expect(stringToSign(parts)).toBe(
      `DX1-HMAC-SHA256\nPOST\n/sendEdoc?x=1\n1732300000\n${nonce}\n${bodyHash}`,
    );
  });

  it('matches an HMAC computed independently with node:crypto', () => {
    const expected = createHmac('sha256', secret)
      .update(['DX1-HMAC-SHA256', 'POST', '/sendEdoc?x=1', '1732300000', nonce, bodyHash].join('\n'))
      .digest('hex');
    expect(signRequest(secret, parts)).toBe(expected);
    expect(verifySignature(secret, stringToSign(parts), expected)).toBe(true);
  });

  it('produces the four headers', () => {
    const h = signedHeaders('sys-a', secret, {
      method: 'POST',
      path: '/sendEdoc?x=1',
      body,
      timestamp: 1732300000,
      nonce,
    });
    expect(Object.keys(h).sort()).toEqual(
      [
        SIGNATURE_HEADERS.signature,
        SIGNATURE_HEADERS.system,
        SIGNATURE_HEADERS.timestamp,
        SIGNATURE_HEADERS.nonce,
      ].sort(),
    );
    expect(h['x-dx-system']).toBe('sys-a');
    expect(h['x-dx-timestamp']).toBe('1732300000');
    expect(h['x-dx-nonce']).toBe(nonce);
    expect(h['x-dx-signature']).toBe(signRequest(secret, parts));
  });

  it('defaults the timestamp to now and hashes an absent body as empty', () => {
    const before = Math.floor(Date.now() / 1000);
    const h = signedHeaders('sys-a', secret, { method: 'GET', path: '/x' });
    const ts = Number(h['x-dx-timestamp']);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(before + 2);
    const sts = stringToSign({
      method: 'GET',
      path: '/x',
      timestamp: ts,
      nonce: h['x-dx-nonce'],
      bodySha256: sha256Hex(''),
    });
    expect(sts.endsWith('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBe(true);
    expect(verifySignature(secret, sts, h['x-dx-signature'])).toBe(true);
  });

  it('fails when any signed field or the secret changes', () => {
    const sig = signRequest(secret, parts);
    const variants = [
      { ...parts, method: 'PUT' },
      { ...parts, path: '/sendEdoc?x=2' },
      { ...parts, timestamp: 1732300001 },
      { ...parts, nonce: 'n0nce_-ABCdef12346' },
      { ...parts, bodySha256: sha256Hex('<edXML>xin chao</edXML>') },
    ];
    for (const v of variants) expect(verifySignature(secret, stringToSign(v), sig)).toBe(false);
    expect(verifySignature('other-secret-0123456789', stringToSign(parts), sig)).toBe(false);
  });

  it('treats malformed signatures as non-matching, case-insensitively for hex', () => {
    const sts = stringToSign(parts);
    const sig = signRequest(secret, parts);
    expect(verifySignature(secret, sts, sig.toUpperCase())).toBe(true);
    expect(verifySignature(secret, sts, sig.slice(2))).toBe(false);
    expect(verifySignature(secret, sts, 'zz' + sig.slice(2))).toBe(false);
    expect(verifySignature(secret, sts, '')).toBe(false);
  });

  it('refuses parts that would make the string ambiguous', () => {
    expect(() => stringToSign({ ...parts, timestamp: '17e8' })).toThrow();
    expect(() => stringToSign({ ...parts, path: '/a\nb' })).toThrow();
    expect(() => stringToSign({ ...parts, bodySha256: 'ABC' })).toThrow();
    expect(() => stringToSign({ ...parts, nonce: 'short' })).toThrow();
    expect(() => stringToSign({ ...parts, nonce: 'a'.repeat(65) })).toThrow();
    expect(() => stringToSign({ ...parts, nonce: 'abcdefghijklmnop\nq' })).toThrow();
    expect(() => stringToSign({ ...parts, nonce: 'abcdefghijklmnop q' })).toThrow();
  });

  it('generates a fresh, well-formed nonce for every request', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const n = newNonce();
      expect(n).toMatch(NONCE_PATTERN);
      seen.add(n);
    }
    expect(seen.size).toBe(1000);
    const a = signedHeaders('sys-a', secret, { method: 'POST', path: '/x', body, timestamp: 1732300000 });
    const b = signedHeaders('sys-a', secret, { method: 'POST', path: '/x', body, timestamp: 1732300000 });
    expect(a['x-dx-nonce']).not.toBe(b['x-dx-nonce']);
    expect(a['x-dx-signature']).not.toBe(b['x-dx-signature']);
  });

  it('accepts nonces of 16 to 64 characters of [A-Za-z0-9_-] only', () => {
    expect(NONCE_PATTERN.test('a'.repeat(16))).toBe(true);
    expect(NONCE_PATTERN.test('A-_9'.repeat(16))).toBe(true);
    expect(NONCE_PATTERN.test('a'.repeat(15))).toBe(false);
    expect(NONCE_PATTERN.test('a'.repeat(65))).toBe(false);
    expect(NONCE_PATTERN.test('a'.repeat(15) + '=')).toBe(false);
  });
});
