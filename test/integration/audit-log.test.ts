// The audit log on a real gateway, registry, NATS and Postgres: an archivist's search, document view and
// exports each leave a hash-chained row (who, what, when, result) and a changed or deleted row is found by verify.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import {
  AUDIT_ACTION_KEY,
  ArchiveRepository,
  CheckpointService,
  verifyArchive,
  verifyExport,
  type ExportBundle,
} from '#archive';
import { ROLES_KEY } from '#auth';
import { DocaxisClient } from '#sdk-client';
import { GatewayModule } from '../../apps/gateway/src/gateway.module.js';
import type { GatewayOptions } from '../../apps/gateway/src/gateway.options.js';
import { ensureDevSeal, loadSeal } from '#trust';
import { startAuthHub, type AuthHub } from '../support/auth-hub.js';
import { waitFor } from '../support/wait.js';
import { docaxis } from '../support/cli.js';

const run = randomBytes(3).toString('hex');
const ARCHIVIST = `audit-archivist-${run}`;
const SYSTEM = `audit-system-${run}`;
const SECRET = randomBytes(16).toString('hex');
const AXIS = '000.00.00.H41';
const SENDER = '000.00.00.K19';

interface AuditSql {
  seq: string;
  at: Date;
  actor_system_id: string;
  actor_role: string;
  action: string;
  route: string;
  target: string | null;
  filters: Record<string, unknown>;
  result: string;
}

describe('what archivists may call', () => {
  it('is read-only and audited: every archivist route is @Audited, reads only, or the public directory', () => {
    const controllers = GatewayModule.forRoot({} as GatewayOptions).controllers ?? [];
    const routes = controllers.flatMap((ctrl) => {
      const proto = (ctrl as { prototype: Record<string, unknown> }).prototype;
      return Object.getOwnPropertyNames(proto)
        .filter(
          (name) =>
            name !== 'constructor' &&
            Reflect.getMetadata(METHOD_METADATA, proto[name] as object) !== undefined,
        )
        .map((name) => {
          const handler = proto[name] as object;
          const roles: string[] = Reflect.getMetadata(ROLES_KEY, handler) ??
            Reflect.getMetadata(ROLES_KEY, ctrl) ?? ['system'];
          return {
            route: `${Reflect.getMetadata(PATH_METADATA, ctrl)}/${Reflect.getMetadata(PATH_METADATA, handler)}`,
            archivist: roles.includes('archivist'),
            audited: Reflect.getMetadata(AUDIT_ACTION_KEY, handler) as string | undefined,
            method: Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod,
          };
        });
    });
    const forArchivists = routes.filter((r) => r.archivist);
    // The two directory calls (public to every authenticated caller) are the only unaudited ones.
    expect(forArchivists.filter((r) => !r.audited).map((r) => r.route.replace(/^\/+/, ''))).toEqual([
      'getAgenciesList',
      'getSynchronizeUnit',
    ]);
    // Archivist routes live under /archive; they are GETs, or POSTs whose body is a query (search, stats, export).
    for (const r of forArchivists.filter((x) => x.audited)) {
      expect(r.route).toMatch(/^archive/);
      expect(r.method === RequestMethod.GET || ['search', 'stats', 'export'].includes(r.audited!)).toBe(true);
    }
  });
});

