// The NATS connector driver across a REAL leafnode: two nats-servers of our own, the national one (accounts:
// its services in NATIONAL, the province's leafnode user in account H41, which imports only dx.axis.H41.>) and
// Nghệ An's (its own JetStream domain, a leafnode remote to the national server through a TCP relay that the
// test cuts and restores). Each axis runs its registry, router, archive and gateway with its own database; the
// national axis also runs the axis link (the responder), the province its connector with DOCAXIS_CONNECTOR_DRIVER
// =nats, which talks only to its own NATS server.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from '#bus';
import { loadConfig, type DocaxisConfig } from '#config';
import { REQUESTS } from '#contracts';
import { buildStatus } from '#edxml';
import { axisLinkSubject } from '#connector';
import { LinkRelay, nationalLeafConfig, provinceLeafConfig } from '#local-hub';
import { DocaxisClient } from '#sdk-client';
import { freePort, startNatsServer, type RunningNatsServer } from '#stack';
import { AxisLinkAppModule, axisLinkAppOptions } from '../../apps/axis-link/src/axis-link-app.module.js';
import { ConnectorAppModule, connectorAppOptions } from '../../apps/connector/src/connector-app.module.js';
import { count, organIds, startAxisHub, twoAxisProbes, type AxisHub } from '../support/axis-hub.js';
import { importRegistry } from '../support/auth-hub.js';
import { createTestDatabase } from '../support/db.js';
import { documentBytes, nextDocumentId, revocationBytes } from '../support/packages.js';
import { sleep, waitFor } from '../support/wait.js';

const NATIONAL = '000.00.00.G22';
const NGHE_AN = '000.00.00.H41';
const CAO_BANG = '000.00.00.H14';
const A1 = '000.00.01.H41';
const B1 = '000.00.01.H14';
const MINISTRY = '000.00.00.G09';
const A3 = '000.00.03.H41'; // registered at its province only, not under axis-H41 at national

const secret = () => randomBytes(24).toString('hex');
const SECRETS = { axisH14: secret(), ministry: secret(), qlvb: secret(), leaf: secret() };

let statusSecond = 0;
const ministryStatus = (documentId: string, code: '01' | '03' | '05' | '06' | '15', description: string) =>
  buildStatus({
    from: { OrganId: MINISTRY, OrganName: 'Bộ Nội vụ' },
    responseFor: { OrganId: A1, DocumentId: documentId },
    statusCode: code,
    description,
    timestamp: new Date(Date.UTC(2026, 10, 23, 3, 0, ++statusSecond)),
  });

