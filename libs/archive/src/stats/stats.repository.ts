import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { StatsPeriod } from './stats.query.js';

export interface StatsCounts {
  agency: string;
  /** yyyy-MM-dd, yyyy-MM or yyyy (Vietnam time). */
  period: string;
  sent: number;
  received: number;
  /** Received documents by the latest status the agency reported (`none`: no status yet). */
  byStatus: Record<string, number>;
  sameDayReceipt: number;
  completed: number;
  withDueDate: number;
  overdue: number;
}

const FORMAT: Record<StatsPeriod, string> = { day: 'YYYY-MM-DD', month: 'YYYY-MM', year: 'YYYY' };
/** Vietnam keeps UTC+7 all year: local time without a time-zone database. */
const LOCAL = (col: string) => `(${col} AT TIME ZONE 'UTC' + interval '7 hours')`;

/**
 * Counts per (agency, period) over documents accepted in [start, end). `sent` counts documents by their sender;
 * everything else looks at the agency as a recipient: what it received and how it answered (archive_recipient).
 */
@Injectable()
export class StatsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async counts(p: {
    start: Date;
    end: Date;
    by: StatsPeriod;
    asOf: string;
    agency?: string;
  }): Promise<StatsCounts[]> {
    const period = `to_char(date_trunc('${p.by}', d.local_at), '${FORMAT[p.by]}')`;
    const params: unknown[] = [p.start, p.end, p.asOf];
    const agency = p.agency ? `$${params.push(p.agency)}` : null;
    const rows: {
      agency: string;
      period: string;
      sent: string;
      received: string;
      by_status: Record<string, string | number> | null;
      same_day: string;
      completed: string;
      with_due: string;
      overdue: string;
    }[] = await this.ds.query(
      `WITH docs AS (
         SELECT p.doc_id, p.sender_organ_id, p.due_on, ${LOCAL('p.accepted_at')} AS local_at
           FROM archived_package p
          WHERE p.message_type = 'edoc' AND p.accepted_at >= $1 AND p.accepted_at < $2
       ),
       sent AS (
         SELECT d.sender_organ_id AS agency, ${period} AS period, count(*) AS sent
           FROM docs d ${agency ? `WHERE d.sender_organ_id = ${agency}` : ''}
          GROUP BY 1, 2
       ),
       recv AS (
         SELECT r.recipient_organ_id AS agency, ${period} AS period, d.due_on, d.local_at,
                r.latest_status, r.receipt_at, r.completed_at
           FROM docs d JOIN archive_recipient r ON r.doc_id = d.doc_id
          ${agency ? `WHERE r.recipient_organ_id = ${agency}` : ''}
       ),
       totals AS (
         SELECT agency, period, count(*) AS received,
                count(*) FILTER (WHERE ${LOCAL('receipt_at')}::date = local_at::date) AS same_day,
                count(*) FILTER (WHERE completed_at IS NOT NULL) AS completed,
                count(*) FILTER (WHERE due_on IS NOT NULL) AS with_due,
                count(*) FILTER (WHERE due_on < $3::date
                  AND (completed_at IS NULL OR ${LOCAL('completed_at')}::date > due_on)) AS overdue
           FROM recv GROUP BY 1, 2
       ),
       statuses AS (
         SELECT agency, period, jsonb_object_agg(status, n) AS by_status
           FROM (SELECT agency, period, coalesce(latest_status, 'none') AS status, count(*) AS n
                   FROM recv GROUP BY 1, 2, 3) s
          GROUP BY 1, 2
       )
       SELECT coalesce(s.agency, t.agency) AS agency, coalesce(s.period, t.period) AS period,
              coalesce(s.sent, 0) AS sent, coalesce(t.received, 0) AS received, st.by_status,
              coalesce(t.same_day, 0) AS same_day, coalesce(t.completed, 0) AS completed,
              coalesce(t.with_due, 0) AS with_due, coalesce(t.overdue, 0) AS overdue
         FROM sent s FULL JOIN totals t ON t.agency = s.agency AND t.period = s.period
         LEFT JOIN statuses st ON st.agency = coalesce(s.agency, t.agency) AND st.period = coalesce(s.period, t.period)
        ORDER BY 1, 2`,
      params,
    );
    return rows.map((r) => ({
      agency: r.agency,
      period: r.period,
      sent: Number(r.sent),
      received: Number(r.received),
      byStatus: Object.fromEntries(
        Object.entries(r.by_status ?? {})
          .map(([k, v]) => [k, Number(v)] as const)
          .sort(([a], [b]) => a.localeCompare(b)),
      ),
      sameDayReceipt: Number(r.same_day),
      completed: Number(r.completed),
      withDueDate: Number(r.with_due),
      overdue: Number(r.overdue),
    }));
  }
}
