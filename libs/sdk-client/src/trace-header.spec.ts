import { describe, it, expect } from '@jest/globals';
import { decodeTraceHeader, encodeTraceHeader } from './trace-header.js';

describe('x-dx-trace', () => {
  it('round-trips hops as ASCII', () => {
    const trace = [{ OrganId: '000.00.00.H41', Timestamp: '2026/11/23 09:00:00' }];
    const value = encodeTraceHeader(trace);
    expect(value).toMatch(/^[\x21-\x7e]+$/);
    expect(decodeTraceHeader(value)).toEqual(trace);
  });

  it('reads an absent or empty header as no hops', () => {
    expect(decodeTraceHeader(undefined)).toEqual([]);
    expect(decodeTraceHeader(null)).toEqual([]);
    expect(decodeTraceHeader(' ')).toEqual([]);
  });

  it('says what is wrong with a bad value', () => {
    expect(() => decodeTraceHeader('%7B')).toThrow(/JSON array/);
    expect(() => decodeTraceHeader(encodeURIComponent('{"OrganId":"x"}'))).toThrow(/not a JSON array/);
    expect(() => decodeTraceHeader(encodeURIComponent('[{"OrganId":"x"}]'))).toThrow(/hop 0/);
  });
});
