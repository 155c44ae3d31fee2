// Archive statistics through the gateway, as an archivist, on real Postgres: a small known archive (documents and
// the delivery history the router and inboxes record) and the exact numbers it must give, per agency and period,
// in Vietnam time.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomBytes, randomUUID } from 'node:crypto';
import { signedHeaders } from '#contracts';
import type { StatsReport, StatsRow } from '#archive';
import { DocaxisClient, type SdkAnswer } from '#sdk-client';
import { startAuthHub, type AuthHub } from '../support/auth-hub.js';
import { docaxis } from '../support/cli.js';

const run = randomBytes(3).toString('hex');
const ARCHIVIST = `stats-archivist-${run}`;
const SECRET = `secret-${randomBytes(12).toString('hex')}`;
const S = '000.00.00.G22';
const X = '000.00.01.H41';
const Y = '000.00.02.H41';

describe('archive statistics (POST /archive/stats)', () => {
  let hub: AuthHub;
  let base: string;
  let client: DocaxisClient;

  async function doc(
    from: string,
    acceptedAt: string,
    dueDate?: string,
    messageType = 'edoc',
  ): Promise<string> {
    const docId = randomUUID();
    await hub.ds.query(
      `INSERT INTO archived_package (doc_id, message_type, sender_organ_id, sha256, size_bytes, content,
         document_id, subject, metadata, accepted_at)
       VALUES ($1, $2, $3, repeat('0', 64), 1, '\\x00', $6, 'Văn bản', $4, $5)`,
      [docId, messageType, from, JSON.stringify(dueDate ? { dueDate } : {}), acceptedAt, `doc,${docId}`],
    );
    return docId;
  }
  /** Delivery history as the router (recorded) and the inbox (status) publish it. */
  async function history(docId: string, recipient: string, at: string, ...statuses: [string, string][]) {
    const rows: [string, string | null, string][] = [
      ['recorded', null, at],
      ...statuses.map(([c, t]) => ['status', c, t] as [string, string, string]),
    ];
    for (const [event, code, when] of rows) {
      await hub.ds.query(
        `INSERT INTO delivery_history (event_id, doc_id, recipient_organ_id, message_type, event, status_code, at)
         VALUES ($1, $2, $3, 'edoc', $4, $5, $6)`,
        [randomUUID(), docId, recipient, event, code, when],
      );
    }
  }

  const stats = async (body: object): Promise<SdkAnswer<StatsReport>> =>
    (await client.call<StatsReport>('/archive/stats', { body })).answer;
  const rowsOf = async (body: object): Promise<StatsRow[]> => {
    const a = await stats(body);
    expect(a).toMatchObject({ status: 'OK' });
    return (a as { data: StatsReport }).data.rows;
  };
  const refusal = async (body: object): Promise<string> => {
    const a = await stats(body);
    expect(a).toMatchObject({ status: 'FAIL', ErrorCode: 'BAD_REQUEST' });
    return a.ErrorDesc;
  };
  const row = (r: Partial<StatsRow> & { agency: string; period: string }): StatsRow => ({
    sent: 0,
    received: 0,
    byStatus: {},
    sameDayReceipt: 0,
    sameDayReceiptShare: null,
    completed: 0,
    completedShare: null,
    withDueDate: 0,
    overdue: 0,
    ...r,
  });

  beforeAll(async () => {
    hub = await startAuthHub('archive_stats', {
      systems: [{ systemId: ARCHIVIST, name: 'Archive', secret: SECRET, role: 'archivist' }],
      agencies: [],
    });
    base = await hub.gateway();
    client = new DocaxisClient({ baseUrl: base, systemId: ARCHIVIST, secret: SECRET });

    // March (Vietnam time). X confirms arrival the same day and completes; Y registers it at 00:30 the next
    // day in Vietnam, still the same UTC day.
    const d1 = await doc(S, '2024-03-05T02:00:00Z');
    await history(
      d1,
      X,
      '2024-03-05T02:00:01Z',
      ['01', '2024-03-05T10:00:00Z'],
      ['06', '2024-03-06T03:00:00Z'],
    );
    await history(d1, Y, '2024-03-05T02:00:01Z', ['03', '2024-03-05T17:30:00Z']);
    // Due 03/15, completed 03/20: overdue although completed.
    const d2 = await doc(S, '2024-03-10T01:00:00Z', '2024/03/15');
    await history(
      d2,
      X,
      '2024-03-10T01:00:01Z',
      ['03', '2024-03-10T02:00:00Z'],
      ['06', '2024-03-20T02:00:00Z'],
    );
    // 18:00 UTC on 31 March is 1 April in Vietnam. Due 04/05, never completed: overdue.
    const d3 = await doc(S, '2024-03-31T18:00:00Z', '2024/04/05');
    await history(d3, X, '2024-03-31T18:00:01Z');
    // X sends one in April; Y completes it before its due day.
    const d4 = await doc(X, '2024-04-10T03:00:00Z', '2024/04/30');
    await history(d4, Y, '2024-04-10T03:00:01Z', ['06', '2024-04-11T03:00:00Z']);
    // Due after the day of the report: not overdue yet.
    const d5 = await doc(S, '2024-04-20T03:00:00Z', '2024/05/10');
    await history(d5, X, '2024-04-20T03:00:01Z');
    // Outside the period, and a status package (not a document X sent).
    const d6 = await doc(S, '2024-02-28T03:00:00Z');
    await history(d6, X, '2024-02-28T03:00:01Z', ['06', '2024-02-28T04:00:00Z']);
    await doc(X, '2024-03-05T10:00:00Z', undefined, 'status');
  }, 90_000);

  afterAll(async () => {
    await hub?.close();
  }, 30_000);

  const PERIOD = { from: '2024-03-01', to: '2024-04-30', asOf: '2024-05-01' };

  it('counts one agency per month: sent, received, statuses, same-day receipts, completed, overdue', async () => {
    const a = (await stats({ agency: X, ...PERIOD })) as { data: StatsReport };
    expect(a.data).toMatchObject({
      agency: X,
      from: '2024-03-01',
      to: '2024-04-30',
      by: 'month',
      asOf: '2024-05-01',
    });
    expect(a.data.rows).toEqual([
      row({
        agency: X,
        period: '2024-03',
        received: 2,
        byStatus: { '06': 2 },
        sameDayReceipt: 2,
        sameDayReceiptShare: 1,
        completed: 2,
        completedShare: 1,
        withDueDate: 1,
        overdue: 1,
      }),
      row({
        agency: X,
        period: '2024-04',
        sent: 1,
        received: 2,
        byStatus: { none: 2 },
        sameDayReceiptShare: 0,
        completedShare: 0,
        withDueDate: 2,
        overdue: 1,
      }),
    ]);
  });

  it('counts every agency, by day and by year, in Vietnam time', async () => {
    expect(await rowsOf({ ...PERIOD, by: 'year' })).toEqual([
      row({ agency: S, period: '2024', sent: 4 }),
      row({
        agency: X,
        period: '2024',
        sent: 1,
        received: 4,
        byStatus: { '06': 2, none: 2 },
        sameDayReceipt: 2,
        sameDayReceiptShare: 0.5,
        completed: 2,
        completedShare: 0.5,
        withDueDate: 3,
        overdue: 2,
      }),
      row({
        agency: Y,
        period: '2024',
        received: 2,
        byStatus: { '03': 1, '06': 1 },
        sameDayReceiptShare: 0,
        completed: 1,
        completedShare: 0.5,
        withDueDate: 1,
      }),
    ]);
    const days = await rowsOf({ agency: X, ...PERIOD, by: 'day' });
    expect(days.map((r) => [r.period, r.sent, r.received])).toEqual([
      ['2024-03-05', 0, 1],
      ['2024-03-10', 0, 1],
      ['2024-04-01', 0, 1],
      ['2024-04-10', 1, 0],
      ['2024-04-20', 0, 1],
    ]);
    // The Vietnam day of 31 March 18:00 UTC is 1 April: a range ending on 31 March leaves it out.
    expect((await rowsOf({ agency: X, from: '2024-03-01', to: '2024-03-31', by: 'year' }))[0].received).toBe(
      2,
    );
  });

  it('answers CSV with format: csv', async () => {
    const bytes = Buffer.from(JSON.stringify({ agency: X, ...PERIOD, format: 'csv' }));
    const res = await fetch(`${base}/archive/stats`, {
      method: 'POST',
      body: bytes,
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(ARCHIVIST, SECRET, { method: 'POST', path: '/archive/stats', body: bytes }),
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await res.text()).split('\r\n')).toEqual([
      'agency,period,sent,received,status_none,status_01,status_02,status_03,status_04,status_05,status_06,' +
        'status_13,status_15,status_16,sameDayReceipt,sameDayReceiptShare,completed,completedShare,withDueDate,overdue',
      `${X},2024-03,0,2,0,0,0,0,0,0,2,0,0,0,2,1,2,1,1,1`,
      `${X},2024-04,1,2,2,0,0,0,0,0,0,0,0,0,0,0,0,0,2,1`,
      '',
    ]);
  });

  it('docaxis archive stats prints a table, or CSV (built CLI)', async () => {
    const env = { DOCAXIS_GATEWAY_URL: base, DOCAXIS_SYSTEM_ID: ARCHIVIST, DOCAXIS_SYSTEM_SECRET: SECRET };
    const args = [
      'archive',
      'stats',
      '--agency',
      X,
      '--from',
      PERIOD.from,
      '--to',
      PERIOD.to,
      '--as-of',
      PERIOD.asOf,
    ];
    const table = await docaxis(args, env);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout.split('\n')).toEqual([
      `${X}, 2024-03-01 … 2024-04-30 by month, overdue as of 2024-05-01`,
      'agency         period   sent  received  same-day  completed  overdue  statuses',
      `${X}  2024-03  0     2         100.0%    100.0%     1/1      06:2`,
      `${X}  2024-04  1     2         0.0%      0.0%       1/2      none:2`,
      '',
    ]);
    const csv = await docaxis([...args, '--by', 'year', '--csv'], env);
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')[1]).toBe(`${X},2024,1,4,2,0,0,0,0,0,2,0,0,0,2,0.5,2,0.5,3,2`);
  }, 60_000);

  it('refuses bad requests with BAD_REQUEST naming the field', async () => {
    expect(await refusal({ to: '2024-04-30' })).toBe('from must be a date yyyy-MM-dd');
    expect(await refusal({ ...PERIOD, by: 'week' })).toMatch(/^by must be one of the following values/);
    expect(await refusal({ ...PERIOD, from: '2024-02-30' })).toBe('from is not a calendar day: 2024-02-30');
    expect(await refusal({ from: '2024-05-01', to: '2024-04-01' })).toBe('from is after to');
    expect(await refusal({ ...PERIOD, format: 'xml' })).toMatch(
      /^format must be one of the following values/,
    );
  });

  it('records every statistics call in the audit log', async () => {
    const rows: { action: string }[] = await hub.ds.query(
      `SELECT DISTINCT action FROM audit_log WHERE actor_system_id = $1`,
      [ARCHIVIST],
    );
    expect(rows).toEqual([{ action: 'stats' }]);
  });
});
