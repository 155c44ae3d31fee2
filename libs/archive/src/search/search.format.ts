// A result set as CSV or JSON, item by item, so an export streams. Used by the gateway's export and the CLI.
import type { SearchItem } from './search.repository.js';
import type { ExportFormat } from './search.query.js';

export const SEARCH_CSV_COLUMNS = [
  'docId',
  'documentId',
  'from',
  'recipients',
  'codeNumber',
  'codeNotation',
  'promulgationDate',
  'typeName',
  'priority',
  'dueDate',
  'acceptedAt',
  'subject',
] as const;

/** RFC 4180: quoted when it holds a comma, quote or line break. */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvLine = (fields: unknown[]): string => `${fields.map(csvField).join(',')}\r\n`;

/** Recipients as `OrganId:status` joined by `;` (status `-` when none was reported). */
function csvValue(item: SearchItem, col: (typeof SEARCH_CSV_COLUMNS)[number]): unknown {
  if (col === 'recipients') return item.recipients.map((r) => `${r.organId}:${r.status ?? '-'}`).join(';');
  return item[col];
}

/** Text chunks of an export: the header (CSV) or `[` (JSON), one chunk per item, then the end. */
export async function* formatSearchResults(
  items: AsyncIterable<SearchItem>,
  format: ExportFormat,
): AsyncGenerator<string> {
  if (format === 'csv') {
    yield csvLine([...SEARCH_CSV_COLUMNS]);
    for await (const item of items) yield csvLine(SEARCH_CSV_COLUMNS.map((c) => csvValue(item, c)));
    return;
  }
  let first = true;
  yield '[';
  for await (const item of items) {
    yield `${first ? '\n' : ',\n'}${JSON.stringify(item)}`;
    first = false;
  }
  yield first ? ']\n' : '\n]\n';
}
