// Archive search and result-set export through the gateway, as an archivist, on real Postgres: documents are
// archived by the archive's own write path (ArchiveService) and their delivery history recorded as the router
// and inbox publish it, then found by every filter, with and without Vietnamese diacritics.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Test, type TestingModule } from '@nestjs/testing';
import { signedHeaders } from '#contracts';
import { buildEdxml, parseEdxml, type EdxmlDocument } from '#edxml';
import { StoreModule } from '#store';
import {
  ArchiveModule,
  ArchiveService,
  EXPORT_BATCH,
  ORDERED_PROBE_ROWS,
  SEARCH_CSV_COLUMNS,
  type SearchItem,
} from '#archive';
import { DocaxisClient, type SdkAnswer } from '#sdk-client';
import { startAuthHub, type AuthHub } from '../support/auth-hub.js';
import { docaxis } from '../support/cli.js';
import { readSample } from '../support/samples.js';

const run = randomBytes(3).toString('hex');
const ARCHIVIST = `search-archivist-${run}`;
const SECRET = `secret-${randomBytes(12).toString('hex')}`;
const G22 = '000.00.00.G22';
const K19 = '000.00.00.K19';
const HA = '000.00.01.H41';
const HB = '000.00.02.H41';
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
/** Bulk documents: more than one export batch and more than the ordered probe of a text search. */
const BULK = Math.max(EXPORT_BATCH * 2, ORDERED_PROBE_ROWS) + 17;

interface DocSpec {
  from: string;
  to: string[];
  number: string;
  notation: string;
  subject: string;
  content?: string;
  promulgated: string;
  typeName: string;
  priority: string;
  dueDate?: string;
  acceptedAt: string;
}

function documentOf(s: DocSpec): { bytes: Buffer; documentId: string } {
  const doc = parseEdxml(readSample('edoc_new.edxml')) as EdxmlDocument;
  const h = doc.MessageHeader;
  const documentId = `${s.from},${s.promulgated},${s.number}/${s.notation}`;
  h.From!.OrganId = s.from;
  h.To = s.to.map((id) => ({ ...h.To![0], OrganId: id, OrganName: id }));
  h.Code!.CodeNumber = s.number;
  h.Code!.CodeNotation = s.notation;
  h.PromulgationInfo!.PromulgationDate = s.promulgated;
  h.DocumentType!.TypeName = s.typeName;
  h.Subject = s.subject;
  h.Content = s.content;
  h.DueDate = s.dueDate;
  h.OtherInfo!.Priority = s.priority;
  h.DocumentId = documentId;
  return { bytes: buildEdxml(doc), documentId };
}

