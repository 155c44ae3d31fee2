// End to end over a topology: the real CLI starts a national axis and two provincial axes (each with its own
// nats-server, embedded Postgres, gateway and services, and a connector on each province using the given
// driver), and agency systems talk to their own axis only, through the signed HTTP API. One scenario, run by
// topology.test.ts (SDK-HTTP driver) and topology-nats.test.ts (NATS driver over leafnodes).
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  DocaxisClient,
  type ReceivedItem,
  type SdkMessageType,
  type SdkOk,
  type SentItem,
} from '#sdk-client';
import {
  buildDemoDocument,
  eventually,
  findAxis,
  hopsOf,
  isAlive,
  readTopologyState,
  topologyClient,
  type AxisState,
  type TopologyState,
} from '#local-hub';
import { verifyReceipt } from '#trust';
import { buildStatus, parseEdxml, type EdxmlStatusCode } from '#edxml';

const run = promisify(execFile);
const cli = resolve('bin/docaxis.js');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
/** Anything that crosses axes waits on connector polls and, after a cut, on the outbound back-off. */
const CROSS_AXIS_MS = 60_000;

const NATIONAL = '000.00.00.G22';
const AXIS_A = '000.00.00.H41';
const AXIS_B = '000.00.00.H14';
const A = '000.00.01.H41';
const B = '000.00.01.H14';
const M = '000.00.00.G09';
const names: Record<string, string> = { [A]: 'Demo A', [B]: 'Demo B', [M]: 'Bộ Nội vụ' };

export type TopologyDriver = 'sdk-http' | 'nats';

