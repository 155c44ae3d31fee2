import { describe, it, expect } from '@jest/globals';
import { DxError } from '#contracts';
import { parseToHeader } from './to-header.js';

const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return (e as DxError).code;
  }
  return undefined;
};

describe('parseToHeader', () => {
  it('is empty when the header is absent or blank', () => {
    expect(parseToHeader(undefined)).toEqual([]);
    expect(parseToHeader('')).toEqual([]);
    expect(parseToHeader('   ')).toEqual([]);
    expect(parseToHeader('[]')).toEqual([]);
  });

  it('reads the JSON array the SDK sends', () => {
    expect(parseToHeader('["000.00.00.G22", "000.00.00.H41"]')).toEqual(['000.00.00.G22', '000.00.00.H41']);
  });

  it('reads a comma-separated list, trimming and skipping empty entries', () => {
    expect(parseToHeader(' 000.00.00.G22 ,,000.00.50.H19 ')).toEqual(['000.00.00.G22', '000.00.50.H19']);
  });

  it('accepts Decision 20/2020 identifiers too', () => {
    expect(parseToHeader('H37.02.02')).toEqual(['H37.02.02']);
  });

  it('removes duplicates, keeping the first occurrence order', () => {
    expect(parseToHeader('["000.00.00.H41","000.00.00.G22","000.00.00.H41"]')).toEqual([
      '000.00.00.H41',
      '000.00.00.G22',
    ]);
  });

  it('refuses broken JSON, non-string entries and non-identifiers with BAD_REQUEST naming the header', () => {
    expect(codeOf(() => parseToHeader('["000.00.00.G22"'))).toBe('BAD_REQUEST');
    expect(codeOf(() => parseToHeader('[1, 2]'))).toBe('BAD_REQUEST');
    expect(codeOf(() => parseToHeader('000.00.00.G22;000.00.00.H41'))).toBe('BAD_REQUEST');
    expect(() => parseToHeader('not an id')).toThrow(/header to: "not an id"/);
  });
});
