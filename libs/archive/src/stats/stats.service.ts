import { Inject, Injectable } from '@nestjs/common';
import { DxError } from '#contracts';
import { dbCall } from '#store';
import { csvLine } from '../search/search.format.js';
import { StatsRepository, type StatsCounts } from './stats.repository.js';
import type { StatsPeriod, StatsQueryDto } from './stats.query.js';

export interface StatsRow extends StatsCounts {
  /** sameDayReceipt / received (null when nothing was received). */
  sameDayReceiptShare: number | null;
  /** completed / received. */
  completedShare: number | null;
}

export interface StatsReport {
  from: string;
  to: string;
  by: StatsPeriod;
  asOf: string;
  agency?: string;
  rows: StatsRow[];
}

const MAX_DAYS = 366 * 20;
const share = (n: number, of: number): number | null => (of ? Math.round((n / of) * 10_000) / 10_000 : null);
/** Vietnam's calendar day of an instant (UTC+7, no daylight saving). */
export const vietnamDay = (t: Date): string =>
  new Date(t.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
/** The instant a Vietnam calendar day starts. */
const startOfDay = (day: string): Date => new Date(`${day}T00:00:00+07:00`);

function checkDay(field: string, v: string): void {
  const t = new Date(`${v}T00:00:00Z`);
  if (Number.isNaN(t.getTime()) || !t.toISOString().startsWith(v)) {
    throw new DxError('BAD_REQUEST', `${field} is not a calendar day: ${v}`);
  }
}

/** Statistics per agency and period: sent, received, statuses, same-day receipts, completion, overdue. */
@Injectable()
export class StatsService {
  constructor(@Inject(StatsRepository) private readonly repo: StatsRepository) {}

  async report(q: StatsQueryDto, now = new Date()): Promise<StatsReport> {
    checkDay('from', q.from);
    checkDay('to', q.to);
    if (q.asOf) checkDay('asOf', q.asOf);
    if (q.from > q.to) throw new DxError('BAD_REQUEST', 'from is after to');
    const start = startOfDay(q.from);
    const end = new Date(startOfDay(q.to).getTime() + 86_400_000);
    if ((end.getTime() - start.getTime()) / 86_400_000 > MAX_DAYS) {
      throw new DxError('BAD_REQUEST', `from … to spans more than ${MAX_DAYS} days`);
    }
    const by = q.by ?? 'month';
    const asOf = q.asOf ?? vietnamDay(now);
    const counts = await dbCall('archive stats', () =>
      this.repo.counts({ start, end, by, asOf, ...(q.agency ? { agency: q.agency } : {}) }),
    );
    return {
      from: q.from,
      to: q.to,
      by,
      asOf,
      ...(q.agency ? { agency: q.agency } : {}),
      rows: counts.map((c) => ({
        ...c,
        sameDayReceiptShare: share(c.sameDayReceipt, c.received),
        completedShare: share(c.completed, c.received),
      })),
    };
  }
}

/** Status codes as columns: the known ones always, in order, then any other code that occurs. */
const STATUS_COLUMNS = ['none', '01', '02', '03', '04', '05', '06', '13', '15', '16'];

export function statsCsv(report: StatsReport): string {
  const extra = [...new Set(report.rows.flatMap((r) => Object.keys(r.byStatus)))]
    .filter((s) => !STATUS_COLUMNS.includes(s))
    .sort();
  const statuses = [...STATUS_COLUMNS, ...extra];
  const head = ['agency', 'period', 'sent', 'received', ...statuses.map((s) => `status_${s}`)];
  const tail = [
    'sameDayReceipt',
    'sameDayReceiptShare',
    'completed',
    'completedShare',
    'withDueDate',
    'overdue',
  ];
  return [
    csvLine([...head, ...tail]),
    ...report.rows.map((r) =>
      csvLine([
        r.agency,
        r.period,
        r.sent,
        r.received,
        ...statuses.map((s) => r.byStatus[s] ?? 0),
        r.sameDayReceipt,
        r.sameDayReceiptShare,
        r.completed,
        r.completedShare,
        r.withDueDate,
        r.overdue,
      ]),
    ),
  ].join('');
}
