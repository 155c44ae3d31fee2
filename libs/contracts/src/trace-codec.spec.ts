import { describe, it, expect } from '@jest/globals';
import { decodeTrace, encodeTrace } from './trace-codec.js';

describe('x-dx-trace', () => {
  it('round-trips hops as ASCII', () => {
    const trace = [{ OrganId: '000.00.00.H41', Timestamp: '2026/11/23 09:00:00' }];
    const value = encodeTrace(trace);
    expect(value).toMatch(/^[\x21-\x7e]+$/);
    expect(decodeTrace(value)).toEqual(trace);
  });

  it('reads an absent or empty header as no hops', () => {
    expect(decodeTrace(undefined)).toEqual([]);
    expect(decodeTrace(null)).toEqual([]);
    expect(decodeTrace(' ')).toEqual([]);
  });

  it('says what is wrong with a bad value', () => {
    expect(() => decodeTrace('%7B')).toThrow(/JSON array/);
    expect(() => decodeTrace(encodeURIComponent('{"OrganId":"x"}'))).toThrow(/not a JSON array/);
    expect(() => decodeTrace(encodeURIComponent('[{"OrganId":"x"}]'))).toThrow(/hop 0/);
  });
});
