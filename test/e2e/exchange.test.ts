// End to end: the real CLI starts the whole hub (nats-server, embedded Postgres, registry, router, archive,
// gateway as separate processes); agency systems talk to it only through the signed HTTP API.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DocaxisClient, DocaxisClientError } from '#sdk-client';
import { buildDemoDocument, eventually, isAlive, readHubState, type HubState } from '#local-hub';
import { buildStatus, parseEdxml } from '#edxml';
import { pgClient, type PgClient } from '#stack';

const run = promisify(execFile);
const cli = resolve('bin/docaxis.js');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('one provincial axis, end to end', () => {
  let stateDir: string;
  let hub: HubState;
  let db: PgClient;
  let clientA: DocaxisClient;
  let clientBC: DocaxisClient;
  let A: string, B: string, C: string;
  // Only the hub's own services: never a NATS or Postgres the developer happens to run.
  const { NATS_URL: _nats, DATABASE_URL: _db, DOCAXIS_GATEWAY_PORT: _port, ...env } = process.env;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'docaxis-e2e-'));
    chmodSync(stateDir, 0o755); // Postgres runs as its own user when we are root
    await run(process.execPath, [cli, '--state-dir', stateDir, 'up', '--no-demo'], { env, timeout: 240_000 });
    hub = readHubState(stateDir)!;
    const [sysA, sysBC] = hub.systems;
    A = sysA.agencies[0].organId;
    [B, C] = sysBC.agencies.map((a) => a.organId);
    clientA = new DocaxisClient({ baseUrl: hub.gatewayUrl, systemId: sysA.systemId, secret: sysA.secret });
    clientBC = new DocaxisClient({ baseUrl: hub.gatewayUrl, systemId: sysBC.systemId, secret: sysBC.secret });
    db = await pgClient(hub.databaseUrl);
    await db.connect();
  }, 300_000);

  afterAll(async () => {
    await db?.end();
    if (stateDir) {
      await run(process.execPath, [cli, '--state-dir', stateDir, 'down'], { env, timeout: 120_000 }).catch(
        () => undefined,
      );
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('runs every service as its own process', () => {
    expect(Object.keys(hub.services).sort()).toEqual(['archive', 'gateway', 'registry', 'router']);
    const pids = Object.values(hub.services).map((s) => s.pid);
    expect(new Set(pids).size).toBe(4);
    for (const pid of pids) expect(isAlive(pid)).toBe(true);
  });

  it('exchanges a document, its statuses, a duplicate and a revocation', async () => {
    const date = new Date();
    const doc = buildDemoDocument({
      from: { organId: A, name: 'A' },
      to: [
        { organId: B, name: 'B' },
        { organId: C, name: 'C' },
      ],
      codeNumber: '101',
      codeNotation: 'UBND-VP',
      subject: 'V/v kiểm thử đầu cuối',
      date,
    });

    // A sends to B and C.
    const sent = await clientA.sendEdoc(doc.bytes, { from: A, messageType: 'edoc' });
    expect(sent.duplicate).toBe(false);

    // B and C list it and fetch it byte-identical, then acknowledge it.
    for (const r of [B, C]) {
      const item = await eventually(
        async () =>
          (await clientBC.getReceivedEdocList({ messageType: 'edoc', agency: r })).items.find(
            (i) => i.id === sent.docId,
          ),
        `${r}'s inbox`,
      );
      expect(item).toMatchObject({
        from: A,
        to: r,
        contentSha256: sha256(doc.bytes),
        contentLength: doc.bytes.length,
      });
      const fetched = await clientBC.getEdoc(sent.docId);
      expect(Buffer.compare(fetched, doc.bytes)).toBe(0);
      await clientBC.updateStatus(sent.docId, 'done', r);
    }
    expect(
      (await clientBC.getReceivedEdocList({ messageType: 'edoc' })).items.map((i) => i.id),
    ).not.toContain(sent.docId);

    // B answers 01 then 03; C rejects with 02 and a reason.
    const status = (from: string, code: '01' | '02' | '03', description: string, seconds: number) =>
      buildStatus({
        from: { OrganId: from },
        responseFor: { OrganId: A, DocumentId: doc.documentId },
        statusCode: code,
        description,
        timestamp: new Date(date.getTime() + seconds * 1000),
      });
    await clientBC.sendEdoc(status(B, '01', 'Đã đến', 1), { from: B, messageType: 'status' });
    await clientBC.sendEdoc(status(B, '03', 'Đã tiếp nhận', 2), { from: B, messageType: 'status' });
    const reason = 'Văn bản không thuộc thẩm quyền';
    await clientBC.sendEdoc(status(C, '02', reason, 1), { from: C, messageType: 'status' });

    // A sees the statuses in getSentEdocList …
    const final = await eventually(async () => {
      const s = await clientA.findSent(sent.docId);
      const byTo = new Map(s?.recipients.map((r) => [r.to, r.businessStatus?.code]));
      return byTo.get(B) === '03' && byTo.get(C) === '02' ? s : null;
    }, 'statuses at the sender');
    const rc = final.recipients.find((r) => r.to === C)!;
    expect(rc.businessStatus?.description).toBe(reason);
    expect(final.recipients.every((r) => r.status === 'done')).toBe(true);

    // … and in its status inbox, as the status packages themselves.
    const statusItems = await eventually(async () => {
      const items = (await clientA.getReceivedEdocList({ messageType: 'status', agency: A })).items;
      return items.length === 3 ? items : null;
    }, 'three status packages in the status inbox');
    const codes: string[] = [];
    for (const i of statusItems) {
      const pkg = parseEdxml(await clientA.getEdoc(i.id));
      expect(pkg.kind).toBe('status');
      if (pkg.kind === 'status')
        codes.push(`${pkg.MessageHeader.From.OrganId}:${pkg.MessageHeader.StatusCode}`);
    }
    expect(codes.sort()).toEqual([`${B}:01`, `${B}:03`, `${C}:02`].sort());

    // The archive holds the original bytes with their SHA-256, and each recipient's history.
    const archived = await db.query('SELECT content, sha256 FROM archived_package WHERE doc_id = $1', [
      sent.docId,
    ]);
    expect(Buffer.compare(archived.rows[0].content as Buffer, doc.bytes)).toBe(0);
    expect(archived.rows[0].sha256).toBe(sha256(doc.bytes));
    const history = await eventually(async () => {
      const h = await db.query(
        'SELECT recipient_organ_id AS r, event, status_code AS s FROM delivery_history WHERE doc_id = $1',
        [sent.docId],
      );
      const events = h.rows.map((x) => `${x.r}:${x.event}${x.s ? ':' + x.s : ''}`);
      const want = [
        `${B}:recorded`,
        `${C}:recorded`,
        `${B}:done`,
        `${C}:done`,
        `${B}:status:03`,
        `${C}:status:02`,
      ];
      return want.every((w) => events.includes(w)) ? events : null;
    }, 'delivery history in the archive');
    expect(history).toContain(`${B}:status:01`);

    // The same package again is idempotent: same DocId and receipt (the local hub's dev seal), no new deliveries.
    const again = await clientA.sendEdoc(doc.bytes, { from: A, messageType: 'edoc' });
    expect(sent.receipt).toEqual(expect.any(String));
    expect(again).toEqual({
      docId: sent.docId,
      duplicate: true,
      receipt: sent.receipt,
      signature: sent.signature,
    });
    const deliveries = await db.query('SELECT count(*)::int AS n FROM delivery WHERE doc_id = $1', [
      sent.docId,
    ]);
    expect(deliveries.rows[0].n).toBe(2);

    // The same DocumentId with different bytes is refused, never overwritten.
    const altered = buildDemoDocument({
      from: { organId: A, name: 'A' },
      to: [{ organId: B, name: 'B' }],
      codeNumber: '101',
      codeNotation: 'UBND-VP',
      subject: 'V/v nội dung khác',
      date,
    });
    expect(altered.documentId).toBe(doc.documentId);
    await expect(clientA.sendEdoc(altered.bytes, { from: A, messageType: 'edoc' })).rejects.toMatchObject({
      code: 'DUPLICATE_DOCUMENT_ID',
    });
    await expect(clientA.sendEdoc(altered.bytes, { from: A, messageType: 'edoc' })).rejects.toBeInstanceOf(
      DocaxisClientError,
    );

    // A revocation (BussinessDocType 1) addressed to B alone reaches every recipient of the original: B and C.
    const revoke = buildDemoDocument({
      from: { organId: A, name: 'A' },
      to: [{ organId: B, name: 'B' }],
      codeNumber: '102',
      codeNotation: 'UBND-VP',
      subject: 'Thu hồi văn bản 101/UBND-VP',
      businessDocType: '1',
      refersTo: doc.documentId,
      date,
    });
    const revoked = await clientA.sendEdoc(revoke.bytes, { from: A, messageType: 'edoc' });
    for (const r of [B, C]) {
      const item = await eventually(
        async () =>
          (await clientBC.getReceivedEdocList({ messageType: 'edoc', agency: r })).items.find(
            (i) => i.id === revoked.docId,
          ),
        `the revocation in ${r}'s inbox`,
      );
      expect(item.from).toBe(A);
    }
  });

  it('refuses, per recipient, an agency of another axis when this hub has no parent link (NO_ROUTE)', async () => {
    // 000.00.01.H14 is registered by the seed as served by the Cao Bằng axis; this standalone hub cannot reach it.
    const other = '000.00.01.H14';
    const doc = buildDemoDocument({
      from: { organId: A, name: 'A' },
      to: [
        { organId: B, name: 'B' },
        { organId: other, name: 'Cao Bằng' },
      ],
      codeNumber: '301',
      codeNotation: 'UBND-VP',
      subject: 'V/v gửi sang tỉnh khác',
    });
    const sent = await clientA.sendEdoc(doc.bytes, { from: A, messageType: 'edoc' });
    const s = await eventually(async () => {
      const item = await clientA.findSent(sent.docId);
      return item?.recipients.length === 2 ? item : null;
    }, 'both recipients recorded');
    const byTo = new Map(s.recipients.map((r) => [r.to, r]));
    expect(byTo.get(B)?.status).toBe('pending');
    expect(byTo.get(other)).toMatchObject({ status: 'failed', failure: { code: 'NO_ROUTE' } });
    expect(byTo.get(other)?.failure?.reason).toContain('000.00.00.H14');
  });

  it('serves the CLI: validate, send, inbox, fetch --ack and status', async () => {
    const docaxis = (...args: string[]) =>
      run(process.execPath, [cli, '--state-dir', stateDir, ...args], { env, cwd: stateDir, timeout: 60_000 });
    const doc = buildDemoDocument({
      from: { organId: A, name: 'A' },
      to: [{ organId: C, name: 'C' }],
      codeNumber: '201',
      codeNotation: 'UBND-VP',
      subject: 'V/v gửi bằng dòng lệnh',
    });
    const file = join(stateDir, 'cli-doc.edxml');
    writeFileSync(file, doc.bytes);

    const summary = JSON.parse((await docaxis('validate', file)).stdout) as {
      documentId: string;
      to: string[];
    };
    expect(summary.documentId).toBe(doc.documentId);
    expect(summary.to).toEqual([C]);
    const malformed = resolve('../shared/conformance/edxml/vpcp-sdk/edoc_2803_malformed.edxml');
    await expect(docaxis('validate', malformed)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('EDXML_MALFORMED'),
    });

    const sentOut = (await docaxis('send', file)).stdout;
    const docId = /DocId ([0-9a-f-]{36})/.exec(sentOut)?.[1];
    expect(docId).toBeDefined();

    const inbox = await eventually(async () => {
      const out = (await docaxis('inbox', C)).stdout;
      return out.includes(docId!) ? out : null;
    }, 'the CLI inbox');
    expect(inbox).toContain(`from ${A}`);

    const out = join(stateDir, 'fetched.edxml');
    await docaxis('fetch', docId!, '-o', out, '--as', C, '--ack');
    expect(Buffer.compare(readFileSync(out), doc.bytes)).toBe(0);
    expect((await docaxis('inbox', C)).stdout).not.toContain(docId!);

    const status = (await docaxis('status', docId!, '--as', A)).stdout;
    expect(status).toMatch(new RegExp(`${C.replace(/\./g, '\\.')}\\s+done`));
  });
});
