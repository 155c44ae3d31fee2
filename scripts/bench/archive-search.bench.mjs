// Archive search on a large archive: generates archived documents straight into Postgres (one INSERT …
// SELECT generate_series per batch: Vietnamese subjects with diacritics, hundreds of agencies, ten years of
// dates, 1–3 recipients with statuses), then times a mix of searches through SearchService, the code the
// gateway's POST /archive/search runs, and reports p50/p95/p99 per kind and overall.
import { performance } from 'node:perf_hooks';
import { SearchRepository, SearchService, StatsRepository, StatsService } from '#archive';
import { ensureDatabase, startEmbeddedPostgres } from '#stack';
import { createDataSource, runMigrations } from '#store';

const BATCH = 50_000;
const AGENCIES = 400;
const PROVINCES = ['H41', 'H29', 'H56', 'H44', 'H19', 'G22', 'G01', 'G12'];

// Subject = prefix + topic + place: ~10,000 distinct subjects, every one with diacritics.
const PREFIXES = [
  'V/v',
  'Về việc',
  'Quyết định',
  'Thông báo',
  'Kế hoạch',
  'Báo cáo',
  'Tờ trình',
  'Hướng dẫn',
];
const TOPICS = [
  'kết nối, liên thông phần mềm quản lý văn bản',
  'phòng, chống dịch bệnh truyền nhiễm',
  'đầu tư xây dựng đường giao thông nông thôn',
  'tổ chức kỳ thi tốt nghiệp trung học phổ thông',
  'triển khai chữ ký số chuyên dùng Chính phủ',
  'cải cách hành chính và chuyển đổi số',
  'quản lý đất đai, tài nguyên và môi trường',
  'phòng chống thiên tai, tìm kiếm cứu nạn',
  'thu ngân sách nhà nước quý III',
  'tuyển dụng công chức, viên chức',
  'bảo đảm an toàn thông tin mạng',
  'hỗ trợ người có công với cách mạng',
  'kiểm tra công tác văn thư, lưu trữ',
  'phê duyệt đề án phát triển du lịch',
  'sắp xếp đơn vị hành chính cấp huyện, cấp xã',
  'tăng cường quản lý thị trường, chống buôn lậu',
  'triển khai dịch vụ công trực tuyến mức độ 4',
  'đánh giá, xếp loại chất lượng cán bộ',
  'phòng cháy, chữa cháy tại khu dân cư',
  'chăm sóc sức khỏe ban đầu cho nhân dân',
  'xây dựng nông thôn mới nâng cao',
  'quyết toán vốn đầu tư công hoàn thành',
  'bảo vệ và phát triển rừng bền vững',
  'giải quyết khiếu nại, tố cáo của công dân',
  'đào tạo, bồi dưỡng cán bộ, công chức',
];
const PLACES = [
  'trên địa bàn tỉnh Nghệ An',
  'tại thành phố Hải Phòng',
  'năm 2024',
  'giai đoạn 2021 – 2025',
  'của Ủy ban nhân dân tỉnh',
  'tại các huyện miền núi',
  'thuộc Bộ Thông tin và Truyền thông',
  'đợt 2',
  'tháng 6',
  'khu vực đồng bằng sông Cửu Long',
];
const TYPES = [
  'Công văn',
  'Công văn',
  'Công văn',
  'Quyết định',
  'Thông báo',
  'Kế hoạch',
  'Báo cáo',
  'Tờ trình',
];
const NOTATIONS = [
  'UBND-VP',
  'UBND-KT',
  'SNV-TCCB',
  'VPCP-TTĐT',
  'STTTT-BCVT',
  'SYT-NVY',
  'QĐ-UBND',
  'TB-VPCP',
];
const STATUSES = ['01', '03', '03', '04', '05', '06', '06', '06', '02', null];

const sqlArray = (a) =>
  `ARRAY[${a.map((s) => (s === null ? 'NULL' : `'${s.replace(/'/g, "''")}'`)).join(',')}]`;
