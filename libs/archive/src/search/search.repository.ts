import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { SearchCursor } from './search.cursor.js';
import type { SearchFilterDto, SearchOrder, SearchSort } from './search.query.js';

/** One archived document as the search answers it. */
export interface SearchItem {
  docId: string;
  documentId: string;
  from: string;
  codeNumber: string | null;
  codeNotation: string | null;
  subject: string | null;
  /** As written in the package (yyyy/MM/dd). */
  promulgationDate: string | null;
  typeName: string | null;
  priority: string | null;
  dueDate: string | null;
  acceptedAt: string;
  /** Every recipient with its latest business status (null: none reported yet), ordered by OrganId. */
  recipients: { organId: string; status: string | null; statusAt: string | null }[];
}

export interface SearchRow {
  item: SearchItem;
  /** The sort key as Postgres prints it, for the next cursor. */
  key: string;
}

/** The filters after validation: dates checked, text NFC-normalised and split into words. */
export interface SearchCriteria extends Omit<SearchFilterDto, 'text' | 'sort' | 'order'> {
  words: string[];
  sort: SearchSort;
  order: SearchOrder;
}

/** Undated documents sort first ascending: '-infinity' keeps the keyset total (see the migration's indexes). */
const PROMULGATED = `coalesce(p.promulgated_on, '-infinity'::date)`;

/**
 * The sort key per sort, over the documents (p) or, when a recipient is named, over that recipient's rows (r),
 * which carry the same keys and an index per recipient in either order.
 */
const SORT_KEY: Record<SearchSort, { doc: string; recipient: string; type: string }> = {
  acceptedAt: { doc: 'p.accepted_at', recipient: 'r.accepted_at', type: 'timestamptz' },
  promulgationDate: { doc: PROMULGATED, recipient: 'r.promulgated_key', type: 'date' },
};

interface Filter {
  from: string;
  /** Every condition but the words. */
  where: string[];
  /** The words' conditions on a folded text column. */
  text: (column: string) => string[];
  params: unknown[];
  $: (v: unknown) => string;
  key: string;
  id: string;
}

/**
 * Rows read in sort order, before the words are checked, by the first attempt of a text search. Common words
 * (one document in a few hundred or more) fill a page within them, far faster than collecting every match
 * from the trigram index and sorting it; rarer words fall through to the index. Postgres cannot tell the two
 * apart (its estimate of a trigram LIKE is a guess), so the repository tries the ordered walk first.
 */
export const ORDERED_PROBE_ROWS = 5000;

type DocRow = {
  doc_id: string;
  document_id: string;
  sender_organ_id: string;
  code_number: string | null;
  code_notation: string | null;
  subject: string | null;
  promulgation_date: string | null;
  type_name: string | null;
  priority: string | null;
  due_date: string | null;
  accepted_at: Date;
  sort_key: string;
};

const selectDoc = (key: string): string =>
  `SELECT p.doc_id, p.document_id, p.sender_organ_id, p.code_number, p.code_notation, p.subject,
          p.promulgation_date, p.type_name, p.priority, p.metadata->>'dueDate' AS due_date, p.accepted_at,
          (${key})::text AS sort_key`;

/** LIKE's own characters in a word are literal. */
const likeEscape = (w: string): string => w.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Keyset-paginated SQL over archived_package (documents only) and archive_recipient. Full text is a LIKE per
 * word on the folded search_text column, served by its trigram index.
 */
