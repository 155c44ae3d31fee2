// Two real hubs in one process, each with its own NATS server and database: a national axis (000.00.00.G22:
// registry, router, archive, gateway) and the provincial axis of Nghệ An (000.00.00.H41: the same plus the
// connector with its SDK-HTTP driver). The connector reaches the national gateway through a TCP relay that the
// test cuts and restores, which is how the link fails. The provincial hub uses the shared test NATS server
// (durables reset below): run the integration project --runInBand.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { request } from '#bus';
import { loadConfig, type DocaxisConfig } from '#config';
import { CONSUMERS, REQUESTS, type ConsumerKey } from '#contracts';
import { buildStatus, parseEdxml, type EdxmlDocument } from '#edxml';
import { REGISTRY_VERSION_KEY } from '#connector';
import { LinkRelay } from '#local-hub';
import { DocaxisClient } from '#sdk-client';
import { startNatsServer, type RunningNatsServer } from '#stack';
import { ConnectorAppModule, connectorAppOptions } from '../../apps/connector/src/connector-app.module.js';
import { RouterAppModule, routerAppOptions } from '../../apps/router/src/router.module.js';
import { count, organIds, startAxisHub, twoAxisProbes, type AxisHub } from '../support/axis-hub.js';
import { importRegistry } from '../support/auth-hub.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { cleanBus, natsUrl } from '../support/nats.js';
import { documentBytes, nextDocumentId, revocationBytes } from '../support/packages.js';
import { sleep, waitFor } from '../support/wait.js';

const NATIONAL = '000.00.00.G22'; // the Government Office runs the national axis
const NGHE_AN = '000.00.00.H41';
const CAO_BANG = '000.00.00.H14';
const A1 = '000.00.01.H41';
const A2 = '000.00.02.H41';
const B1 = '000.00.01.H14';
const B2 = '000.00.02.H14';
const MINISTRY = '000.00.00.G09'; // Bộ Nội vụ, attached to the national axis
const A3 = '000.00.03.H41'; // registered at its province only, not at national
const NOBODY = '000.00.99.H41'; // registered nowhere

const secret = () => randomBytes(24).toString('hex');
const SECRETS = { axisH41: secret(), axisH14: secret(), ministry: secret(), qlvb: secret() };

let statusSecond = 0;
/** A status of the ministry about a document of A1 (distinct timestamps: each is a new status). */
const ministryStatus = (documentId: string, code: '01' | '03' | '05' | '06' | '15', description: string) =>
  buildStatus({
    from: { OrganId: MINISTRY, OrganName: 'Bộ Nội vụ' },
    responseFor: { OrganId: A1, DocumentId: documentId },
    statusCode: code,
    description,
    timestamp: new Date(Date.UTC(2026, 10, 23, 2, 0, ++statusSecond)),
  });