const agencyId = (i) => `000.00.${String(i % 100).padStart(2, '0')}.${PROVINCES[i % PROVINCES.length]}`;
/** Same agencies in SQL, from an integer expression. */
const agencySql = (expr) =>
  `'000.00.' || lpad(((${expr}) % 100)::text, 2, '0') || '.' || (${sqlArray(PROVINCES)})[((${expr}) % ${PROVINCES.length}) + 1]`;

/** Deterministic pseudo-random integer in [0, n) from the row number and a salt. */
const pick = (salt, n) => `(abs(hashint4(i * 31 + ${salt})::bigint) % ${n})::int`;

async function generate(ds, docs, log) {
  const started = performance.now();
  for (let from = 1; from <= docs; from += BATCH) {
    const to = Math.min(docs, from + BATCH - 1);
    await ds.query(`
      INSERT INTO archived_package (doc_id, message_type, sender_organ_id, sha256, size_bytes, content, document_id,
        code_number, code_notation, subject, promulgation_date, type_name, priority, business_doc_type, metadata,
        accepted_at, trace)
      SELECT g.doc_id, 'edoc', g.sender, md5(g.i::text) || md5((g.i + 1)::text), 100000 + ${pick(5, 3000000)}, '\\x00',
             g.sender || ',' || to_char(g.day, 'YYYY/MM/DD') || ',' || g.i || '/' || g.notation,
             g.i::text, g.notation, g.subject, to_char(g.day, 'YYYY/MM/DD'),
             (${sqlArray(TYPES)})[${pick(6, TYPES.length)} + 1],
             (ARRAY['0','0','0','0','0','0','1','1','2','3'])[${pick(7, 10)} + 1], '0',
             CASE WHEN ${pick(8, 5)} = 0 THEN jsonb_build_object('dueDate', to_char(g.day::date + 15, 'YYYY/MM/DD'))
                  ELSE '{}'::jsonb END
               || CASE WHEN ${pick(9, 10)} = 0 THEN jsonb_build_object('content', 'Đề nghị các cơ quan, đơn vị ' ||
                    (${sqlArray(TOPICS)})[${pick(10, TOPICS.length)} + 1]) ELSE '{}'::jsonb END,
             g.day + make_interval(hours => 1 + ${pick(11, 10)}, mins => ${pick(12, 60)}, secs => ${pick(13, 60)}),
             '[]'::jsonb
        FROM (
          SELECT i, md5('doc' || i)::uuid AS doc_id,
                 ${agencySql(pick(1, AGENCIES))} AS sender,
                 (${sqlArray(NOTATIONS)})[${pick(2, NOTATIONS.length)} + 1] AS notation,
                 (${sqlArray(PREFIXES)})[${pick(3, PREFIXES.length)} + 1] || ' ' ||
                   (${sqlArray(TOPICS)})[${pick(4, TOPICS.length)} + 1] || ' ' ||
                   (${sqlArray(PLACES)})[${pick(14, PLACES.length)} + 1] AS subject,
                 (date '2016-01-01' + ${pick(15, 3650)})::timestamp AS day
            FROM generate_series(${from}, ${to}) i
        ) g`);
    // 1–3 recipients per document, as the archive_recipient triggers leave them after the history.
    await ds.query(`
      INSERT INTO archive_recipient (doc_id, recipient_organ_id, first_event_at, latest_status, latest_status_at,
        receipt_at, completed_at, accepted_at, promulgated_key)
      SELECT p.doc_id, r.recipient, p.accepted_at, r.status,
             CASE WHEN r.status IS NOT NULL THEN p.accepted_at + interval '5 hours' END,
             CASE WHEN r.status IS NOT NULL AND r.status <> '02' THEN p.accepted_at + interval '2 hours' END,
             CASE WHEN r.status = '06' THEN p.accepted_at + interval '3 days' END,
             p.accepted_at, coalesce(p.promulgated_on, '-infinity'::date)
        FROM (
          SELECT md5('doc' || i)::uuid AS doc_id, ${agencySql(`abs(hashint4(i * 17 + k)::bigint)`)} AS recipient,
                 (${sqlArray(STATUSES)})[${pick('k * 101', STATUSES.length)} + 1] AS status
            FROM generate_series(${from}, ${to}) i, generate_series(1, 1 + ${pick(16, 3)}) k
        ) r JOIN archived_package p ON p.doc_id = r.doc_id
      ON CONFLICT DO NOTHING`);
    const elapsed = (performance.now() - started) / 1000;
    log(
      `generated ${to.toLocaleString('en')} / ${docs.toLocaleString('en')} documents (${elapsed.toFixed(0)} s)`,
    );
  }
  await ds.query('VACUUM ANALYZE archived_package');
  await ds.query('VACUUM ANALYZE archive_recipient');
  return (performance.now() - started) / 1000;
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
const unaccent = (s) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');

/** The query mix: each kind builds its n-th request; `pages` > 1 follows cursors and times every page. */
function queryKinds() {
  const words = (n) =>
    TOPICS[n % TOPICS.length]
      .split(/[ ,]+/)
      .slice(1 + (n % 3), 3 + (n % 3))
      .join(' ');
  const month = (n) => {
    const y = 2016 + (n % 10);
    const m = 1 + (n % 12);
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    return [`${y}-${String(m).padStart(2, '0')}-01`, `${y}-${String(m).padStart(2, '0')}-${last}`];
  };
  return [
    { kind: 'text, with diacritics', body: (n) => ({ text: words(n) }) },
    { kind: 'text, without diacritics', body: (n) => ({ text: unaccent(words(n)) }) },
    {
      kind: 'text, rare phrase',
      body: (n) => ({ text: PLACES[n % PLACES.length].split(' ').slice(-2).join(' ') }),
    },
    { kind: 'text, no match', body: (n) => ({ text: `không tồn tại ${n}` }) },
    { kind: 'sender', body: (n) => ({ from: agencyId(n * 7) }) },
    { kind: 'recipient', body: (n) => ({ to: agencyId(n * 11) }) },
    { kind: 'recipient + status', body: (n) => ({ to: agencyId(n * 13), status: STATUSES[n % 8] }) },
    {
      kind: 'promulgation month, by date',
      body: (n) => {
        const [a, b] = month(n);
        return { promulgatedFrom: a, promulgatedTo: b, sort: 'promulgationDate' };
      },
    },
    {
      kind: 'type + priority',
      body: (n) => ({ typeName: TYPES[n % TYPES.length], priority: String(n % 4) }),
    },
    {
      kind: 'sender + text + type + year',
      body: (n) => ({
        from: agencyId(n * 3),
        text: unaccent(words(n)),
        typeName: 'Công văn',
        promulgatedFrom: `${2016 + (n % 10)}-01-01`,
        promulgatedTo: `${2016 + (n % 10)}-12-31`,
      }),
    },
    { kind: 'DocumentId', body: null },
    { kind: 'code number + notation', body: null },
    { kind: 'sender, pages 2–20', body: (n) => ({ from: agencyId(n * 5) }), pages: 20 },
    { kind: 'text, pages 2–20', body: (n) => ({ text: unaccent(words(n)) }), pages: 20 },
  ];
}

export async function searchBenchmark({ dataDir, docs, runs }) {
  const log = (s) => console.error(s);
  const pg = await startEmbeddedPostgres({
    dataDir,
    durable: false,
    postgresFlags: ['-c', 'shared_buffers=1GB', '-c', 'work_mem=32MB', '-c', 'maintenance_work_mem=512MB'],
  });
  const url = await ensureDatabase(pg.url, 'bench');
  const ds = createDataSource(url, 4);
  try {
    await runMigrations(url);
    await ds.initialize();
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM archived_package`);
    const generation = n >= docs ? 0 : await generate(ds, docs, log);
    const [{ server_version: version }] = await ds.query(`SHOW server_version`);
    const [{ size }] = await ds.query(`SELECT pg_size_pretty(pg_database_size(current_database())) AS size`);
    log(`Postgres ${version}, database ${size}`);

    // Real identifiers to look up exactly.
    const samples = await ds.query(
      `SELECT document_id, code_number, code_notation FROM archived_package TABLESAMPLE SYSTEM (1) LIMIT ${runs}`,
    );
    const service = new SearchService(new SearchRepository(ds));
    const results = [];
    for (const k of queryKinds()) {
      const body =
        k.kind === 'DocumentId'
          ? (i) => ({ documentId: samples[i % samples.length].document_id })
          : k.kind === 'code number + notation'
            ? (i) => ({
                codeNumber: samples[i % samples.length].code_number,
                codeNotation: samples[i % samples.length].code_notation,
              })
            : k.body;
      const times = [];
      let found = 0;
      let pagesRun = 0;
      // Warm-up: a few unmeasured runs so the first plans and cache misses do not dominate a kind.
      for (let i = 0; i < 3; i++) await service.search({ ...body(runs + i), limit: 50 });
      const perKind = k.pages ? Math.max(5, Math.round(runs / 20)) : runs;
      for (let i = 0; i < perKind; i++) {
        let cursor;
        for (let p = 1; p <= (k.pages ?? 1); p++) {
          const t0 = performance.now();
          const page = await service.search({ ...body(i), limit: 50, ...(cursor ? { cursor } : {}) });
          const ms = performance.now() - t0;
          if (!k.pages || p > 1) times.push(ms);
          found += page.items.length;
          pagesRun++;
          cursor = page.next;
          if (!cursor) break;
        }
      }
      times.sort((a, b) => a - b);
      const row = {
        kind: k.kind,
        queries: times.length,
        avgRows: Math.round(found / pagesRun),
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        p99: percentile(times, 99),
        times,
      };
      results.push(row);
      log(
        `${k.kind}: p50 ${row.p50.toFixed(1)} ms, p95 ${row.p95.toFixed(1)} ms, p99 ${row.p99.toFixed(1)} ms`,
      );
    }
    // Statistics are not searches (not in "all"): one agency over a year by month, every agency over a month.
    const stats = new StatsService(new StatsRepository(ds));
    const statsRows = [];
    for (const [kind, body] of [
      [
        'stats: one agency, a year by month',
        (i) => ({
          agency: agencyId(i),
          from: `${2016 + (i % 10)}-01-01`,
          to: `${2016 + (i % 10)}-12-31`,
          by: 'month',
        }),
      ],
      [
        'stats: every agency, a month',
        (i) => ({
          from: `${2016 + (i % 10)}-0${1 + (i % 9)}-01`,
          to: `${2016 + (i % 10)}-0${1 + (i % 9)}-28`,
          by: 'month',
        }),
      ],
    ]) {
      const times = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        await stats.report(body(i));
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      statsRows.push({
        kind,
        queries: times.length,
        p50: percentile(times, 50),
        p95: percentile(times, 95),
        p99: percentile(times, 99),
      });
      log(`${kind}: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`);
    }
    const all = results.flatMap((r) => r.times).sort((a, b) => a - b);
    const f = (x) => x.toFixed(1);
    console.log(`\n### Archive search: ${docs.toLocaleString('en')} documents\n`);
    console.log(
      `Generated in ${generation ? `${Math.round(generation)} s` : '(reused)'}; Postgres ${version}; database ${size}.\n`,
    );
    console.log('| query | queries | rows/page | p50 ms | p95 ms | p99 ms |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const r of results) {
      console.log(`| ${r.kind} | ${r.queries} | ${r.avgRows} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} |`);
    }
    console.log(
      `| **all** | ${all.length} | | ${f(percentile(all, 50))} | **${f(percentile(all, 95))}** | ${f(percentile(all, 99))} |`,
    );
    console.log('\n| statistics | calls | p50 ms | p95 ms | p99 ms |');
    console.log('| --- | ---: | ---: | ---: | ---: |');
    for (const r of statsRows)
      console.log(`| ${r.kind} | ${r.queries} | ${f(r.p50)} | ${f(r.p95)} | ${f(r.p99)} |`);
  } finally {
    await ds.destroy().catch(() => undefined);
    await pg.stop();
  }
}
