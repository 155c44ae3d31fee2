import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import {
  formatSearchResults,
  statsCsv,
  type SearchItem,
  type SearchPageDto,
  type StatsQueryDto,
  type StatsReport,
} from '#archive';
import { DxError } from '#contracts';
import type { DocaxisClient } from '#sdk-client';
import { clientFor } from '../client-for.js';
import { progressBar } from '../progress.js';

/** Rows per request while following cursors (the gateway's maximum page). */
const PAGE = 1000;

interface SearchOptions {
  fromAgency?: string;
  to?: string;
  text?: string;
  since?: string;
  until?: string;
  documentId?: string;
  codeNumber?: string;
  codeNotation?: string;
  type?: string;
  priority?: string;
  status?: string;
  sort?: string;
  asc?: boolean;
  limit?: string;
  csv?: boolean;
  json?: boolean;
  output?: string;
}

interface StatsOptions {
  agency?: string;
  from: string;
  to: string;
  by?: string;
  asOf?: string;
  csv?: boolean;
  output?: string;
}

const archivistClient = (cmd: Command): DocaxisClient =>
  clientFor(resolve(cmd.optsWithGlobals<{ stateDir: string }>().stateDir));

async function callData<T>(
  client: DocaxisClient,
  path: string,
  body: object,
): Promise<{ data: T; next?: string; total?: number }> {
  const { answer } = await client.call<T>(path, { body });
  if (answer.status !== 'OK' || answer.data === undefined) {
    const fail = answer as { ErrorCode?: string; ErrorDesc?: string };
    throw new DxError(fail.ErrorCode ?? 'INTERNAL', fail.ErrorDesc ?? 'no data in the answer');
  }
  return answer as { data: T; next?: string; total?: number };
}

function positive(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new DxError('BAD_REQUEST', `${name} must be a positive integer`);
  return n;
}

/** The request body from the options; the gateway validates it (and names what is wrong). */
function searchBody(o: SearchOptions): SearchPageDto {
  const body: Record<string, unknown> = {
    from: o.fromAgency,
    to: o.to,
    text: o.text,
    promulgatedFrom: o.since,
    promulgatedTo: o.until,
    documentId: o.documentId,
    codeNumber: o.codeNumber,
    codeNotation: o.codeNotation,
    typeName: o.type,
    priority: o.priority,
    status: o.status,
    sort: o.sort,
    order: o.asc ? 'asc' : undefined,
  };
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) as SearchPageDto;
}

/**
 * Every match (up to `max`), page after page along the cursors; `onPage` hears how far it got. The first page
 * asks for the total, for the progress bar.
 */
async function* followCursors(
  client: DocaxisClient,
  body: SearchPageDto,
  max: number,
  onPage: (done: number, total: number) => void,
): AsyncGenerator<SearchItem> {
  let cursor: string | undefined;
  let done = 0;
  let total = max;
  do {
    const limit = Math.min(PAGE, max - done);
    const page = await callData<SearchItem[]>(client, '/archive/search', {
      ...body,
      limit,
      ...(cursor ? { cursor } : { count: true }),
    });
    if (page.total !== undefined) total = Math.min(max, page.total);
    for (const item of page.data) yield item;
    done += page.data.length;
    onPage(done, total);
    cursor = page.next;
  } while (cursor && done < max);
}

const line = (cells: (string | null | undefined)[]): string => cells.map((c) => c ?? '-').join('  ');