export function describeTopology(driver: TopologyDriver): void {
  describe(`a national axis and two provincial axes, end to end (${driver} driver)`, () => {
    let stateDir: string;
    let topo: TopologyState;
    // The topology's own servers only, and fast connector polls.
    const { NATS_URL: _nats, DATABASE_URL: _db, DOCAXIS_GATEWAY_PORT: _port, ...inherited } = process.env;
    const env = { ...inherited, DOCAXIS_CONNECTOR_POLL_MS: '250', DOCAXIS_CONNECTOR_DRIVER: driver };
    const docaxis = (...args: string[]) =>
      run(process.execPath, [cli, '--state-dir', stateDir, ...args], { env, timeout: 60_000 });
    const client = (organId: string): DocaxisClient => topologyClient(topo, organId).client;
    const axis = (name: string): AxisState => findAxis(topo, name)!;
    const hopIds = (item: ReceivedItem): string[] => hopsOf(item).map((h) => h.OrganId);

    /** Every item of an agency's inbox (all pages). */
    const inbox = async (organId: string, messageType: SdkMessageType): Promise<ReceivedItem[]> => {
      const items: ReceivedItem[] = [];
      let after: string | undefined;
      do {
        const page = await client(organId).getReceivedEdocList({ messageType, agency: organId, after });
        items.push(...page.items);
        after = page.next;
      } while (after);
      return items;
    };
    const arrival = (organId: string, documentId: string, messageType: SdkMessageType = 'edoc') =>
      eventually(
        async () => (await inbox(organId, messageType)).find((i) => i.documentId === documentId),
        `${documentId} in ${organId}'s ${messageType} inbox`,
        CROSS_AXIS_MS,
      );
    const sentTo = async (docId: string): Promise<Map<string, SentItem['recipients'][number]>> =>
      new Map((await client(A).findSent(docId))?.recipients.map((r) => [r.to, r]) ?? []);
    const sendStatus = async (
      from: string,
      documentId: string,
      code: EdxmlStatusCode,
      at: Date,
    ): Promise<void> => {
      const status = buildStatus({
        from: { OrganId: from },
        responseFor: { OrganId: A, DocumentId: documentId },
        statusCode: code,
        description: `${from} → ${code}`,
        timestamp: at,
      });
      await client(from).sendEdoc(status, { from, messageType: 'status' });
    };
    /** (from, StatusCode) of each status package about `documentId` in A's status inbox. */
    const statusesAtA = async (documentId: string): Promise<string[]> => {
      const out: string[] = [];
      for (const i of (await inbox(A, 'status')).filter((x) => x.documentId === documentId)) {
        const pkg = parseEdxml(await client(A).getEdoc(i.id));
        if (pkg.kind === 'status')
          out.push(`${pkg.MessageHeader.From.OrganId}:${pkg.MessageHeader.StatusCode}`);
      }
      return out.sort();
    };
    const doc = (
      n: number,
      to: string[],
      subject: string,
      extra: Partial<Parameters<typeof buildDemoDocument>[0]> = {},
    ) =>
      buildDemoDocument({
        from: { organId: A, name: names[A] },
        to: to.map((organId) => ({ organId, name: names[organId] ?? organId })),
        codeNumber: String(n),
        codeNotation: 'UBND-VP',
        subject,
        date: runDate,
        ...extra,
      });
    // One date for the whole run; DocumentIds differ by their numbers.
    const runDate = new Date();
    let main: ReturnType<typeof doc>;
    let mainDocId: string;

    beforeAll(async () => {
      stateDir = mkdtempSync(join(tmpdir(), 'docaxis-topology-'));
      chmodSync(stateDir, 0o755); // Postgres runs as its own user when we are root
      await run(
        process.execPath,
        [cli, '--state-dir', stateDir, 'up', '--topology', 'national+2', '--no-demo'],
        {
          env,
          timeout: 240_000,
        },
      );
      topo = readTopologyState(stateDir)!;
    }, 300_000);

    afterAll(async () => {
      if (stateDir) {
        await run(process.execPath, [cli, '--state-dir', stateDir, 'down'], { env, timeout: 120_000 }).catch(
          () => undefined,
        );
        rmSync(stateDir, { recursive: true, force: true });
      }
    }, 180_000);

    it('runs three axes, each with its own NATS, Postgres, gateway and services', async () => {
      expect(topo.status).toBe('ready');
      expect(topo.warnings).toEqual([]);
      expect(topo.axes.map((a) => [a.key, a.role, a.organId])).toEqual([
        ['national', 'national', NATIONAL],
        ['h41', 'provincial', AXIS_A],
        ['h14', 'provincial', AXIS_B],
      ]);
      const distinct = (f: (a: AxisState) => string) => new Set(topo.axes.map(f)).size;
      expect(distinct((a) => a.natsUrl)).toBe(3);
      expect(distinct((a) => new URL(a.databaseUrl).port)).toBe(3);
      expect(distinct((a) => a.gatewayUrl)).toBe(3);
      expect(distinct((a) => a.stateDir)).toBe(3);
      for (const a of topo.axes) {
        expect(a.stateDir).toBe(join(stateDir, 'topology', a.key));
        const services = Object.keys(a.services).sort();
        expect(services).toEqual(
          a.role === 'national'
            ? ['archive', ...(driver === 'nats' ? ['axis-link'] : []), 'gateway', 'registry', 'router']
            : ['archive', 'connector', 'gateway', 'registry', 'router'],
        );
        for (const s of Object.values(a.services)) expect(isAlive(s.pid)).toBe(true);
      }
      expect(axis('h41').parent).toMatchObject({ organId: NATIONAL, systemId: 'axis-H41', link: 'up' });
      expect(axis('h14').parent).toMatchObject({ organId: NATIONAL, systemId: 'axis-H14', link: 'up' });
      // The link the relay carries (and `docaxis link cut` cuts): the national gateway, or its leafnode listener.
      for (const key of ['h41', 'h14']) {
        expect(axis(key).parent!.linkUrl).toMatch(
          driver === 'nats' ? /^nats-leaf:\/\/127\.0\.0\.1:\d+$/ : /^http:/,
        );
      }

      const ps = (await docaxis('ps')).stdout;
      for (const a of topo.axes) expect(ps).toContain(`gateway ${a.gatewayUrl}`);
      expect(ps.match(/link to national UP/g)).toHaveLength(2);
    });

    it('carries a document to another province and to a ministry byte-identical, with every hop listed', async () => {
      main = doc(301, [B, M], 'V/v phối hợp liên tỉnh và báo cáo Bộ Nội vụ');
      const sent = await client(A).sendEdoc(main.bytes, { from: A, messageType: 'edoc' });
      mainDocId = sent.docId;
      // Every axis seals its own receipts: this one attests acceptance by A's provincial axis.
      expect(verifyReceipt(sent.receipt!)).toMatchObject({
        axis: AXIS_A,
        docId: mainDocId,
        sha256: sha256(main.bytes),
      });

      const expectedHops: Record<string, string[]> = {
        [B]: [AXIS_A, NATIONAL, AXIS_B],
        [M]: [AXIS_A, NATIONAL],
      };
      for (const r of [B, M]) {
        const item = await arrival(r, main.documentId);
        expect(item).toMatchObject({ from: A, to: r, contentSha256: sha256(main.bytes) });
        expect(hopIds(item)).toEqual(expectedHops[r]);
        const fetched = await client(r).getEdoc(item.id);
        expect(Buffer.compare(fetched, main.bytes)).toBe(0);

        // The traced view is a rebuilt copy (not the signed original) whose TraceHeaderList shows the hops too.
        const { answer } = await client(r).call<{ content: string; view: string }>('/getEdoc', {
          body: { docId: item.id, view: 'traced' },
        });
        expect(answer).toMatchObject({ status: 'OK', data: { view: 'traced' } });
        const traced = parseEdxml(
          Buffer.from((answer as SdkOk<{ content: string }>).data!.content, 'base64'),
        );
        expect(traced.kind === 'edoc' && traced.TraceHeaderList?.traces.map((t) => t.OrganId)).toEqual([
          A,
          ...expectedHops[r],
        ]);
        await client(r).updateStatus(item.id, 'done', r);
      }

      const recipients = await sentTo(mainDocId);
      expect([...recipients.keys()].sort()).toEqual([M, B].sort());
      for (const r of recipients.values()) expect(r.status).toBe('forwarded');
    });

    it('brings statuses 01, 03, 05, 06 from both recipients back to the sender, once each', async () => {
      const codes: EdxmlStatusCode[] = ['01', '03', '05', '06'];
      for (const [i, code] of codes.entries()) {
        const at = new Date(runDate.getTime() + (i + 1) * 1000);
        for (const r of [B, M]) await sendStatus(r, main.documentId, code, at);
      }
      await eventually(
        async () => {
          const recipients = await sentTo(mainDocId);
          return [B, M].every((r) => recipients.get(r)?.businessStatus?.code === '06');
        },
        "06 from both recipients in A's getSentEdocList",
        CROSS_AXIS_MS,
      );
      const want = [B, M].flatMap((r) => codes.map((c) => `${r}:${c}`)).sort();
      const got = await eventually(
        async () => {
          const s = await statusesAtA(main.documentId);
          return s.length >= want.length ? s : null;
        },
        "eight status packages in A's status inbox",
        CROSS_AXIS_MS,
      );
      expect(got).toEqual(want);

      // The hops of a status run the other way.
      const items = (await inbox(A, 'status')).filter((x) => x.documentId === main.documentId);
      expect(items.filter((i) => i.from === B).map(hopIds)).toEqual(
        codes.map(() => [AXIS_B, NATIONAL, AXIS_A]),
      );
      expect(items.filter((i) => i.from === M).map(hopIds)).toEqual(codes.map(() => [NATIONAL, AXIS_A]));
    });

    it('fails an unknown recipient for the sender to see, and still delivers to the known one', async () => {
      const unknown = '000.00.99.H14';
      const d = doc(302, [B, unknown], 'V/v gửi một đơn vị không có trong danh bạ');
      const { docId } = await client(A).sendEdoc(d.bytes, { from: A, messageType: 'edoc' });
      const recipients = await eventually(
        async () => {
          const r = await sentTo(docId);
          return r.get(unknown)?.status === 'failed' && r.get(B)?.status === 'forwarded' ? r : null;
        },
        'per-recipient outcome of a package with an unknown recipient',
        CROSS_AXIS_MS,
      );
      expect(recipients.get(unknown)?.failure?.code).toBe('UNKNOWN_RECIPIENT');
      await arrival(B, d.documentId);
    });

    it('answers a revocation across axes with 15, back at the sender', async () => {
      const revoke = doc(303, [B, M], 'Thu hồi văn bản 301/UBND-VP', {
        businessDocType: '1',
        refersTo: main.documentId,
      });
      const { docId } = await client(A).sendEdoc(revoke.bytes, { from: A, messageType: 'edoc' });
      for (const r of [B, M]) {
        const item = await arrival(r, revoke.documentId);
        const pkg = parseEdxml(await client(r).getEdoc(item.id));
        expect(pkg.kind === 'edoc' && pkg.TraceHeaderList?.business?.BussinessDocType).toBe('1');
        await client(r).updateStatus(item.id, 'done', r);
        // 15: the take-back is agreed, answering the revocation package.
        await sendStatus(r, revoke.documentId, '15', new Date(runDate.getTime() + 10_000));
      }
      await eventually(
        async () => {
          const recipients = await sentTo(docId);
          return [B, M].every((r) => recipients.get(r)?.businessStatus?.code === '15');
        },
        '15 from both recipients of the revocation',
        CROSS_AXIS_MS,
      );
      expect(await statusesAtA(revoke.documentId)).toEqual([`${B}:15`, `${M}:15`].sort());
    });

    it('keeps accepting while the link is cut and delivers everything exactly once after it is restored', async () => {
      const national = axis('national');
      const parentA = axis('h41').parent!;
      // A's axis as the national axis sees it (its connected system there), straight at the national gateway.
      const asAxisA = new DocaxisClient({
        baseUrl: national.gatewayUrl,
        systemId: parentA.systemId,
        secret: parentA.secret,
      });
      const batch = [401, 402, 403, 404, 405].map((n) =>
        doc(n, [B], `V/v văn bản số ${n} gửi khi đường truyền gián đoạn`),
      );
      const ids = new Map<string, string>();
      const send = async (d: (typeof batch)[number]) =>
        ids.set(d.documentId, (await client(A).sendEdoc(d.bytes, { from: A, messageType: 'edoc' })).docId);

      // The first one arrives before the cut; the second is in flight when the link goes down.
      await send(batch[0]);
      await arrival(B, batch[0].documentId);
      await send(batch[1]);
      expect((await docaxis('link', 'cut', 'h41')).stdout).toMatch(/h41\s+⇄ national\s+cut/);

      // A's axis keeps accepting; what it cannot hand over waits as `outbound`.
      for (const d of batch.slice(2)) await send(d);
      for (const d of batch.slice(2)) {
        await eventually(
          async () => (await sentTo(ids.get(d.documentId)!)).get(B)?.status === 'outbound',
          `${d.documentId} waiting as outbound`,
          CROSS_AXIS_MS,
        );
      }
      // Meanwhile B answers the first one: the status reaches the national axis and waits there for A's axis.
      await sendStatus(B, batch[0].documentId, '01', new Date(runDate.getTime() + 20_000));
      await eventually(
        async () =>
          (await asAxisA.getReceivedEdocList({ messageType: 'status', agency: A })).items.some(
            (i) => i.documentId === batch[0].documentId,
          ),
        'the status waiting at the national axis',
        CROSS_AXIS_MS,
      );
      expect((await sentTo(ids.get(batch[0].documentId)!)).get(B)?.businessStatus).toBeNull();

      expect((await docaxis('link', 'restore', 'h41')).stdout).toMatch(/h41\s+⇄ national\s+up/);

      // Every document reaches B, and B answers each of the others.
      for (const d of batch.slice(1)) {
        await arrival(B, d.documentId);
        await sendStatus(B, d.documentId, '01', new Date(runDate.getTime() + 20_000));
      }
      for (const d of batch) {
        await eventually(
          async () => (await sentTo(ids.get(d.documentId)!)).get(B)?.businessStatus?.code === '01',
          `01 for ${d.documentId} back at A`,
          CROSS_AXIS_MS,
        );
      }

      // Exactly once: one copy per document in B's inbox, one submission each at the national axis, one entry
      // each in A's sent list, one status each in A's status inbox.
      const batchIds = batch.map((d) => d.documentId);
      const count = (list: { documentId: string }[]) =>
        batchIds.map((id) => list.filter((x) => x.documentId === id).length);
      const ones = batchIds.map(() => 1);
      expect(count(await inbox(B, 'edoc'))).toEqual(ones);
      const sentByAxisA: SentItem[] = [];
      let after: string | undefined;
      do {
        const page = await asAxisA.getSentEdocList({ messageType: 'edoc', after });
        sentByAxisA.push(...page.items);
        after = page.next;
      } while (after);
      expect(count(sentByAxisA)).toEqual(ones);
      const sentByA: SentItem[] = [];
      after = undefined;
      do {
        const page = await client(A).getSentEdocList({ messageType: 'edoc', agency: A, after });
        sentByA.push(...page.items);
        after = page.next;
      } while (after);
      expect(count(sentByA)).toEqual(ones);
      for (const s of sentByA.filter((x) => batchIds.includes(x.documentId))) {
        expect(s.recipients.map((r) => [r.to, r.status])).toEqual([[B, 'forwarded']]);
      }
      for (const id of batchIds) expect(await statusesAtA(id)).toEqual([`${B}:01`]);
    });
  });
}
