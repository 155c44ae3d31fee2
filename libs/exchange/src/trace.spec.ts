import { describe, it, expect } from '@jest/globals';
import { encodeTrace } from '#contracts';
import { MAX_TRACE_HOPS, parseTraceHeader, withHop } from './trace.js';

const hop = { OrganId: '000.00.00.H41', Timestamp: '2026/11/23 09:00:00' };
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('trace', () => {
  it('reads the hops of a forwarding axis, none when the header is absent', () => {
    expect(parseTraceHeader(encodeTrace([hop]))).toEqual([hop]);
    expect(parseTraceHeader(undefined)).toEqual([]);
  });

  it('refuses junk with BAD_REQUEST naming the header', () => {
    expect(() => parseTraceHeader('{')).toThrow(/x-dx-trace/);
    expect(codeOf(() => parseTraceHeader('{'))).toBe('BAD_REQUEST');
    expect(codeOf(() => parseTraceHeader(encodeTrace([{ ...hop, OrganId: 'not an id' }])))).toBe(
      'BAD_REQUEST',
    );
    expect(codeOf(() => parseTraceHeader(encodeTrace([{ ...hop, Timestamp: 'yesterday' }])))).toBe(
      'BAD_REQUEST',
    );
    const loop = Array.from({ length: MAX_TRACE_HOPS + 1 }, () => hop);
    expect(() => parseTraceHeader(encodeTrace(loop))).toThrow(/at most/);
  });

  it("appends this hub's hop in Vietnam local time, as a TraceHeader writes it", () => {
    const at = new Date('2026-11-23T02:00:05.000Z'); // 09:00:05 in Vietnam (UTC+7)
    expect(withHop([hop], '000.00.00.G22', at)).toEqual([
      hop,
      { OrganId: '000.00.00.G22', Timestamp: '2026/11/23 09:00:05' },
    ]);
  });
});