/** `docaxis archive search` and `docaxis archive stats`: archivists' calls to the gateway. */
export function registerArchiveSearchCommands(archive: Command): void {
  archive
    .command('search')
    .description(
      'search archived documents (archivist credentials: DOCAXIS_GATEWAY_URL, DOCAXIS_SYSTEM_ID, DOCAXIS_SYSTEM_SECRET); ' +
        'a table of the first --limit, or the whole result set with --csv/--json',
    )
    .option('--from-agency <organId>', 'sending agency')
    .option('--to <organId>', 'a recipient agency')
    .option('--text <words>', 'words of the subject or content, with or without diacritics')
    .option('--since <yyyy-MM-dd>', 'promulgated on or after')
    .option('--until <yyyy-MM-dd>', 'promulgated on or before')
    .option('--document-id <id>', 'the edXML DocumentId')
    .option('--code-number <number>', 'code number (số)')
    .option('--code-notation <notation>', 'code notation (ký hiệu)')
    .option('--type <typeName>', 'document type name, e.g. "Công văn"')
    .option('--priority <0-4>', 'priority')
    .option('--status <code>', 'latest business status of a recipient (of --to when given): 01…16 or none')
    .option('--sort <key>', 'acceptedAt (default) or promulgationDate')
    .option('--asc', 'oldest first (default: newest first)')
    .option('--limit <n>', 'at most this many documents (default 50 for the table, all for --csv/--json)')
    .option('--csv', 'write CSV')
    .option('--json', 'write a JSON array')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (o: SearchOptions, cmd: Command) => {
      if (o.csv && o.json) throw new DxError('BAD_REQUEST', '--csv and --json exclude each other');
      const client = archivistClient(cmd);
      const body = searchBody(o);
      const format = o.csv ? 'csv' : o.json ? 'json' : undefined;
      const limit = positive('--limit', o.limit);
      if (format) {
        const bar = progressBar('export');
        const items = followCursors(client, body, limit ?? Number.MAX_SAFE_INTEGER, (d, t) =>
          bar.update(d, t),
        );
        try {
          await pipeline(
            Readable.from(formatSearchResults(items, format)),
            o.output ? createWriteStream(o.output) : process.stdout,
          );
        } finally {
          bar.done();
        }
        return;
      }
      const max = limit ?? 50;
      const page = await callData<SearchItem[]>(client, '/archive/search', {
        ...body,
        limit: Math.min(max, PAGE),
      });
      const out: string[] = page.data.map((i) =>
        line([
          i.acceptedAt.slice(0, 19),
          i.promulgationDate,
          i.from,
          i.codeNumber && i.codeNotation ? `${i.codeNumber}/${i.codeNotation}` : i.codeNumber,
          i.typeName,
          i.subject,
          i.recipients.map((r) => `${r.organId}:${r.status ?? '-'}`).join(','),
          i.docId,
        ]),
      );
      if (page.next) out.push(`… more: use --limit, or --csv/--json for the whole result set`);
      if (o.output) {
        await pipeline(Readable.from(out.map((l) => `${l}\n`)), createWriteStream(o.output));
      } else {
        for (const l of out) console.log(l);
      }
    });

  archive
    .command('stats')
    .description(
      'per agency and period: sent, received, statuses, same-day receipts (01/03), completed (06), overdue against DueDate',
    )
    .option('--agency <organId>', 'one agency (default: every agency)')
    .requiredOption('--from <yyyy-MM-dd>', 'first day (Vietnam time)')
    .requiredOption('--to <yyyy-MM-dd>', 'last day, included')
    .option('--by <period>', 'day, month (default) or year')
    .option('--as-of <yyyy-MM-dd>', 'overdue as of this day (default: today)')
    .option('--csv', 'write CSV')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (o: StatsOptions, cmd: Command) => {
      const body: StatsQueryDto = { from: o.from, to: o.to };
      if (o.agency) body.agency = o.agency;
      if (o.by) body.by = o.by as StatsQueryDto['by'];
      if (o.asOf) body.asOf = o.asOf;
      const { data: report } = await callData<StatsReport>(archivistClient(cmd), '/archive/stats', body);
      const text = o.csv ? statsCsv(report) : statsTable(report);
      if (o.output) await pipeline(Readable.from([text]), createWriteStream(o.output));
      else process.stdout.write(text);
    });
}

const pct = (share: number | null): string => (share === null ? '-' : `${(share * 100).toFixed(1)}%`);

function statsTable(r: StatsReport): string {
  const head = ['agency', 'period', 'sent', 'received', 'same-day', 'completed', 'overdue', 'statuses'];
  const rows = r.rows.map((x) => [
    x.agency,
    x.period,
    String(x.sent),
    String(x.received),
    pct(x.sameDayReceiptShare),
    pct(x.completedShare),
    `${x.overdue}/${x.withDueDate}`,
    Object.entries(x.byStatus)
      .map(([k, v]) => `${k}:${v}`)
      .join(' '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const fmt = (cells: string[]) =>
    `${cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd()}\n`;
  return [
    `${r.agency ?? 'every agency'}, ${r.from} … ${r.to} by ${r.by}, overdue as of ${r.asOf}\n`,
    fmt(head),
    ...rows.map(fmt),
  ].join('');
}
