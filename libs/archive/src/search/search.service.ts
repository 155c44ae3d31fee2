import { Inject, Injectable } from '@nestjs/common';
import { DxError } from '#contracts';
import { dbCall } from '#store';
import { decodeCursor, encodeCursor, type SearchCursor } from './search.cursor.js';
import { SearchRepository, type SearchCriteria, type SearchItem } from './search.repository.js';
import type { SearchFilterDto, SearchPageDto } from './search.query.js';

export interface SearchPage {
  items: SearchItem[];
  /** Cursor of the next page; absent on the last page. */
  next?: string;
  /** Number of matches, when asked for (`count`). */
  total?: number;
}

/** Rows per query while exporting: a keyset batch, so the result set is never held whole. */
export const EXPORT_BATCH = 1000;
const MAX_WORDS = 8;

const isRealDay = (d: string): boolean => {
  const t = new Date(`${d}T00:00:00Z`);
  return !Number.isNaN(t.getTime()) && t.toISOString().startsWith(d);
};

/** Archive search for archivists: validated criteria, keyset pages, and whole result sets in batches. */
@Injectable()
export class SearchService {
  constructor(@Inject(SearchRepository) private readonly repo: SearchRepository) {}

  async search(q: SearchPageDto): Promise<SearchPage> {
    const c = criteria(q);
    const limit = q.limit ?? 50;
    const after = q.cursor ? decodeCursor(q.cursor, c.sort, c.order) : undefined;
    // One row more than asked tells whether there is a next page without counting.
    const rows = await dbCall('archive search', () => this.repo.page(c, limit + 1, after));
    const total = q.count ? await dbCall('archive search count', () => this.repo.count(c)) : undefined;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((r) => r.item),
      ...(rows.length > limit && last
        ? { next: encodeCursor({ sort: c.sort, order: c.order, key: last.key, docId: last.item.docId }) }
        : {}),
      ...(total !== undefined ? { total } : {}),
    };
  }

  /** Every match, batch after batch along the keyset; validation errors are thrown before the first item. */
  async exportAll(q: SearchFilterDto): Promise<AsyncGenerator<SearchItem>> {
    const c = criteria(q);
    const repo = this.repo;
    return (async function* () {
      let after: SearchCursor | undefined;
      for (;;) {
        const rows = await dbCall('archive export', () => repo.page(c, EXPORT_BATCH, after));
        for (const r of rows) yield r.item;
        if (rows.length < EXPORT_BATCH) return;
        const last = rows[rows.length - 1];
        after = { sort: c.sort, order: c.order, key: last.key, docId: last.item.docId };
      }
    })();
  }
}

/** Checks what the DTO cannot (real days, ranges) and prepares the text: NFC, words. */
export function criteria(q: SearchFilterDto): SearchCriteria {
  for (const f of ['promulgatedFrom', 'promulgatedTo'] as const) {
    const v = q[f];
    if (v !== undefined && !isRealDay(v))
      throw new DxError('BAD_REQUEST', `${f} is not a calendar day: ${v}`);
  }
  if (q.promulgatedFrom && q.promulgatedTo && q.promulgatedFrom > q.promulgatedTo) {
    throw new DxError('BAD_REQUEST', 'promulgatedFrom is after promulgatedTo');
  }
  if (q.acceptedFrom && q.acceptedTo && Date.parse(q.acceptedFrom) > Date.parse(q.acceptedTo)) {
    throw new DxError('BAD_REQUEST', 'acceptedFrom is after acceptedTo');
  }
  const words = (q.text ?? '').normalize('NFC').split(/\s+/u).filter(Boolean);
  if (q.text !== undefined && !words.length) throw new DxError('BAD_REQUEST', 'text has no words');
  if (words.length > MAX_WORDS) throw new DxError('BAD_REQUEST', `text has more than ${MAX_WORDS} words`);
  return {
    from: q.from,
    to: q.to,
    documentId: q.documentId,
    codeNumber: q.codeNumber,
    codeNotation: q.codeNotation,
    promulgatedFrom: q.promulgatedFrom,
    promulgatedTo: q.promulgatedTo,
    acceptedFrom: q.acceptedFrom,
    acceptedTo: q.acceptedTo,
    typeName: q.typeName,
    priority: q.priority,
    status: q.status,
    words,
    sort: q.sort ?? 'acceptedAt',
    order: q.order ?? 'desc',
  };
}