@Injectable()
export class SearchRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** How many documents match (the CLI's progress bar); as costly as reading them all, so on request only. */
  async count(c: SearchCriteria): Promise<number> {
    const { from, where, text, params } = this.filter(c);
    const rows: { n: string }[] = await this.ds.query(
      `SELECT count(*) AS n FROM ${from} WHERE ${[...where, ...text('p.search_text')].join(' AND ')}`,
      params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async page(c: SearchCriteria, limit: number, after?: SearchCursor): Promise<SearchRow[]> {
    const { from, where, text, params, $, key, id } = this.filter(c);
    const dir = c.order === 'asc' ? 'ASC' : 'DESC';
    if (after) {
      const type = SORT_KEY[c.sort].type;
      where.push(
        `(${key}, ${id}) ${c.order === 'asc' ? '>' : '<'} (${$(after.key)}::${type}, ${$(after.docId)}::uuid)`,
      );
    }
    const order = (k: string, i: string) => `ORDER BY ${k} ${dir}, ${i} ${dir}`;
    let rows: DocRow[] | undefined;
    if (c.words.length) {
      // Both queries use every parameter: limits are inlined (validated integers).
      const [probe]: { scanned: number; ids: string[] }[] = await this.ds.query(
        `WITH ordered AS MATERIALIZED (
           SELECT ${id} AS id, ${key} AS k, p.search_text FROM ${from}
            WHERE ${where.join(' AND ')} ${order(key, id)} LIMIT ${ORDERED_PROBE_ROWS})
         SELECT (SELECT count(*)::int FROM ordered) AS scanned,
                array(SELECT o.id::text FROM ordered o WHERE ${text('o.search_text').join(' AND ')}
                       ${order('o.k', 'o.id')} LIMIT ${Math.trunc(limit)}) AS ids`,
        params,
      );
      // A full page, or every candidate seen: these are the first matches in order.
      if (probe.ids.length >= limit || probe.scanned < ORDERED_PROBE_ROWS) {
        const found: DocRow[] = probe.ids.length
          ? await this.ds.query(
              `${selectDoc(SORT_KEY[c.sort].doc)} FROM archived_package p WHERE p.doc_id = ANY($1::uuid[])`,
              [probe.ids],
            )
          : [];
        const at = new Map(probe.ids.map((docId, n) => [docId, n]));
        rows = found.sort((a, b) => (at.get(a.doc_id) ?? 0) - (at.get(b.doc_id) ?? 0));
      }
    }
    const docs: DocRow[] =
      rows ??
      (await this.ds.query(
        `${selectDoc(key)}
         FROM ${from}
        WHERE ${[...where, ...text('p.search_text')].join('\n          AND ')}
        ${order(key, id)}
        LIMIT ${Math.trunc(limit)}`,
        params,
      ));
    const recipients = await this.recipientsOf(docs.map((r) => r.doc_id));
    return docs.map((r) => ({
      key: r.sort_key,
      item: {
        docId: r.doc_id,
        documentId: r.document_id,
        from: r.sender_organ_id,
        codeNumber: r.code_number,
        codeNotation: r.code_notation,
        subject: r.subject,
        promulgationDate: r.promulgation_date,
        typeName: r.type_name,
        priority: r.priority,
        dueDate: r.due_date,
        acceptedAt: r.accepted_at.toISOString(),
        recipients: recipients.get(r.doc_id) ?? [],
      },
    }));
  }

  private filter(c: SearchCriteria): Filter {
    const params: unknown[] = [];
    const $ = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    const where = [`p.message_type = 'edoc'`];
    if (c.from) where.push(`p.sender_organ_id = ${$(c.from)}`);
    if (c.documentId) where.push(`p.document_id = ${$(c.documentId)}`);
    if (c.codeNumber) where.push(`p.code_number = ${$(c.codeNumber)}`);
    if (c.codeNotation) where.push(`p.code_notation = ${$(c.codeNotation)}`);
    // On the indexed sort expression, so a date range is an index range; undated documents never match.
    if (c.promulgatedFrom) where.push(`${PROMULGATED} >= ${$(c.promulgatedFrom)}::date`);
    if (c.promulgatedTo)
      where.push(`${PROMULGATED} <= ${$(c.promulgatedTo)}::date AND p.promulgated_on IS NOT NULL`);
    if (c.acceptedFrom) where.push(`p.accepted_at >= ${$(c.acceptedFrom)}::timestamptz`);
    if (c.acceptedTo) where.push(`p.accepted_at < ${$(c.acceptedTo)}::timestamptz`);
    if (c.typeName) where.push(`p.type_name = ${$(c.typeName)}`);
    if (c.priority) where.push(`p.priority = ${$(c.priority)}`);
    const words = c.words.map((w) => $(likeEscape(w)));
    const text = (column: string) => words.map((w) => `${column} LIKE '%' || dx_fold(${w}) || '%'`);
    const status = (r: string): string =>
      c.status === 'none' ? `${r}.latest_status IS NULL` : `${r}.latest_status = ${$(c.status)}`;
    const sort = SORT_KEY[c.sort];
    if (c.to) {
      // Walk the recipient's index in sort order and join each document, instead of probing every document.
      where.push(`r.recipient_organ_id = ${$(c.to)}`, `${sort.recipient} IS NOT NULL`);
      if (c.status) where.push(status('r'));
      return {
        from: 'archive_recipient r JOIN archived_package p ON p.doc_id = r.doc_id',
        where,
        text,
        params,
        $,
        key: sort.recipient,
        id: 'r.doc_id',
      };
    }
    if (c.status) {
      where.push(`EXISTS (SELECT 1 FROM archive_recipient s WHERE s.doc_id = p.doc_id AND ${status('s')})`);
    }
    return { from: 'archived_package p', where, text, params, $, key: sort.doc, id: 'p.doc_id' };
  }

  private async recipientsOf(docIds: string[]): Promise<Map<string, SearchItem['recipients']>> {
    const out = new Map<string, SearchItem['recipients']>();
    if (!docIds.length) return out;
    const rows: { doc_id: string; organ_id: string; status: string | null; status_at: Date | null }[] =
      await this.ds.query(
        `SELECT doc_id, recipient_organ_id AS organ_id, latest_status AS status, latest_status_at AS status_at
           FROM archive_recipient WHERE doc_id = ANY($1::uuid[])
          ORDER BY doc_id, recipient_organ_id`,
        [docIds],
      );
    for (const r of rows) {
      const list = out.get(r.doc_id) ?? [];
      list.push({ organId: r.organ_id, status: r.status, statusAt: r.status_at?.toISOString() ?? null });
      out.set(r.doc_id, list);
    }
    return out;
  }
}