describe('archive search (POST /archive/search, /archive/search/export)', () => {
  let hub: AuthHub;
  let base: string;
  let moduleRef: TestingModule;
  let archive: ArchiveService;
  let client: DocaxisClient;
  const docs: Record<string, { docId: string; documentId: string }> = {};

  async function archiveDoc(name: string, s: DocSpec): Promise<string> {
    const { bytes, documentId } = documentOf(s);
    const docId = randomUUID();
    await archive.archivePackage(
      {
        docId,
        messageType: 'edoc',
        from: s.from,
        to: s.to,
        sha256: sha(bytes),
        systemId: 'search-test',
        serviceType: 'eDoc',
        acceptedAt: s.acceptedAt,
        documentId,
      },
      bytes,
    );
    docs[name] = { docId, documentId };
    return docId;
  }

  let eventSeq = 0;
  const event = (docId: string, recipient: string, at: string, statusCode?: string) =>
    archive.recordEvent({
      eventId: `${docId}:${recipient}:${++eventSeq}`,
      docId,
      recipient,
      messageType: 'edoc',
      event: statusCode ? 'status' : 'recorded',
      ...(statusCode ? { statusCode } : {}),
      at,
    });

  const search = async (body: object): Promise<SdkAnswer<SearchItem[]>> =>
    (await client.call<SearchItem[]>('/archive/search', { body })).answer;
  const found = async (body: object): Promise<string[]> => {
    const a = await search(body);
    expect(a).toMatchObject({ status: 'OK' });
    return ((a as { data: SearchItem[] }).data ?? []).map((i) => i.docId);
  };
  const names = (...n: string[]) => n.map((x) => docs[x].docId);
  const refusal = async (body: object): Promise<string> => {
    const a = await search(body);
    expect(a).toMatchObject({ status: 'FAIL', ErrorCode: 'BAD_REQUEST' });
    return a.ErrorDesc;
  };

  /** The export's raw HTTP answer (the SDK client parses JSON answers only). */
  async function exportRaw(body: object): Promise<Response> {
    const bytes = Buffer.from(JSON.stringify(body));
    const path = '/archive/search/export';
    return fetch(`${base}${path}`, {
      method: 'POST',
      body: bytes,
      headers: {
        'content-type': 'application/json',
        ...signedHeaders(ARCHIVIST, SECRET, { method: 'POST', path, body: bytes }),
      },
    });
  }

  beforeAll(async () => {
    hub = await startAuthHub('archive_search', {
      systems: [{ systemId: ARCHIVIST, name: 'Archive', secret: SECRET, role: 'archivist' }],
      agencies: [],
    });
    base = await hub.gateway();
    client = new DocaxisClient({ baseUrl: base, systemId: ARCHIVIST, secret: SECRET });
    moduleRef = await Test.createTestingModule({
      imports: [StoreModule.forRoot(hub.db.url, 2), ArchiveModule],
    }).compile();
    archive = moduleRef.get(ArchiveService);

    const d1 = await archiveDoc('connect', {
      from: G22,
      to: [HA, HB],
      number: '101',
      notation: 'VPCP-TTĐT',
      subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
      content: 'Đề nghị các đơn vị triển khai trước ngày 30',
      promulgated: '2024/03/15',
      typeName: 'Công văn',
      priority: '0',
      acceptedAt: '2024-03-15T02:00:00.000Z',
    });
    const d2 = await archiveDoc('road', {
      from: K19,
      to: [HA],
      number: '55',
      notation: 'QĐ-UBND',
      subject: 'Quyết định phê duyệt đề án ĐƯỜNG giao thông nông thôn',
      promulgated: '2024/06/01',
      typeName: 'Quyết định',
      priority: '2',
      dueDate: '2024/06/10',
      acceptedAt: '2024-06-01T03:00:00.000Z',
    });
    // Written without diacritics by its sender, and its date in the lenient dd/MM/yyyy form.
    const d3 = await archiveDoc('plain', {
      from: G22,
      to: [HB],
      number: '7',
      notation: 'TB-VPCP',
      subject: 'Thong bao ket noi mang truyen so lieu chuyen dung',
      promulgated: '15/07/2024',
      typeName: 'Thông báo',
      priority: '1',
      acceptedAt: '2024-07-15T04:00:00.000Z',
    });
    // A status package is filed under the document it answers; the search lists documents only.
    const statusBytes = readSample('status_finish_06.edxml');
    await archive.archivePackage(
      {
        docId: randomUUID(),
        messageType: 'status',
        from: HA,
        to: [G22],
        sha256: sha(statusBytes),
        systemId: 'search-test',
        serviceType: 'eDoc',
        acceptedAt: '2024-03-16T02:00:00.000Z',
        documentId: docs.connect.documentId,
      },
      statusBytes,
    );
    await event(d1, HA, '2024-03-15T02:00:01Z');
    await event(d1, HA, '2024-03-15T03:00:00Z', '01');
    await event(d1, HA, '2024-03-15T04:00:00Z', '03');
    await event(d1, HB, '2024-03-15T02:00:01Z');
    await event(d2, HA, '2024-06-01T03:00:01Z');
    // Arrives out of order: the later status stays the latest.
    await event(d2, HA, '2024-06-05T03:00:00Z', '06');
    await event(d2, HA, '2024-06-02T03:00:00Z', '03');
    await event(d3, HB, '2024-07-15T04:00:01Z');
    await event(d3, HB, '2024-07-15T05:00:00Z', '02');
  }, 90_000);

  afterAll(async () => {
    await moduleRef?.close();
    await hub?.close();
  }, 30_000);

  it('answers documents newest first with their recipients and latest statuses', async () => {
    const a = (await search({})) as { data: SearchItem[]; next?: string };
    expect(a.data.map((i) => i.docId)).toEqual(names('plain', 'road', 'connect'));
    expect(a.next).toBeUndefined();
    expect(await search({ from: G22, limit: 1, count: true })).toMatchObject({
      total: 2,
      next: expect.any(String),
    });
    expect(a.data[1]).toEqual({
      docId: docs.road.docId,
      documentId: docs.road.documentId,
      from: K19,
      codeNumber: '55',
      codeNotation: 'QĐ-UBND',
      subject: 'Quyết định phê duyệt đề án ĐƯỜNG giao thông nông thôn',
      promulgationDate: '2024/06/01',
      typeName: 'Quyết định',
      priority: '2',
      dueDate: '2024/06/10',
      acceptedAt: '2024-06-01T03:00:00.000Z',
      recipients: [{ organId: HA, status: '06', statusAt: '2024-06-05T03:00:00.000Z' }],
    });
    expect(a.data[2].recipients).toEqual([
      { organId: HA, status: '03', statusAt: '2024-03-15T04:00:00.000Z' },
      { organId: HB, status: null, statusAt: null },
    ]);
  });

  it('matches subject and content with or without diacritics, in any case and Unicode form', async () => {
    const both = names('plain', 'connect');
    expect(await found({ text: 'ket noi' })).toEqual(both);
    expect(await found({ text: 'KẾT NỐI' })).toEqual(both);
    expect(await found({ text: 'kết nối'.normalize('NFD') })).toEqual(both);
    // đ/Đ fold to d.
    expect(await found({ text: 'đường' })).toEqual(names('road'));
    expect(await found({ text: 'duong giao' })).toEqual(names('road'));
    // Content is searched too; every word must occur.
    expect(await found({ text: 'triển khai' })).toEqual(names('connect'));
    expect(await found({ text: 'ket noi truyen' })).toEqual(names('plain'));
    expect(await found({ text: 'kết nối hỏa tốc' })).toEqual([]);
    // LIKE's wildcards are plain characters.
    expect(await found({ text: '%' })).toEqual([]);
    expect(await found({ text: 'v/v' })).toEqual(names('connect'));
  });

  it('filters by sender, recipient, identifiers, dates, type, priority and status, combined with AND', async () => {
    expect(await found({ from: G22 })).toEqual(names('plain', 'connect'));
    expect(await found({ to: HA })).toEqual(names('road', 'connect'));
    expect(await found({ documentId: docs.road.documentId })).toEqual(names('road'));
    expect(await found({ codeNumber: '101' })).toEqual(names('connect'));
    expect(await found({ codeNotation: 'TB-VPCP' })).toEqual(names('plain'));
    expect(await found({ promulgatedFrom: '2024-06-01' })).toEqual(names('plain', 'road'));
    expect(await found({ promulgatedTo: '2024-05-31' })).toEqual(names('connect'));
    expect(await found({ promulgatedFrom: '2024-07-15', promulgatedTo: '2024-07-15' })).toEqual(
      names('plain'),
    );
    expect(await found({ acceptedFrom: '2024-06-01T03:00:00Z', acceptedTo: '2024-07-01T00:00:00Z' })).toEqual(
      names('road'),
    );
    expect(await found({ typeName: 'Quyết định' })).toEqual(names('road'));
    expect(await found({ priority: '1' })).toEqual(names('plain'));
    expect(await found({ status: '03' })).toEqual(names('connect'));
    expect(await found({ status: '06' })).toEqual(names('road'));
    expect(await found({ status: '02' })).toEqual(names('plain'));
    expect(await found({ status: 'none' })).toEqual(names('connect'));
    // The status of the named recipient, not of any.
    expect(await found({ to: HA, status: 'none' })).toEqual([]);
    expect(await found({ to: HB, status: 'none' })).toEqual(names('connect'));
    expect(await found({ from: G22, to: HA, text: 'ket noi' })).toEqual(names('connect'));
    expect(await found({ from: G22, typeName: 'Quyết định' })).toEqual([]);
  });

  it('sorts by promulgation date or acceptance, either way', async () => {
    expect(await found({ sort: 'promulgationDate', order: 'asc' })).toEqual(
      names('connect', 'road', 'plain'),
    );
    expect(await found({ sort: 'promulgationDate' })).toEqual(names('plain', 'road', 'connect'));
    expect(await found({ order: 'asc' })).toEqual(names('connect', 'road', 'plain'));
  });

  it('pages with an opaque cursor that stays stable while documents are added', async () => {
    const p1 = (await search({ limit: 1, order: 'asc' })) as { data: SearchItem[]; next: string };
    expect(p1.data.map((i) => i.docId)).toEqual(names('connect'));
    // Added before and after the page boundary: neither shifts the pages still to be read.
    const early = await archiveDoc('early', {
      from: K19,
      to: [HB],
      number: '1',
      notation: 'CV-SOM',
      subject: 'Công văn sớm nhất',
      promulgated: '2024/01/02',
      typeName: 'Công văn',
      priority: '0',
      acceptedAt: '2024-01-02T01:00:00.000Z',
    });
    const late = await archiveDoc('late', {
      from: K19,
      to: [HB],
      number: '2',
      notation: 'CV-MUON',
      subject: 'Công văn muộn nhất',
      promulgated: '2024/12/30',
      typeName: 'Công văn',
      priority: '0',
      acceptedAt: '2024-12-30T01:00:00.000Z',
    });
    const p2 = (await search({ limit: 1, order: 'asc', cursor: p1.next })) as {
      data: SearchItem[];
      next: string;
    };
    expect(p2.data.map((i) => i.docId)).toEqual(names('road'));
    const p3 = (await search({ limit: 2, order: 'asc', cursor: p2.next })) as {
      data: SearchItem[];
      next?: string;
    };
    expect(p3.data.map((i) => i.docId)).toEqual([docs.plain.docId, late]);
    expect(p3.next).toBeUndefined();
    expect(await found({ order: 'asc', limit: 1 })).toEqual([early]);
  });

  it("finds a recipient's document whose delivery history was archived before the package", async () => {
    // The archive consumes packages and events from separate streams: either may come first.
    const docId = randomUUID();
    const { bytes, documentId } = documentOf({
      from: K19,
      to: [HA],
      number: '9',
      notation: 'CV-TRUOC',
      subject: 'Lịch sử đến trước văn bản',
      promulgated: '2024/08/01',
      typeName: 'Công văn',
      priority: '0',
      acceptedAt: '2024-08-01T01:00:00.000Z',
    });
    await event(docId, HB, '2024-08-01T01:00:01Z');
    await event(docId, HB, '2024-08-01T02:00:00Z', '05');
    expect(await found({ to: HB, status: '05' })).toEqual([]);
    await archive.archivePackage(
      {
        docId,
        messageType: 'edoc',
        from: K19,
        to: [HB],
        sha256: sha(bytes),
        systemId: 'search-test',
        serviceType: 'eDoc',
        acceptedAt: '2024-08-01T01:00:00.000Z',
        documentId,
      },
      bytes,
    );
    expect(await found({ to: HB, status: '05' })).toEqual([docId]);
    expect(await found({ to: HB, status: '05', sort: 'promulgationDate' })).toEqual([docId]);
    expect(await found({ status: '05' })).toEqual([docId]);
  });

  it('refuses bad requests with BAD_REQUEST naming the field', async () => {
    expect(await refusal({ limit: 0 })).toMatch(/^limit must not be less than 1/);
    expect(await refusal({ limit: 1001 })).toMatch(/^limit must not be greater than 1000/);
    expect(await refusal({ colour: 'red' })).toBe('property colour should not exist');
    expect(await refusal({ status: '07' })).toMatch(/^status must be one of the following values/);
    expect(await refusal({ sort: 'subject' })).toMatch(/^sort must be one of the following values/);
    expect(await refusal({ promulgatedFrom: '2024/03/15' })).toBe(
      'promulgatedFrom must be a date yyyy-MM-dd',
    );
    expect(await refusal({ promulgatedFrom: '2024-02-30' })).toBe(
      'promulgatedFrom is not a calendar day: 2024-02-30',
    );
    expect(await refusal({ promulgatedFrom: '2024-05-01', promulgatedTo: '2024-04-01' })).toBe(
      'promulgatedFrom is after promulgatedTo',
    );
    expect(await refusal({ text: '   ' })).toBe('text has no words');
    expect(await refusal({ cursor: 'not-a-cursor' })).toBe('cursor is not a cursor of this search');
    const page = (await search({ limit: 1 })) as { next: string };
    expect(await refusal({ cursor: page.next, sort: 'promulgationDate' })).toBe(
      'cursor belongs to a search sorted by acceptedAt desc, not promulgationDate desc',
    );
    const forged = Buffer.from(JSON.stringify(['acceptedAt', 'desc', "x'::text", randomUUID()])).toString(
      'base64url',
    );
    expect(await refusal({ cursor: forged })).toBe('cursor is not a cursor of this search');
  });

  it('exports a result set as CSV and as JSON, the same rows as the search', async () => {
    const expected = (await search({ from: G22 })) as { data: SearchItem[] };
    const csv = await exportRaw({ from: G22, format: 'csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="archive-search.csv"');
    const lines = (await csv.text()).split('\r\n');
    expect(lines[0]).toBe(SEARCH_CSV_COLUMNS.join(','));
    expect(lines.slice(1)).toEqual([
      `${docs.plain.docId},"${docs.plain.documentId}",${G22},${HB}:02,7,TB-VPCP,15/07/2024,Thông báo,1,,` +
        '2024-07-15T04:00:00.000Z,Thong bao ket noi mang truyen so lieu chuyen dung',
      `${docs.connect.docId},"${docs.connect.documentId}",${G22},${HA}:03;${HB}:-,101,VPCP-TTĐT,2024/03/15,` +
        'Công văn,0,,2024-03-15T02:00:00.000Z,"V/v kết nối, liên thông phần mềm quản lý văn bản"',
      '',
    ]);
    const json = await exportRaw({ from: G22, format: 'json' });
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json.json()).toEqual(expected.data);
    const empty = await exportRaw({ from: 'nobody', format: 'json' });
    expect(await empty.json()).toEqual([]);
    // Refused before anything is streamed.
    const bad = await exportRaw({ format: 'xml' });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ ErrorCode: 'BAD_REQUEST' });
  });

  it('streams an export larger than one batch in keyset order, every document once', async () => {
    await hub.ds.query(
      `INSERT INTO archived_package (doc_id, message_type, sender_organ_id, sha256, size_bytes, content,
         document_id, subject, metadata, accepted_at)
       SELECT gen_random_uuid(), 'edoc', 'bulk.sender', repeat('0', 64), 1, '\\x00', 'bulk,' || i,
              'Văn bản số ' || i, '{}'::jsonb, timestamptz '2023-01-01' + make_interval(mins => i % 500)
         FROM generate_series(1, $1) i`,
      [BULK],
    );
    const res = await exportRaw({ from: 'bulk.sender', format: 'json', order: 'asc' });
    const items = (await res.json()) as SearchItem[];
    expect(items).toHaveLength(BULK);
    expect(new Set(items.map((i) => i.docId)).size).toBe(BULK);
    const keys = items.map((i) => `${i.acceptedAt}|${i.docId}`);
    expect(keys).toEqual([...keys].sort());
    // Number 4999 is accepted in the last minute (i % 500), after the first candidates in order: no page is
    // filled by the ordered walk, and the trigram index finds it.
    const late = items.find((i) => i.subject === 'Văn bản số 4999');
    expect(items.indexOf(late!)).toBeGreaterThanOrEqual(ORDERED_PROBE_ROWS);
    expect(await found({ from: 'bulk.sender', text: 'số 4999', order: 'asc' })).toEqual([late!.docId]);
    // A word most of them have: a full page from the ordered walk, the same page as the index would give.
    const common = (await search({ from: 'bulk.sender', text: 'van ban', order: 'asc', limit: 7 })) as {
      data: SearchItem[];
    };
    expect(common.data.map((i) => i.docId)).toEqual(items.slice(0, 7).map((i) => i.docId));
  });

  it('docaxis archive search: a table, or the whole result set following the cursors (built CLI)', async () => {
    const env = { DOCAXIS_GATEWAY_URL: base, DOCAXIS_SYSTEM_ID: ARCHIVIST, DOCAXIS_SYSTEM_SECRET: SECRET };
    const table = await docaxis(['archive', 'search', '--text', 'ket noi', '--from-agency', G22], env);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    const rows = table.stdout.trim().split('\n');
    expect(rows.map((r) => r.split('  ').pop())).toEqual(names('plain', 'connect'));
    expect(rows[1]).toContain('101/VPCP-TTĐT');
    const csv = await docaxis(['archive', 'search', '--from-agency', G22, '--csv'], env);
    expect(csv.code).toBe(0);
    expect(csv.stdout).toBe(await (await exportRaw({ from: G22, format: 'csv' })).text());
    // More than one page of the gateway (1000): the CLI follows the cursors.
    let items: SearchItem[];
    const dir = mkdtempSync(path.join(tmpdir(), 'archive-search-'));
    const file = path.join(dir, 'bulk.json');
    try {
      const json = await docaxis(
        ['archive', 'search', '--from-agency', 'bulk.sender', '--json', '--asc', '-o', file],
        env,
      );
      expect(json).toMatchObject({ code: 0, stdout: '' });
      items = JSON.parse(readFileSync(file, 'utf8')) as SearchItem[];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(items.map((i) => i.docId)).toEqual(
      (
        (await (
          await exportRaw({ from: 'bulk.sender', format: 'json', order: 'asc' })
        ).json()) as SearchItem[]
      ).map((i) => i.docId),
    );
    expect(items.length).toBe(BULK);
    const capped = await docaxis(
      ['archive', 'search', '--from-agency', 'bulk.sender', '--json', '--limit', '1500'],
      env,
    );
    expect((JSON.parse(capped.stdout) as SearchItem[]).length).toBe(1500);
    const bad = await docaxis(['archive', 'search', '--status', '07'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error BAD_REQUEST: status must be one of the following values/);
  }, 60_000);

  it('records every search and export in the audit log', async () => {
    const rows: { action: string; result: string }[] = await hub.ds.query(
      `SELECT action, result FROM audit_log WHERE actor_system_id = $1`,
      [ARCHIVIST],
    );
    const actions = new Set(rows.map((r) => r.action));
    expect(actions).toEqual(new Set(['search', 'export']));
    expect(rows.filter((r) => r.action === 'search' && r.result !== 'ok').length).toBeGreaterThan(0);
  });
});
