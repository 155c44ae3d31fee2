import { describe, it, expect } from '@jest/globals';
import { createHash, createHmac } from 'node:crypto';
import {
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
const parts = { method: 'post', path: '/sendEdoc?x=1', timestamp: 1732300000, bodySha256: bodyHash };

describe('DX1 request signature', () => {
  it('builds the documented string to sign', () => {
    expect(stringToSign(parts)).toBe(`DX1-HMAC-SHA256\nPOST\n/sendEdoc?x=1\n1732300000\n${bodyHash}`);
  });

  it('matches an HMAC computed independently with node:crypto', () => {
    const expected = createHmac('sha256', secret)
      .update(['DX1-HMAC-SHA256', 'POST', '/sendEdoc?x=1', '1732300000', bodyHash].join('\n'))
      .digest('hex');
    expect(signRequest(secret, parts)).toBe(expected);
    expect(verifySignature(secret, stringToSign(parts), expected)).toBe(true);
  });

  it('produces the three headers', () => {
    const h = signedHeaders('sys-a', secret, {
      method: 'POST',
      path: '/sendEdoc?x=1',
      body,
      timestamp: 1732300000,
    });
    expect(Object.keys(h).sort()).toEqual(
      [SIGNATURE_HEADERS.signature, SIGNATURE_HEADERS.system, SIGNATURE_HEADERS.timestamp].sort(),
    );
    expect(h['x-dx-system']).toBe('sys-a');
    expect(h['x-dx-timestamp']).toBe('1732300000');
    expect(h['x-dx-signature']).toBe(signRequest(secret, parts));
  });

  it('defaults the timestamp to now and hashes an absent body as empty', () => {
    const before = Math.floor(Date.now() / 1000);
    const h = signedHeaders('sys-a', secret, { method: 'GET', path: '/x' });
    const ts = Number(h['x-dx-timestamp']);
    expect(ts).toBeGreaterThanOrEqual(before);
    expect(ts).toBeLessThanOrEqual(before + 2);
    const sts = stringToSign({ method: 'GET', path: '/x', timestamp: ts, bodySha256: sha256Hex('') });
    expect(sts.endsWith('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')).toBe(true);
    expect(verifySignature(secret, sts, h['x-dx-signature'])).toBe(true);
  });

  it('fails when any signed field or the secret changes', () => {
    const sig = signRequest(secret, parts);
    const variants = [
      { ...parts, method: 'PUT' },
      { ...parts, path: '/sendEdoc?x=2' },
      { ...parts, timestamp: 1732300001 },
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
  });
});
