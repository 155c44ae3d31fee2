import { describe, it, expect } from '@jest/globals';
import { DxError } from '#contracts';
import { decodeCursor, encodeCursor } from './search.cursor.js';

const ID = '7d0b3c1e-0000-4000-8000-000000000002';
const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DxError);
    expect((e as DxError).code).toBe('BAD_REQUEST');
    return (e as DxError).message;
  }
  throw new Error('not refused');
};

describe('search cursors', () => {
  it('round-trips the sort key exactly, microseconds and -infinity included', () => {
    for (const [sort, key] of [
      ['acceptedAt', '2026-11-22 21:34:38.123456+00'],
      ['promulgationDate', '2018-10-19'],
      ['promulgationDate', '-infinity'],
    ] as const) {
      const text = encodeCursor({ sort, order: 'asc', key, docId: ID });
      expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeCursor(text, sort, 'asc')).toEqual({ sort, order: 'asc', key, docId: ID });
    }
  });

  it('refuses a cursor of another sort or order, and anything that is not a cursor', () => {
    const c = encodeCursor({ sort: 'acceptedAt', order: 'desc', key: '2026-11-22 21:34:38+00', docId: ID });
    expect(refusal(() => decodeCursor(c, 'acceptedAt', 'asc'))).toBe(
      'cursor belongs to a search sorted by acceptedAt desc, not acceptedAt asc',
    );
    const forge = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');
    for (const bad of [
      'x',
      forge(['acceptedAt', 'desc', '2026-11-22 21:34:38+00']),
      forge(['acceptedAt', 'desc', '2026-11-22 21:34:38+00', 'not-a-uuid']),
      forge(['acceptedAt', 'desc', "1'; DROP TABLE archived_package; --", ID]),
      forge(['acceptedAt', 'desc', 5, ID]),
    ]) {
      expect(refusal(() => decodeCursor(bad, 'acceptedAt', 'desc'))).toBe(
        'cursor is not a cursor of this search',
      );
    }
  });
});