describe('two axes over a NATS leafnode: the NATS connector driver', () => {
  const masterKey = randomBytes(32).toString('hex');
  let stateDir: string;
  let natsNational: RunningNatsServer;
  let natsProvince: RunningNatsServer;
  let relay: LinkRelay;
  let national: AxisHub;
  let province: AxisHub;
  let qlvb: DocaxisClient;
  let ministry: DocaxisClient;
  let axisH14AtNational: DocaxisClient;

  const env = (over: Record<string, string>): DocaxisConfig =>
    loadConfig({ DOCAXIS_MASTER_KEY: masterKey, ...over });

  /** The axis `over` describes, on a database of its own. */
  async function startHub(over: Record<string, string>, name: string): Promise<AxisHub> {
    const db = await createTestDatabase(`connector_nats_${name}`);
    return startAxisHub(env({ ...over, DATABASE_URL: db.url }), name, db, masterKey);
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
  const businessCode = async (docId: string) =>
    (await sentAt(docId)).recipients.find((x) => x.to === MINISTRY)?.businessStatus?.code;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'docaxis-connector-nats-'));
    const leafPort = await freePort();
    const nationalStore = join(stateDir, 'nats-national');
    natsNational = await startNatsServer({
      storeDir: nationalStore,
      name: 'docaxis-national-leaf-test',
      configExtra: nationalLeafConfig({
        storeDir: nationalStore,
        leafPort,
        provinces: [{ code: 'H41', password: SECRETS.leaf }],
        // Nothing listens there: the province reconnects only through the relay, which the test cuts.
        advertise: `127.0.0.1:${await freePort()}`,
      }),
    });
    relay = new LinkRelay({ host: '127.0.0.1', port: leafPort });
    await relay.open();
    const provinceStore = join(stateDir, 'nats-h41');
    natsProvince = await startNatsServer({
      storeDir: provinceStore,
      name: 'docaxis-h41-leaf-test',
      configExtra: provinceLeafConfig({
        storeDir: provinceStore,
        code: 'H41',
        password: SECRETS.leaf,
        national: `127.0.0.1:${relay.port}`,
      }),
    });

    national = await startHub(
      { NATS_URL: natsNational.url, DOCAXIS_AXIS_ROLE: 'national', DOCAXIS_AXIS_ORGAN_ID: NATIONAL },
      'national',
    );
    national.apps.push(
      await national.micro(AxisLinkAppModule.forRoot(axisLinkAppOptions(national.cfg)), 'link'),
    );
    await importRegistry(national.nc, {
      systems: [
        // The province's system here has no secret in use: over NATS, its leafnode account authenticates it.
        { systemId: 'axis-H41', name: 'Trục liên thông tỉnh Nghệ An', secret: secret() },
        { systemId: 'axis-H14', name: 'Trục liên thông tỉnh Cao Bằng', secret: SECRETS.axisH14 },
        { systemId: 'demo-ministry', name: 'QLVB Bộ Nội vụ', secret: SECRETS.ministry },
      ],
      agencies: [
        { organId: A1, name: 'Văn phòng UBND tỉnh Nghệ An', axisOrganId: NGHE_AN, systemId: 'axis-H41' },
        { organId: B1, name: 'Văn phòng UBND tỉnh Cao Bằng', axisOrganId: CAO_BANG, systemId: 'axis-H14' },
        { organId: MINISTRY, name: 'Bộ Nội vụ', axisOrganId: NATIONAL, systemId: 'demo-ministry' },
      ],
    });

    province = await startHub(
      {
        NATS_URL: natsProvince.url,
        DOCAXIS_AXIS_ROLE: 'provincial',
        DOCAXIS_AXIS_ORGAN_ID: NGHE_AN,
        DOCAXIS_PARENT_ORGAN_ID: NATIONAL,
        DOCAXIS_CONNECTOR_DRIVER: 'nats',
        DOCAXIS_CONNECTOR_POLL_MS: '200',
      },
      'province',
    );
    await importRegistry(province.nc, {
      systems: [{ systemId: 'qlvb-h41', name: 'QLVB Nghệ An', secret: SECRETS.qlvb }],
      agencies: [
        { organId: A1, name: 'Văn phòng UBND tỉnh Nghệ An', axisOrganId: NGHE_AN, systemId: 'qlvb-h41' },
        { organId: A3, name: 'Sở mới Nghệ An', axisOrganId: NGHE_AN, systemId: 'qlvb-h41' },
      ],
    });
    province.apps.push(
      await province.micro(
        ConnectorAppModule.forRoot({
          ...connectorAppOptions(province.cfg),
          registrySyncEvery: 5,
          requestTimeoutMs: 5000,
        }),
        'connector',
      ),
    );

    qlvb = new DocaxisClient({ baseUrl: province.url, systemId: 'qlvb-h41', secret: SECRETS.qlvb });
    ministry = new DocaxisClient({
      baseUrl: national.url,
      systemId: 'demo-ministry',
      secret: SECRETS.ministry,
    });
    axisH14AtNational = new DocaxisClient({
      baseUrl: national.url,
      systemId: 'axis-H14',
      secret: SECRETS.axisH14,
    });
  }, 120_000);

  afterAll(async () => {
    await province?.stop();
    await relay?.cut();
    await national?.stop();
    await natsProvince?.stop();
    await natsNational?.stop();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  }, 60_000);

  it('syncs the registry of the national axis over the leafnode', async () => {
    const resolved = await waitFor('the ministry and B1 in the provincial registry', async () => {
      const r = await request(province.nc, REQUESTS.registryResolve.subject, { organIds: [MINISTRY, B1] });
      return r.agencies.length === 2 ? r : null;
    });
    const byId = Object.fromEntries(resolved.agencies.map((a) => [a.organId, a]));
    expect(byId[MINISTRY]).toMatchObject({ axisOrganId: NATIONAL });
    expect(byId[B1]).toMatchObject({ axisOrganId: CAO_BANG });
    expect(byId[B1].systemId).toBeUndefined();
  });

  it("lets a province call only its own link: not another province's, not the national services", async () => {
    // Control: its own subject is answered (here: a refusal of a bad request, from the national responder).
    const own = await province.nc.request(axisLinkSubject('inbox', 'H41'), '{}', { timeout: 5000 });
    expect(own.json<{ ok: boolean; error: { code: string } }>()).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    await expect(
      province.nc.request(axisLinkSubject('inbox', 'H14'), JSON.stringify({ messageType: 'edoc' }), {
        timeout: 1000,
      }),
    ).rejects.toThrow();
    // The national registry is not reachable from the province: only the province's own answers there.
    const list = await request(province.nc, REQUESTS.registryList.subject, {
      systemId: 'demo-ministry',
      limit: 10,
    });
    expect(list.agencies).toHaveLength(0);
  });

  let first: { documentId: string; bytes: Buffer; docId: string };

  it('sends a document up to a ministry and another province, byte-identical, with every hop', async () => {
    first = await sendFromA1([MINISTRY, B1]);
    await untilStates(first.docId, { [MINISTRY]: 'forwarded', [B1]: 'forwarded' });
    const item = await ministryInboxItem(first.documentId);
    expect(item).toMatchObject({ from: A1, to: MINISTRY });
    const got = await ministry.fetchEdoc(item.id);
    expect(got.content.equals(first.bytes)).toBe(true);
    expect(organIds(got.trace)).toEqual([NGHE_AN, NATIONAL]);
    const forH14 = await waitFor('the document in axis-H14 inbox', async () =>
      (await axisH14AtNational.getReceivedEdocList({ messageType: 'edoc' })).items.find(
        (i) => i.documentId === first.documentId,
      ),
    );
    expect(forH14.to).toBe(B1);
    expect(await nationalSubmissions(first.documentId)).toBe(1);
  });

  it("brings the ministry's statuses 01, 03, 05, 06 back, and answers a revocation with 15", async () => {
    for (const [code, text] of [
      ['01', 'Đã đến'],
      ['03', 'Đã tiếp nhận'],
      ['05', 'Đang xử lý'],
      ['06', 'Hoàn thành'],
    ] as const) {
      await ministry.sendEdoc(ministryStatus(first.documentId, code, text), {
        from: MINISTRY,
        messageType: 'status',
      });
      await waitFor(`status ${code} at the sender`, async () => (await businessCode(first.docId)) === code);
    }
    const statuses = (
      await qlvb.getReceivedEdocList({ agency: A1, messageType: 'status', limit: 1000 })
    ).items.filter((i) => i.documentId === first.documentId);
    expect(statuses).toHaveLength(4);
    for (const s of statuses) expect(organIds(s.trace)).toEqual([NATIONAL, NGHE_AN]);

    const revocation = revocationBytes(A1, [MINISTRY], first.documentId);
    const { docId } = await qlvb.sendEdoc(revocation, { from: A1, messageType: 'edoc' });
    await untilStates(docId, { [MINISTRY]: 'forwarded' });
    await ministry.sendEdoc(ministryStatus(first.documentId, '15', 'Đồng ý thu hồi'), {
      from: MINISTRY,
      messageType: 'status',
    });
    await waitFor('15 at the sender', async () => (await businessCode(first.docId)) === '15');
  });

  it("ends a copy failed with the national axis's code when it refuses the package", async () => {
    const documentId = nextDocumentId(A3);
    const { docId } = await qlvb.sendEdoc(documentBytes(A3, [MINISTRY], documentId), {
      from: A3,
      messageType: 'edoc',
    });
    await untilStates(docId, { [MINISTRY]: 'failed' });
    const r = (await sentAt(docId)).recipients.find((x) => x.to === MINISTRY);
    expect(r?.failure?.code).toBe('FORBIDDEN_SENDER');
    expect(r?.failure?.reason).toContain(NATIONAL);
    expect(await nationalSubmissions(documentId)).toBe(0);
  });

  it('keeps accepting while the leafnode link is cut, and drains everything exactly once when it is back', async () => {
    const before = await sendFromA1([MINISTRY]);
    await untilStates(before.docId, { [MINISTRY]: 'forwarded' });
    await relay.cut();
    const during = [await sendFromA1([MINISTRY]), await sendFromA1([MINISTRY, B1])];
    // The ministry answers meanwhile: the status waits at national in axis-H41's inbox.
    await ministry.sendEdoc(ministryStatus(before.documentId, '05', 'Đang xử lý'), {
      from: MINISTRY,
      messageType: 'status',
    });
    await sleep(1500);
    for (const d of during) expect((await recipientState(d.docId))[MINISTRY]).toBe('outbound');
    expect(await businessCode(before.docId)).toBeUndefined();

    await relay.restore();
    for (const d of [before, ...during]) {
      await untilStates(d.docId, { [MINISTRY]: 'forwarded' }, 45_000);
      expect(await nationalSubmissions(d.documentId)).toBe(1);
      // National's router writes the copy after its gateway answered the connector: wait for it, then count.
      await waitFor(
        'the copy for the ministry at national',
        async () => (await nationalCopies(d.documentId, MINISTRY)) > 0,
      );
      expect(await nationalCopies(d.documentId, MINISTRY)).toBe(1);
      const item = await ministryInboxItem(d.documentId);
      expect((await ministry.fetchEdoc(item.id)).content.equals(d.bytes)).toBe(true);
    }
    await untilStates(during[1].docId, { [B1]: 'forwarded' });
    await waitFor(
      'the status sent during the outage at the sender',
      async () => (await businessCode(before.docId)) === '05',
      45_000,
    );
    await waitFor('axis-H41 inbox at national to drain', async () => {
      const n = await count(
        national.ds,
        `SELECT count(*)::int AS n FROM delivery d JOIN registry_agency a ON a.organ_id = d.recipient_organ_id
          WHERE a.system_id = 'axis-H41' AND d.state IN ('pending', 'processing')`,
        [],
      ).catch(() => -1);
      return n === 0;
    });
    expect(
      await count(
        province.ds,
        `SELECT count(*)::int AS n FROM submission WHERE document_id = $1 AND message_type = 'status'`,
        [before.documentId],
      ),
    ).toBe(1);
  });
});