describe('audit log of archivist calls', () => {
  let hub: AuthHub;
  let archivist: DocaxisClient;
  let system: DocaxisClient;
  let docId: string;
  let sealDir: string;
  let baseUrl: string;
  const audit = async (): Promise<AuditSql[]> => hub.ds.query(`SELECT * FROM audit_log ORDER BY seq`);

  beforeAll(async () => {
    hub = await startAuthHub('audit', {
      systems: [
        { systemId: ARCHIVIST, name: 'Lưu trữ', secret: SECRET, role: 'archivist' },
        { systemId: SYSTEM, name: 'QLVB', secret: SECRET },
      ],
      agencies: [{ organId: SENDER, name: 'Văn phòng', systemId: SYSTEM }],
    });
    baseUrl = await hub.gateway();
    archivist = new DocaxisClient({ baseUrl, systemId: ARCHIVIST, secret: SECRET });
    system = new DocaxisClient({ baseUrl, systemId: SYSTEM, secret: SECRET });
    // One package archived through the archive's write path, covered by a signed checkpoint.
    const content = Buffer.from(`<edXMLEnvelope>${randomUUID()}</edXMLEnvelope>`);
    docId = randomUUID();
    await new ArchiveRepository(hub.ds).insertPackage({
      docId,
      messageType: 'edoc',
      senderOrganId: SENDER,
      sha256: createHash('sha256').update(content).digest('hex'),
      content,
      acceptedAt: new Date(),
      trace: [],
      documentId: `${SENDER},2026/11/23,1/VP`,
      codeNumber: '1',
      codeNotation: 'VP',
      subject: 'Kiểm tra nhật ký',
      promulgationDate: '2026/11/23',
      typeName: 'Công văn',
      priority: '0',
      businessDocType: '0',
      statusCode: null,
      metadata: { kind: 'edoc', from: { organId: SENDER }, to: [] },
    });
    sealDir = mkdtempSync(join(tmpdir(), 'dx-audit-seal-'));
    const f = ensureDevSeal(sealDir, AXIS);
    const seal = loadSeal({ sealKey: f.keyFile, sealCert: f.certFile });
    await new CheckpointService(hub.ds, { seal, axisOrganId: AXIS, every: 1, seconds: 1 }).checkpointIfDue(
      true,
    );
  }, 90_000);

  afterAll(async () => {
    await hub?.close();
    if (sealDir) rmSync(sealDir, { recursive: true, force: true });
  }, 30_000);

  it('records a search, a document view and exports: who, what, when and how each ended', async () => {
    const t0 = new Date();
    const search = await archivist.call('/archive/search', { body: { from: SENDER, limit: 5 } });
    expect(search.answer.status).toBe('OK');
    const view = await archivist.call(`/archive/documents/${docId}`, { method: 'GET' });
    expect(view.answer.status).toBe('OK');
    const exp = await archivist.call<ExportBundle>(`/archive/documents/${docId}/export`, { method: 'GET' });
    expect(exp.answer.status).toBe('OK');
    expect(verifyExport(JSON.stringify((exp.answer as { data: ExportBundle }).data)).problems).toEqual([]);
    const missing = randomUUID();
    const notFound = await archivist.call(`/archive/documents/${missing}/export`, { method: 'GET' });
    expect(notFound.answer).toMatchObject({ status: 'FAIL', ErrorCode: 'DOC_NOT_FOUND' });
    // A streamed export is recorded when its response has finished.
    const csv = await archivist.fetchRaw('/archive/search/export', { body: { from: SENDER, format: 'csv' } });
    expect(csv.status).toBe(200);
    await csv.text();
    const rows = await waitFor('the streamed export audit row', async () => {
      const r = await audit();
      return r.length >= 5 && r;
    });
    expect(rows.map((r) => [r.actor_system_id, r.actor_role, r.action, r.route, r.target, r.result])).toEqual(
      [
        [ARCHIVIST, 'archivist', 'search', 'POST /archive/search', null, 'ok'],
        [ARCHIVIST, 'archivist', 'view', 'GET /archive/documents/:docId', docId, 'ok'],
        [ARCHIVIST, 'archivist', 'export', 'GET /archive/documents/:docId/export', docId, 'ok'],
        [ARCHIVIST, 'archivist', 'export', 'GET /archive/documents/:docId/export', missing, 'DOC_NOT_FOUND'],
        [ARCHIVIST, 'archivist', 'export', 'POST /archive/search/export', null, 'ok'],
      ],
    );
    expect(rows[0].filters).toEqual({ from: SENDER, limit: 5 });
    expect(rows[4].filters).toEqual({ from: SENDER, format: 'csv' });
    for (const r of rows) expect(r.at.getTime()).toBeGreaterThanOrEqual(t0.getTime() - 1000);
    expect((await verifyArchive(hub.ds)).problems).toEqual([]);
  });

  it('a system (not an archivist) is refused, and nothing is recorded as done', async () => {
    const before = (await audit()).length;
    const refused = await system.call(`/archive/documents/${docId}/export`, { method: 'GET' });
    expect(refused.answer).toMatchObject({ status: 'FAIL', ErrorCode: 'FORBIDDEN_ROLE' });
    expect((await audit()).length).toBe(before);
  });

  it('`docaxis archive export` with archivist credentials goes through the gateway and is audited', async () => {
    const before = (await audit()).length;
    const file = join(sealDir, 'export.json');
    const r = await docaxis(['archive', 'export', docId, '-o', file], {
      DOCAXIS_GATEWAY_URL: baseUrl,
      DOCAXIS_SYSTEM_ID: ARCHIVIST,
      DOCAXIS_SYSTEM_SECRET: SECRET,
      DOCAXIS_STATE_DIR: sealDir,
    });
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(verifyExport(readFileSync(file)).problems).toEqual([]);
    const rows = await audit();
    expect(rows.length).toBe(before + 1);
    expect(rows[rows.length - 1]).toMatchObject({
      actor_system_id: ARCHIVIST,
      action: 'export',
      target: docId,
    });
  });

  it('verify names a changed audit row and a deleted one', async () => {
    const rows = await audit();
    const dba = (sql: string, params: unknown[]) =>
      hub.ds.transaction(async (m) => {
        await m.query(`SET LOCAL session_replication_role = replica`);
        await m.query(sql, params);
      });
    await dba(`UPDATE audit_log SET actor_system_id = 'someone-else' WHERE seq = $1`, [rows[1].seq]);
    await dba(`DELETE FROM audit_log WHERE seq = $1`, [rows[3].seq]);
    const found = (await verifyArchive(hub.ds)).problems;
    expect(found).toEqual([`altered: audit seq ${rows[1].seq}`, `deleted: audit seq ${rows[3].seq}`]);
  });
});