describe('two axes: provincial connector (SDK-HTTP) to a national docaxis', () => {
  const masterKey = randomBytes(32).toString('hex');
  let stateDir: string;
  let nats2: RunningNatsServer;
  let national: AxisHub;
  let province: AxisHub;
  let provinceDb: TestDatabase;
  let connector: INestMicroservice | undefined;
  let relay: LinkRelay;
  // Clients: a document system of Nghệ An at its axis; the ministry's system and the axes' systems at national.
  let qlvb: DocaxisClient;
  let ministry: DocaxisClient;
  let axisH41AtNational: DocaxisClient;
  let axisH14AtNational: DocaxisClient;

  const env = (over: Record<string, string>): DocaxisConfig =>
    loadConfig({ DOCAXIS_MASTER_KEY: masterKey, ...over });

  const provinceCfg = (over: Record<string, string> = {}) =>
    env({
      NATS_URL: natsUrl(),
      DATABASE_URL: provinceDb.url,
      DOCAXIS_AXIS_ROLE: 'provincial',
      DOCAXIS_AXIS_ORGAN_ID: NGHE_AN,
      DOCAXIS_PARENT_URL: relay.url,
      DOCAXIS_PARENT_SYSTEM_ID: 'axis-H41',
      DOCAXIS_PARENT_SECRET: SECRETS.axisH41,
      DOCAXIS_PARENT_ORGAN_ID: NATIONAL,
      DOCAXIS_CONNECTOR_POLL_MS: '200',
      ...over,
    });

  async function startConnector(cfg: DocaxisConfig): Promise<void> {
    connector = await province.micro(
      ConnectorAppModule.forRoot({ ...connectorAppOptions(cfg), registrySyncEvery: 5 }),
      'connector',
      cfg,
    );
  }

  const {
    nationalSubmissions,
    nationalCopies,
    sentAt,
    recipientState,
    untilStates,
    sendFrom,
    ministryInboxItem,
  } = twoAxisProbes(() => ({ national, sender: qlvb, ministry }));
  const sendFromA1 = (to: string[]) => sendFrom(A1, to);

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'docaxis-connector-test-'));
    nats2 = await startNatsServer({
      storeDir: join(stateDir, 'nats-national'),
      name: 'docaxis-national-test',
    });
    const provincialBus = await cleanBus('connector-test', Object.keys(CONSUMERS) as ConsumerKey[]);
    await provincialBus.nc.close();

    const nationalDb = await createTestDatabase('connector_national');
    provinceDb = await createTestDatabase('connector_province');
    national = await startAxisHub(
      env({
        NATS_URL: nats2.url,
        DATABASE_URL: nationalDb.url,
        DOCAXIS_AXIS_ROLE: 'national',
        DOCAXIS_AXIS_ORGAN_ID: NATIONAL,
      }),
      'national',
      nationalDb,
      masterKey,
    );
    await importRegistry(national.nc, {
      systems: [
        { systemId: 'axis-H41', name: 'Trục liên thông tỉnh Nghệ An', secret: SECRETS.axisH41 },
        { systemId: 'axis-H14', name: 'Trục liên thông tỉnh Cao Bằng', secret: SECRETS.axisH14 },
        { systemId: 'demo-ministry', name: 'QLVB Bộ Nội vụ', secret: SECRETS.ministry },
      ],
      agencies: [
        { organId: A1, name: 'Văn phòng UBND tỉnh Nghệ An', axisOrganId: NGHE_AN, systemId: 'axis-H41' },
        { organId: A2, name: 'Sở Nội vụ Nghệ An', axisOrganId: NGHE_AN, systemId: 'axis-H41' },
        { organId: B1, name: 'Văn phòng UBND tỉnh Cao Bằng', axisOrganId: CAO_BANG, systemId: 'axis-H14' },
        { organId: B2, name: 'Sở Nội vụ Cao Bằng', axisOrganId: CAO_BANG, systemId: 'axis-H14' },
        { organId: MINISTRY, name: 'Bộ Nội vụ', axisOrganId: NATIONAL, systemId: 'demo-ministry' },
      ],
    });

    // The link between the axes, which the tests cut and restore: the topology's own relay.
    relay = new LinkRelay({
      host: '127.0.0.1',
      port: (national.gateway.getHttpServer().address() as AddressInfo).port,
    });
    await relay.open();
    province = await startAxisHub(provinceCfg(), 'province', provinceDb, masterKey);
    await importRegistry(province.nc, {
      systems: [{ systemId: 'qlvb-h41', name: 'QLVB Nghệ An', secret: SECRETS.qlvb }],
      agencies: [
        { organId: A1, name: 'Văn phòng UBND tỉnh Nghệ An', axisOrganId: NGHE_AN, systemId: 'qlvb-h41' },
        { organId: A2, name: 'Sở Nội vụ Nghệ An', axisOrganId: NGHE_AN, systemId: 'qlvb-h41' },
        { organId: A3, name: 'Sở mới Nghệ An', axisOrganId: NGHE_AN, systemId: 'qlvb-h41' },
      ],
    });
    await startConnector(province.cfg);

    qlvb = new DocaxisClient({ baseUrl: province.url, systemId: 'qlvb-h41', secret: SECRETS.qlvb });
    ministry = new DocaxisClient({
      baseUrl: national.url,
      systemId: 'demo-ministry',
      secret: SECRETS.ministry,
    });
    axisH41AtNational = new DocaxisClient({
      baseUrl: national.url,
      systemId: 'axis-H41',
      secret: SECRETS.axisH41,
    });
    axisH14AtNational = new DocaxisClient({
      baseUrl: national.url,
      systemId: 'axis-H14',
      secret: SECRETS.axisH14,
    });
  }, 120_000);

  afterAll(async () => {
    await connector?.close();
    await relay?.cut();
    await province?.stop();
    await national?.stop();
    await nats2?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('syncs the agencies of other axes from the national registry, as remote agencies', async () => {
    const resolved = await waitFor('the ministry in the provincial registry', async () => {
      const r = await request(province.nc, REQUESTS.registryResolve.subject, {
        organIds: [MINISTRY, B1, B2, A1],
      });
      return r.agencies.length === 4 ? r : null;
    });
    const byId = Object.fromEntries(resolved.agencies.map((a) => [a.organId, a]));
    expect(byId[MINISTRY]).toMatchObject({ axisOrganId: NATIONAL, name: 'Bộ Nội vụ' });
    expect(byId[MINISTRY].systemId).toBeUndefined();
    expect(byId[B1]).toMatchObject({ axisOrganId: CAO_BANG });
    expect(byId[B1].systemId).toBeUndefined();
    // This axis's own agencies are its operators' business: untouched.
    expect(byId[A1]).toMatchObject({ axisOrganId: NGHE_AN, systemId: 'qlvb-h41' });

    const stored: { value: string }[] = await province.ds.query(
      `SELECT value FROM connector_state WHERE key = $1`,
      [REGISTRY_VERSION_KEY],
    );
    const nationalVersion = (await ministry.getAgenciesList({ limit: 1 })).version;
    expect(Number(stored[0].value)).toBe(nationalVersion);

    // Incremental: a change at national after the sync arrives with the next one.
    await importRegistry(national.nc, {
      agencies: [
        { organId: '000.00.03.H14', name: 'Sở mới Cao Bằng', axisOrganId: CAO_BANG, systemId: 'axis-H14' },
      ],
    });
    await waitFor('the new agency in the provincial registry', async () => {
      const r = await request(province.nc, REQUESTS.registryResolve.subject, { organIds: ['000.00.03.H14'] });
      return r.agencies[0]?.axisOrganId === CAO_BANG;
    });
  });

  let first: { documentId: string; bytes: Buffer; docId: string };

  it('sends a document up to a ministry and another province, byte-identical, with every hop', async () => {
    first = await sendFromA1([MINISTRY, B1, A2, NOBODY]);
    expect(
      await untilStates(first.docId, { [MINISTRY]: 'forwarded', [B1]: 'forwarded', [A2]: 'pending' }),
    ).toEqual({ [MINISTRY]: 'forwarded', [B1]: 'forwarded', [A2]: 'pending', [NOBODY]: 'failed' });
    const unknown = (await sentAt(first.docId)).recipients.find((r) => r.to === NOBODY);
    expect(unknown?.failure?.code).toBe('UNKNOWN_RECIPIENT');

    const item = await ministryInboxItem(first.documentId);
    expect(item).toMatchObject({ from: A1, to: MINISTRY, messageType: 'edoc' });
    expect(organIds(item.trace)).toEqual([NGHE_AN, NATIONAL]);
    const got = await ministry.fetchEdoc(item.id);
    expect(got.content.equals(first.bytes)).toBe(true);
    expect(organIds(got.trace)).toEqual([NGHE_AN, NATIONAL]);
    expect(got.view).toBe('original');

    // The other province's axis finds it in its inbox at national, for its agency.
    const forH14 = await waitFor('the document in axis-H14 inbox', async () =>
      (await axisH14AtNational.getReceivedEdocList({ messageType: 'edoc' })).items.find(
        (i) => i.documentId === first.documentId,
      ),
    );
    expect(forH14.to).toBe(B1);
    expect(await nationalSubmissions(first.documentId)).toBe(1);
  });

  it('offers a traced copy with the hops in TraceHeaderList, and says it is not the original', async () => {
    const item = await ministryInboxItem(first.documentId);
    const traced = await ministry.fetchEdoc(item.id, { view: 'traced', base64: true });
    expect(traced.view).toBe('traced');
    expect(traced.content.equals(first.bytes)).toBe(false);
    const hops = (parseEdxml(traced.content) as EdxmlDocument).TraceHeaderList!.traces.map((t) => ({ ...t }));
    expect(hops.slice(-2)).toEqual(traced.trace);
    expect(organIds(traced.trace)).toEqual([NGHE_AN, NATIONAL]);
  });

  it('drops the echo of its own agencies that national delivers back to this axis', async () => {
    // National routes the package's whole To list, so it delivers A2's copy to axis-H41 too; the connector
    // takes it, this axis recognises its own submission, and A2 keeps exactly one copy.
    const echo = await waitFor('the echo taken from axis-H41 inbox at national', async () => {
      const rows: { state: string }[] = await national.ds.query(
        `SELECT d.state FROM delivery d JOIN submission s ON s.doc_id = d.doc_id
          WHERE s.document_id = $1 AND s.document_key = $1 AND d.recipient_organ_id = $2`,
        [first.documentId, A2],
      );
      return rows.length && rows.every((r) => r.state === 'done') ? rows : null;
    });
    expect(echo).toHaveLength(1);
    expect(
      await count(
        province.ds,
        `SELECT count(*)::int AS n FROM submission WHERE document_id = $1 AND message_type = 'edoc'`,
        [first.documentId],
      ),
    ).toBe(1);
    const copies = (await qlvb.getReceivedEdocList({ agency: A2, messageType: 'edoc' })).items.filter(
      (i) => i.documentId === first.documentId,
    );
    expect(copies).toHaveLength(1);
    expect(organIds(copies[0].trace)).toEqual([NGHE_AN]);
  });

  it("brings the ministry's statuses back to the sender across axes, with their hops", async () => {
    for (const [code, text] of [
      ['01', 'Đã đến'],
      ['03', 'Đã tiếp nhận, vào sổ văn bản đến'],
      ['05', 'Đang xử lý'],
      ['06', 'Hoàn thành'],
    ] as const) {
      const bytes = ministryStatus(first.documentId, code, text);
      await ministry.sendEdoc(bytes, { from: MINISTRY, messageType: 'status' });
      const business = await waitFor(`status ${code} at the sender`, async () => {
        const r = (await sentAt(first.docId)).recipients.find((x) => x.to === MINISTRY);
        return r?.businessStatus?.code === code ? r.businessStatus : null;
      });
      expect(business.description).toBe(text);
      const inStatusInbox = await waitFor(`status ${code} in A1's status inbox`, async () => {
        const page = await qlvb.getReceivedEdocList({ agency: A1, messageType: 'status', limit: 1000 });
        for (const i of page.items.filter((x) => x.documentId === first.documentId)) {
          const got = await qlvb.fetchEdoc(i.id);
          if (got.content.equals(bytes)) return { item: i, got };
        }
        return null;
      });
      expect(inStatusInbox.item.from).toBe(MINISTRY);
      expect(organIds(inStatusInbox.got.trace)).toEqual([NATIONAL, NGHE_AN]);
      await qlvb.updateStatus(inStatusInbox.item.id, 'done', A1);
    }
    // Each status arrived once here.
    expect(
      await count(
        province.ds,
        `SELECT count(*)::int AS n FROM submission WHERE document_id = $1 AND message_type = 'status'`,
        [first.documentId],
      ),
    ).toBe(4);
  });

  it('revokes across axes, and the ministry answers 15', async () => {
    const bytes = revocationBytes(A1, [MINISTRY], first.documentId);
    const { docId } = await qlvb.sendEdoc(bytes, { from: A1, messageType: 'edoc' });
    await untilStates(docId, { [MINISTRY]: 'forwarded', [B1]: 'forwarded', [A2]: 'pending' });
    const revocation = await waitFor('the revocation at the ministry', async () => {
      const page = await ministry.getReceivedEdocList({ messageType: 'edoc', limit: 1000 });
      for (const i of page.items.filter((x) => x.documentId === first.documentId)) {
        const got = await ministry.fetchEdoc(i.id);
        if (got.content.equals(bytes)) return i;
      }
      return null;
    });
    expect(organIds(revocation.trace)).toEqual([NGHE_AN, NATIONAL]);
    await ministry.updateStatus(revocation.id, 'done');

    await ministry.sendEdoc(ministryStatus(first.documentId, '15', 'Đồng ý thu hồi'), {
      from: MINISTRY,
      messageType: 'status',
    });
    await waitFor('15 at the sender', async () => {
      const r = (await sentAt(first.docId)).recipients.find((x) => x.to === MINISTRY);
      return r?.businessStatus?.code === '15';
    });
  });

  it("delivers a ministry's document to the province's agency, and its status goes back up", async () => {
    const documentId = nextDocumentId(MINISTRY, 'BNV-VP');
    const bytes = documentBytes(MINISTRY, [A1, B1], documentId);
    await ministry.sendEdoc(bytes, { from: MINISTRY, messageType: 'edoc' });
    const item = await waitFor("the ministry's document in A1's inbox", async () =>
      (await qlvb.getReceivedEdocList({ agency: A1, messageType: 'edoc', limit: 1000 })).items.find(
        (i) => i.documentId === documentId,
      ),
    );
    expect(item.from).toBe(MINISTRY);
    expect(organIds(item.trace)).toEqual([NATIONAL, NGHE_AN]);
    expect((await qlvb.getEdoc(item.id)).equals(bytes)).toBe(true);
    await qlvb.updateStatus(item.id, 'done', A1);
    // B1 is on another axis: this axis records nothing for it (national delivers it to axis-H14).
    expect(
      await count(
        province.ds,
        `SELECT count(*)::int AS n FROM delivery WHERE doc_id = $1 AND recipient_organ_id = $2`,
        [item.id, B1],
      ),
    ).toBe(0);

    const status = buildStatus({
      from: { OrganId: A1, OrganName: 'Văn phòng UBND tỉnh Nghệ An' },
      responseFor: { OrganId: MINISTRY, DocumentId: documentId },
      statusCode: '03',
      description: 'Đã tiếp nhận',
      timestamp: new Date(),
    });
    const sent = await qlvb.sendEdoc(status, { from: A1, messageType: 'status' });
    await untilStates(sent.docId, { [MINISTRY]: 'forwarded' });
    const atMinistry = await waitFor('03 at the ministry', async () => {
      const s = (await ministry.getSentEdocList({ messageType: 'edoc', limit: 1000 })).items.find(
        (x) => x.documentId === documentId,
      );
      return s?.recipients.find((r) => r.to === A1 && r.businessStatus?.code === '03');
    });
    expect(atMinistry.businessStatus?.description).toBe('Đã tiếp nhận');
    const statusItem = await ministryInboxItem(documentId, 'status');
    expect(organIds(statusItem.trace)).toEqual([NGHE_AN, NATIONAL]);
  });

  it("ends a copy failed with the national axis's code when it refuses the package", async () => {
    // A3 is not registered at national under axis-H41: national refuses to take a package from it.
    const refused = await sendFrom(A3, [MINISTRY]);
    await untilStates(refused.docId, { [MINISTRY]: 'failed' });
    const r = (await sentAt(refused.docId)).recipients.find((x) => x.to === MINISTRY);
    expect(r?.failure?.code).toBe('FORBIDDEN_SENDER');
    expect(r?.failure?.reason).toContain(NATIONAL);
    expect(await nationalSubmissions(refused.documentId)).toBe(0);
  });

  it('keeps accepting while the link is down, and drains everything exactly once when it is back', async () => {
    // One package in flight as the link goes down, more while it is down.
    const before = await sendFromA1([MINISTRY]);
    await relay.cut();
    const during = [await sendFromA1([MINISTRY]), await sendFromA1([MINISTRY, B2])];
    // Meanwhile the ministry answers the first document: it waits at national for the link.
    const status05 = ministryStatus(before.documentId, '05', 'Đang xử lý');
    await ministry.sendEdoc(status05, { from: MINISTRY, messageType: 'status' });

    await sleep(1500);
    for (const d of during) expect((await recipientState(d.docId))[MINISTRY]).toBe('outbound');

    await relay.restore();
    for (const d of [before, ...during]) {
      await untilStates(d.docId, { [MINISTRY]: 'forwarded' });
      // The national router writes the copy a moment after the national gateway answered: wait for it first.
      const item = await ministryInboxItem(d.documentId);
      expect(await nationalSubmissions(d.documentId)).toBe(1);
      expect(await nationalCopies(d.documentId, MINISTRY)).toBe(1);
      expect((await ministry.fetchEdoc(item.id)).content.equals(d.bytes)).toBe(true);
    }
    expect(await untilStates(during[1].docId, { [B2]: 'forwarded' })).toMatchObject({ [B2]: 'forwarded' });
    await waitFor('the status sent during the outage at the sender', async () => {
      const r = (await sentAt(before.docId)).recipients.find((x) => x.to === MINISTRY);
      return r?.businessStatus?.code === '05';
    });
    // Nothing is left behind at national for this axis, and nothing arrived twice here.
    await waitFor('axis-H41 inbox at national to drain', async () => {
      const page = await axisH41AtNational.getReceivedEdocList({ limit: 1000 });
      return page.items.length === 0;
    });
    expect(
      await count(
        province.ds,
        `SELECT count(*)::int AS n FROM submission WHERE document_id = $1 AND message_type = 'status'`,
        [before.documentId],
      ),
    ).toBe(1);
  });

  it('ends a package the parent could not take within its lifetime in the expired state', async () => {
    // Restart the router and the connector of the province with a 2-second lifetime.
    await connector?.close();
    connector = undefined;
    await province.router.close();
    const shortLived = provinceCfg({ DOCAXIS_PACKAGE_LIFETIME_SECONDS: '2' });
    province.router = await province.micro(
      RouterAppModule.forRoot({ ...routerAppOptions(shortLived), sweepIntervalMs: 300 }),
      'router-2',
      shortLived,
    );
    await startConnector(shortLived);

    await relay.cut();
    const doomed = await sendFromA1([MINISTRY]);
    await untilStates(doomed.docId, { [MINISTRY]: 'expired' }, 20_000);
    const r = (await sentAt(doomed.docId)).recipients.find((x) => x.to === MINISTRY);
    expect(r?.failure?.code).toBe('EXPIRED');

    await relay.restore();
    await sleep(2000);
    // Expired here means never sent: national has not seen it.
    expect(await nationalSubmissions(doomed.documentId)).toBe(0);
    expect((await recipientState(doomed.docId))[MINISTRY]).toBe('expired');
  });
});
