// Keyset cursors: the sort key and DocId of the last row of a page, opaque to the caller. A page after a
// cursor is the rows strictly beyond it, so rows inserted meanwhile never shift or repeat what was read.
import { DxError } from '#contracts';
import type { SearchOrder, SearchSort } from './search.query.js';

export interface SearchCursor {
  sort: SearchSort;
  order: SearchOrder;
  /** The sort key as Postgres printed it (exact: timestamps keep their microseconds). */
  key: string;
  docId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What Postgres prints for each sort key (ISO DateStyle), so a forged key never reaches a cast. */
const KEY: Record<SearchSort, RegExp> = {
  acceptedAt: /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:?\d{2})?)?$/,
  promulgationDate: /^(\d{4}-\d{2}-\d{2}|-infinity)$/,
};

export function encodeCursor(c: SearchCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.order, c.key, c.docId]), 'utf8').toString('base64url');
}

/** The cursor, checked against the sort of the request: a cursor of another sort would skip rows. */
export function decodeCursor(text: string, sort: SearchSort, order: SearchOrder): SearchCursor {
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parts = null;
  }
  if (
    !Array.isArray(parts) ||
    parts.length !== 4 ||
    !parts.every((p) => typeof p === 'string') ||
    !UUID.test(parts[3] as string)
  ) {
    throw new DxError('BAD_REQUEST', 'cursor is not a cursor of this search');
  }
  const [s, o, key, docId] = parts as string[];
  if (s !== sort || o !== order) {
    throw new DxError('BAD_REQUEST', `cursor belongs to a search sorted by ${s} ${o}, not ${sort} ${order}`);
  }
  if (!KEY[sort].test(key)) throw new DxError('BAD_REQUEST', 'cursor is not a cursor of this search');
  return { sort, order, key, docId };
}
