// The router of a provincial axis with recipients on other axes, on real NATS JetStream and Postgres with the
// real registry and archive apps: what goes up to the parent axis (outbound rows, one DX_OUTBOUND message),
// what never goes back up (packages the connector brought down), statuses and revocations across axes, and the
// lifetime sweep. No connector runs here, so outbound rows stay outbound. Run the integration project --runInBand.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import type { INestMicroservice } from '@nestjs/common';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { DataSource } from 'typeorm';
import {
  HEADERS,
  STREAMS,
  decodeHeaderValue,
  type MessageType,
  decodeTrace,
  type TraceHop,
} from '#contracts';
import { publishAcceptedPackage, type AcceptedPackageMeta } from '#bus';
import { buildStatus } from '#edxml';
import { DeliveryExpiryService, RoutingService } from '#routing';
import { SubmissionEntity } from '#store';
import { startRouterBench, type RouterBench } from '../support/router-bench.js';
import { waitFor as waitUntil } from '../support/wait.js';
import { documentBytes, nextDocumentId, revocationBytes } from '../support/packages.js';

const AXIS = '000.00.00.H41'; // this (provincial) axis
const NATIONAL = '000.00.00.G22';
const A1 = '000.00.01.H41'; // local agencies
const A2 = '000.00.02.H41';
const A3 = '000.00.03.H41'; // registered without an axis: local too
const MINISTRY = '000.00.00.G09'; // on the national axis
const B1 = '000.00.01.H14'; // on the Cao Bằng axis
const NOBODY = '000.00.99.Z99';
const LIFETIME_S = 3600;

/** Polls `probe` until it returns a value (the router, archive and registry work asynchronously). */
const waitFor = <T>(probe: () => Promise<T | false | null | undefined>, ms = 20_000): Promise<T> =>
  waitUntil('the router', probe, ms);

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const day = '2026/11/23';

interface DeliveryRow {
  recipient_organ_id: string;
  message_type: string;
  state: string;
  business_status: string | null;
  failure_code: string | null;
  failure_reason: string | null;
}

describe('provincial router: recipients on other axes', () => {
  let bench: RouterBench;
  let ds: DataSource;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let router: INestMicroservice;

  const hop = (organId: string): TraceHop => ({ OrganId: organId, Timestamp: `${day} 09:00:00` });

  /** What the gateway (or the connector's injection) does: the submission row, then the publish. */
  async function accept(
    bytes: Buffer,
    p: {
      messageType: MessageType;
      from: string;
      documentId: string;
      documentKey?: string;
      originAxis?: string;
      trace?: TraceHop[];
    },
  ): Promise<AcceptedPackageMeta> {
    const meta: AcceptedPackageMeta = {
      docId: randomUUID(),
      messageType: p.messageType,
      from: p.from,
      to: [],
      sha256: sha256(bytes),
      systemId: p.originAxis ? `parent:${p.originAxis}` : 'qlvb-h41',
      serviceType: 'eDoc',
      acceptedAt: new Date().toISOString(),
      documentId: p.documentId,
      trace: p.trace ?? [hop(AXIS)],
      ...(p.originAxis ? { originAxis: p.originAxis } : {}),
    };
    await ds.getRepository(SubmissionEntity).insert({
      docId: meta.docId,
      messageType: meta.messageType,
      senderOrganId: meta.from,
      systemId: meta.systemId,
      documentKey: p.documentKey ?? `${p.documentId}|${meta.docId}`,
      documentId: p.documentId,
      sha256: meta.sha256,
      sizeBytes: String(bytes.length),
      toHeader: [],
      acceptedAt: new Date(meta.acceptedAt),
      publishedAt: new Date(),
      trace: meta.trace,
      originAxis: p.originAxis ?? null,
    });
    await publishAcceptedPackage(js, meta, bytes);
    return meta;
  }

  const deliveries = (docId: string): Promise<DeliveryRow[]> =>
    ds.query(
      `SELECT recipient_organ_id, message_type, state, business_status, failure_code, failure_reason FROM delivery
        WHERE doc_id = $1 ORDER BY recipient_organ_id`,
      [docId],
    );
  const stateOf = async (docId: string) =>
    Object.fromEntries((await deliveries(docId)).map((r) => [r.recipient_organ_id, r.state]));
  const routed = (docId: string) =>
    waitFor(async () => ((await deliveries(docId)).length ? deliveries(docId) : null));

  /** DX_OUTBOUND messages of one DocId (the stream is purged at the start of this file). */
  async function outboundMessages(docId: string) {
    const info = await jsm.streams.info(STREAMS.outbound.name);
    const out: { subject: string; headers: Record<string, string>; data: Uint8Array }[] = [];
    for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages; seq++) {
      const m = await jsm.streams.getMessage(STREAMS.outbound.name, { seq }).catch(() => null);
      if (!m || m.header.get(HEADERS.docId) !== docId) continue;
      const headers: Record<string, string> = {};
      for (const k of m.header.keys()) headers[k] = m.header.get(k);
      out.push({ subject: m.subject, headers, data: m.data });
    }
    return out;
  }

  const history = (docId: string): Promise<{ recipient_organ_id: string; event: string }[]> =>
    ds.query(
      `SELECT recipient_organ_id, event FROM delivery_history WHERE doc_id = $1 ORDER BY recipient_organ_id, id`,
      [docId],
    );

  beforeAll(async () => {
    bench = await startRouterBench(
      'routing-remote',
      {
        agencies: [
          { organId: A1, name: 'Sở A', axisOrganId: AXIS },
          { organId: A2, name: 'Sở B', axisOrganId: AXIS },
          { organId: A3, name: 'Sở C' },
          // What the connector's registry sync writes: another axis, no system here.
          { organId: MINISTRY, name: 'Bộ Nội vụ', axisOrganId: NATIONAL },
          { organId: B1, name: 'Sở Cao Bằng', axisOrganId: '000.00.00.H14' },
        ],
      },
      {
        axisRole: 'provincial',
        axisOrganId: AXIS,
        packageLifetimeSeconds: LIFETIME_S,
        // The sweep is driven by the test below (sweep(now)), not by the clock.
        sweepIntervalMs: 3_600_000,
      },
      [300, 600, 1000],
    );
    ({ ds, js, jsm, router } = bench);
  });

  afterAll(async () => {
    await bench?.close();
  });

  let sent: { meta: AcceptedPackageMeta; bytes: Buffer };

  it('queues the copies for other axes once, with only those recipients, and delivers the rest here', async () => {
    const documentId = nextDocumentId(A1);
    const bytes = documentBytes(A1, [A2, MINISTRY, B1, A3, NOBODY], documentId);
    const meta = await accept(bytes, { messageType: 'edoc', from: A1, documentId });
    sent = { meta, bytes };
    await routed(meta.docId);
    expect(await stateOf(meta.docId)).toEqual({
      [A2]: 'pending',
      [A3]: 'pending',
      [MINISTRY]: 'outbound',
      [B1]: 'outbound',
      [NOBODY]: 'failed',
    });
    expect((await deliveries(meta.docId)).find((r) => r.recipient_organ_id === NOBODY)?.failure_code).toBe(
      'UNKNOWN_RECIPIENT',
    );

    const [queued, ...more] = await waitFor(async () => {
      const m = await outboundMessages(meta.docId);
      return m.length ? m : null;
    });
    expect(more).toEqual([]);
    expect(queued.subject).toBe('dx.out.edoc');
    expect(queued.headers[HEADERS.msgId]).toBe(meta.docId);
    expect(queued.headers[HEADERS.to].split(',').sort()).toEqual([MINISTRY, B1].sort());
    expect(queued.headers[HEADERS.from]).toBe(A1);
    expect(decodeHeaderValue(queued.headers[HEADERS.documentId])).toBe(documentId);
    expect(decodeTrace(queued.headers[HEADERS.trace])).toEqual([hop(AXIS)]);
    // The original bytes, never rewritten.
    expect(Buffer.from(queued.data).equals(bytes)).toBe(true);

    const events = await waitFor(async () => {
      const h = await history(meta.docId);
      return h.length === 5 ? h : null;
    });
    expect(
      events
        .filter((e) => e.event === 'outbound')
        .map((e) => e.recipient_organ_id)
        .sort(),
    ).toEqual([MINISTRY, B1].sort());
  });

  it('queues nothing again for copies already forwarded when the package is routed again', async () => {
    await ds.query(`UPDATE delivery SET state = 'forwarded' WHERE doc_id = $1 AND state = 'outbound'`, [
      sent.meta.docId,
    ]);
    const again = await router.get(RoutingService).route(sent.meta, sent.bytes, { attempt: 1 });
    expect(again.inserted).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await outboundMessages(sent.meta.docId)).toHaveLength(1);
  });

  let injected: AcceptedPackageMeta;

  it('delivers a package from the parent axis to local agencies only, never back up', async () => {
    const documentId = nextDocumentId(MINISTRY);
    const bytes = documentBytes(MINISTRY, [A1, B1, NOBODY], documentId);
    injected = await accept(bytes, {
      messageType: 'edoc',
      from: MINISTRY,
      documentId,
      originAxis: NATIONAL,
      trace: [hop(NATIONAL), hop(AXIS)],
    });
    await routed(injected.docId);
    // B1 is the parent's business: no row; an unknown recipient is still recorded, never dropped silently.
    expect(await stateOf(injected.docId)).toEqual({ [A1]: 'pending', [NOBODY]: 'failed' });
    await new Promise((r) => setTimeout(r, 300));
    expect(await outboundMessages(injected.docId)).toEqual([]);
  });

  it('sends a status about a document from another axis up to its sender', async () => {
    const bytes = buildStatus({
      from: { OrganId: A1, OrganName: 'Sở A' },
      responseFor: {
        OrganId: MINISTRY,
        DocumentId: injected.documentId,
        Code: '1/BNV',
        PromulgationDate: day,
      },
      statusCode: '03',
      description: 'Đã tiếp nhận',
      timestamp: new Date(),
    });
    const status = await accept(bytes, {
      messageType: 'status',
      from: A1,
      documentId: injected.documentId,
      documentKey: `${injected.documentId}|03|${randomUUID()}`,
    });
    await routed(status.docId);
    expect(await deliveries(status.docId)).toEqual([
      expect.objectContaining({ recipient_organ_id: MINISTRY, message_type: 'status', state: 'outbound' }),
    ]);
    // The reporter's copy of the original carries the business status, as for a local original.
    expect((await deliveries(injected.docId)).find((r) => r.recipient_organ_id === A1)?.business_status).toBe(
      '03',
    );
    const [queued] = await waitFor(async () => {
      const m = await outboundMessages(status.docId);
      return m.length ? m : null;
    });
    expect(queued.subject).toBe('dx.out.status');
    expect(queued.headers[HEADERS.to]).toBe(MINISTRY);
  });

  it('sends a revocation to the copies on other axes (forwarded ones included) and to local ones', async () => {
    const bytes = revocationBytes(A1, [MINISTRY], sent.meta.documentId);
    const revocation = await accept(bytes, {
      messageType: 'edoc',
      from: A1,
      documentId: sent.meta.documentId,
      documentKey: `${sent.meta.documentId}|1|${sha256(bytes)}`,
    });
    await routed(revocation.docId);
    expect(await stateOf(revocation.docId)).toEqual({
      [A2]: 'pending',
      [A3]: 'pending',
      [MINISTRY]: 'outbound',
      [B1]: 'outbound',
    });
    const [queued] = await waitFor(async () => {
      const m = await outboundMessages(revocation.docId);
      return m.length ? m : null;
    });
    expect(queued.headers[HEADERS.to].split(',').sort()).toEqual([MINISTRY, B1].sort());
  });

  it('expires what is still undelivered after the package lifetime, and nothing else', async () => {
    const documentId = nextDocumentId(A1);
    const meta = await accept(documentBytes(A1, [A2, MINISTRY], documentId), {
      messageType: 'edoc',
      from: A1,
      documentId,
    });
    await routed(meta.docId);
    // A2 has fetched and acknowledged its copy: done is final, it cannot expire.
    await ds.query(`UPDATE delivery SET state = 'done' WHERE doc_id = $1 AND recipient_organ_id = $2`, [
      meta.docId,
      A2,
    ]);
    // Of the copies handed to the parent earlier, B1's recipient has sent a receipt (01); the ministry has not.
    await ds.query(
      `UPDATE delivery SET business_status = '01', business_status_at = now()
        WHERE doc_id = $1 AND recipient_organ_id = $2`,
      [sent.meta.docId, B1],
    );
    const sweeper = router.get(DeliveryExpiryService);
    expect(await sweeper.sweep(new Date())).toEqual([]);

    const later = new Date(Date.now() + (LIFETIME_S + 1) * 1000);
    const expired = await sweeper.sweep(later);
    const mine = expired.filter((e) => e.docId === meta.docId).map((e) => e.recipient);
    expect(mine).toEqual([MINISTRY]);
    expect(await stateOf(meta.docId)).toEqual({ [A2]: 'done', [MINISTRY]: 'expired' });
    expect((await deliveries(meta.docId)).find((r) => r.recipient_organ_id === MINISTRY)?.failure_code).toBe(
      'EXPIRED',
    );
    // Everything else still open expired too: local pending copies, and a forwarded copy that never got a
    // receipt; a forwarded copy with a receipt was delivered and stays as it is.
    expect(await stateOf(sent.meta.docId)).toMatchObject({
      [A2]: 'expired',
      [MINISTRY]: 'expired',
      [B1]: 'forwarded',
    });
    const unconfirmed = (await deliveries(sent.meta.docId)).find((r) => r.recipient_organ_id === MINISTRY);
    expect(unconfirmed).toMatchObject({ failure_code: 'EXPIRED' });
    expect(unconfirmed?.failure_reason).toContain('no receipt');
    const events = await waitFor(async () => {
      const h = await history(meta.docId);
      return h.some((e) => e.event === 'expired') ? h : null;
    });
    expect(events.filter((e) => e.event === 'expired').map((e) => e.recipient_organ_id)).toEqual([MINISTRY]);
    expect(await sweeper.sweep(later)).toEqual([]);
  });
});
