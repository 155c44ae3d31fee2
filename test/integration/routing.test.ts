// The router end to end on real NATS JetStream and Postgres: the real registry and archive apps run beside it,
// packages are published as the gateway would publish them, and the outcome is read back from the database.
// Uses the durable consumers of proto/ on the shared test NATS server: run the integration project --runInBand.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { CONSUMERS, HEADERS, STREAMS, type MessageType } from '#contracts';
import { listDeadLetters, publishAcceptedPackage, type AcceptedPackageMeta } from '#bus';
import { SubmissionEntity } from '#store';
import { buildEdxml, buildStatus, Organization, parseEdxml, type EdxmlDocument } from '#edxml';
import { NO_RECIPIENT } from '#routing';
import { startRouterBench, type RouterBench } from '../support/router-bench.js';
import { waitFor as waitUntil } from '../support/wait.js';
import type { DataSource } from 'typeorm';

const SAMPLES = path.resolve(process.cwd(), '../shared/conformance/edxml/vpcp-sdk');
const sample = (name: string): Buffer => readFileSync(path.join(SAMPLES, name));
const SAMPLE_DOCUMENT_ID = '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT';

const G22 = '000.00.00.G22'; // Government Office: sender of the samples' revocation, target of their statuses
const K19 = '000.00.00.K19'; // sender of edoc_new.edxml
const H19 = '000.00.50.H19';
const H41 = '000.00.00.H41';
const H14 = '000.00.00.H14';
const G17 = '000.00.00.G17'; // named by the samples, deliberately not registered
const Z99 = '000.00.99.Z99'; // not registered
const LONG_JUNK = 'X'.repeat(80); // not an agency identifier at all
const AGENCIES = [G22, K19, H19, H41, H14];
/** Short retries; the 8 deliveries of proto/ then span about 6 s. */
const RETRY_DELAYS_MS = [300, 600, 1000];

interface DeliveryRow {
  doc_id: string;
  message_type: string;
  sender_organ_id: string;
  recipient_organ_id: string;
  state: string;
  business_status: string | null;
  business_status_at: Date | null;
  business_description: string | null;
  failure_code: string | null;
  failure_reason: string | null;
}

/** Polls `probe` until it returns a value (the router, archive and registry work asynchronously). */
const waitFor = <T>(probe: () => Promise<T | false | null | undefined>, ms = 30_000): Promise<T> =>
  waitUntil('the router', probe, ms);

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('router (with the registry and the archive) over real JetStream and Postgres', () => {
  let bench: RouterBench;
  let ds: DataSource;
  let js: JetStreamClient;
  let jsm: JetStreamManager;

  /** What the gateway does for an accepted package: the submission row, then the publish. */
  async function accept(
    bytes: Buffer,
    p: { messageType: MessageType; from: string; to?: string[]; documentId: string; documentKey?: string },
    publish = true,
  ): Promise<{ meta: AcceptedPackageMeta; seq: number }> {
    const meta: AcceptedPackageMeta = {
      docId: randomUUID(),
      messageType: p.messageType,
      from: p.from,
      to: p.to ?? [],
      sha256: sha256(bytes),
      systemId: 'routing-test',
      serviceType: 'eDoc',
      acceptedAt: new Date().toISOString(),
      documentId: p.documentId,
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
      toHeader: meta.to,
      acceptedAt: new Date(meta.acceptedAt),
      publishedAt: new Date(),
    });
    const seq = publish ? (await publishAcceptedPackage(js, meta, bytes)).seq : 0;
    return { meta, seq };
  }

  const deliveries = (docId: string): Promise<DeliveryRow[]> =>
    ds.query(`SELECT * FROM delivery WHERE doc_id = $1 ORDER BY recipient_organ_id`, [docId]);

  /** Waits until the package's rows exist (the router writes them all in one transaction). */
  const routed = (docId: string) =>
    waitFor(async () => ((await deliveries(docId)).length ? deliveries(docId) : null));

  const byRecipient = (rows: DeliveryRow[]) => Object.fromEntries(rows.map((r) => [r.recipient_organ_id, r]));

  const historyEvents = (
    docId: string,
  ): Promise<{ event_id: string; recipient_organ_id: string; event: string }[]> =>
    ds.query(
      `SELECT event_id, recipient_organ_id, event FROM delivery_history WHERE doc_id = $1 ORDER BY event_id`,
      [docId],
    );

  /** Waits until the router's durable consumer has acknowledged everything up to stream sequence `seq`. */
  const routerPassed = (seq: number) =>
    waitFor(async () => {
      const info = await jsm.consumers.info(STREAMS.packages.name, CONSUMERS.router.durable);
      return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0;
    });

  /** A document from G22 with the samples' DocumentId, addressed to several agencies (one unregistered). */
  function multiRecipientDocument(documentId: string, to: string[]): Buffer {
    const doc = parseEdxml(sample('edoc_new.edxml')) as EdxmlDocument;
    doc.MessageHeader.From!.OrganId = G22;
    doc.MessageHeader.To = to.map((id) =>
      Object.assign(new Organization(), { OrganId: id, OrganName: `Agency ${id}` }),
    );
    doc.MessageHeader.DocumentId = documentId;
    return buildEdxml(doc);
  }

  beforeAll(async () => {
    bench = await startRouterBench(
      'routing',
      { agencies: AGENCIES.map((organId) => ({ organId, name: `Agency ${organId}` })) },
      { axisRole: 'provincial', axisOrganId: H41, packageLifetimeSeconds: 24 * 3600 },
      RETRY_DELAYS_MS,
    );
    expect(bench.imported.created).toBe(AGENCIES.length);
    ({ ds, js, jsm } = bench);
  });

  afterAll(async () => {
    await bench?.close();
  });

  // Shared by the tests below, in order: the sample document of K19 and G22's multi-recipient original.
  let k19Doc: { meta: AcceptedPackageMeta; seq: number };
  let original: { meta: AcceptedPackageMeta; seq: number };

  it('routes a new document to each registered recipient and records an unregistered one as failed', async () => {
    k19Doc = await accept(sample('edoc_new.edxml'), {
      messageType: 'edoc',
      from: K19,
      to: [H41, Z99, LONG_JUNK], // the to header adds recipients to the package's To (H19)
      documentId: SAMPLE_DOCUMENT_ID,
    });
    const rows = byRecipient(await routed(k19Doc.meta.docId));
    expect(Object.keys(rows).sort()).toEqual([H41, H19, Z99, LONG_JUNK].sort());
    for (const r of [rows[H19], rows[H41]]) {
      expect(r).toMatchObject({
        state: 'pending',
        message_type: 'edoc',
        sender_organ_id: K19,
        failure_code: null,
      });
    }
    expect(rows[Z99]).toMatchObject({ state: 'failed', failure_code: 'UNKNOWN_RECIPIENT' });
    expect(rows[Z99].failure_reason).toContain(`${Z99} is not registered`);
    // Not even an identifier: refused here, so the registry (which limits id length) still answers the rest.
    expect(rows[LONG_JUNK]).toMatchObject({ state: 'failed', failure_code: 'UNKNOWN_RECIPIENT' });
    expect(rows[LONG_JUNK].failure_reason).toContain('is not an agency identifier');

    // Every row is announced and lands in the archive's history: recorded for the two, failed for the others.
    const events = await waitFor(async () => {
      const e = await historyEvents(k19Doc.meta.docId);
      return e.length === 4 ? e : null;
    });
    expect(events.map((e) => [e.recipient_organ_id, e.event]).sort()).toEqual(
      [
        [H19, 'recorded'],
        [H41, 'recorded'],
        [Z99, 'failed'],
        [LONG_JUNK, 'failed'],
      ].sort(),
    );
    // The inbox join needs the archived bytes too.
    const archived = await waitFor(async () => {
      const r: { sha256: string }[] = await ds.query(
        `SELECT sha256 FROM archived_package WHERE doc_id = $1`,
        [k19Doc.meta.docId],
      );
      return r[0];
    });
    expect(archived.sha256).toBe(k19Doc.meta.sha256);
  });

  it('fans a multi-recipient document out to each agency of its To list', async () => {
    const bytes = multiRecipientDocument(SAMPLE_DOCUMENT_ID, [H41, H14, H19, G17]);
    original = await accept(bytes, { messageType: 'edoc', from: G22, documentId: SAMPLE_DOCUMENT_ID });
    const rows = byRecipient(await routed(original.meta.docId));
    expect(Object.keys(rows).sort()).toEqual([H41, H14, H19, G17].sort());
    expect([H41, H14, H19].map((r) => rows[r].state)).toEqual(['pending', 'pending', 'pending']);
    expect(rows[G17]).toMatchObject({ state: 'failed', failure_code: 'UNKNOWN_RECIPIENT' });
  });

  it('creates no duplicates when the same package is delivered again', async () => {
    const before = await deliveries(k19Doc.meta.docId);
    const eventsBefore = await historyEvents(k19Doc.meta.docId);
    // Redeliver: the stored message, republished under another Nats-Msg-Id so JetStream does not drop it.
    const stored = await jsm.streams.getMessage(STREAMS.packages.name, { seq: k19Doc.seq });
    const h = stored!.header;
    const again = await js.publish(stored!.subject, stored!.data, {
      headers: h,
      msgID: `${k19Doc.meta.docId}:again`,
    });
    expect(again.duplicate).toBe(false);
    await routerPassed(again.seq);
    const after = await deliveries(k19Doc.meta.docId);
    expect(after).toEqual(before);
    // The router re-announces every row under the same event ids: the history does not grow.
    await new Promise((r) => setTimeout(r, 500));
    expect(await historyEvents(k19Doc.meta.docId)).toEqual(eventsBefore);
    expect(h.get(HEADERS.docId)).toBe(k19Doc.meta.docId);
  });

  it('sends a status to the original sender and sets the business status on the reporter’s copy', async () => {
    const status = await accept(sample('status.edxml'), {
      messageType: 'status',
      from: H41,
      documentId: SAMPLE_DOCUMENT_ID,
      documentKey: `${SAMPLE_DOCUMENT_ID}|01|2018/09/28 17:25:11`,
    });
    const rows = await routed(status.meta.docId);
    // The status inbox of G22, the sender of the original (preferred over K19's document of the same id).
    expect(rows).toEqual([
      expect.objectContaining({
        message_type: 'status',
        sender_organ_id: H41,
        recipient_organ_id: G22,
        state: 'pending',
        failure_code: null,
      }),
    ]);
    const orig = byRecipient(await deliveries(original.meta.docId));
    expect(orig[H41]).toMatchObject({ business_status: '01' });
    expect(orig[H41].business_status_at).toEqual(new Date('2018-09-28T10:25:11.000Z')); // 17:25:11 in Vietnam
    expect(orig[H41].business_description).toContain('Đã đến');
    expect(orig[H14].business_status).toBeNull();
    // K19's document with the same DocumentId is untouched.
    expect(byRecipient(await deliveries(k19Doc.meta.docId))[H41].business_status).toBeNull();
    const statusEvent = await waitFor(async () => {
      const r: { recipient_organ_id: string; status_code: string; event_id: string }[] = await ds.query(
        `SELECT recipient_organ_id, status_code, event_id FROM delivery_history WHERE doc_id = $1 AND event = 'status'`,
        [original.meta.docId],
      );
      return r[0];
    });
    expect(statusEvent).toEqual({
      recipient_organ_id: H41,
      status_code: '01',
      event_id: `${status.meta.docId}:status`,
    });
  });

  it('keeps the newer business status when an older status arrives later', async () => {
    // status_acceptance_03 is stamped 2015/09/20, before the 01 of 2018 applied above.
    const older = await accept(sample('status_acceptance_03.edxml'), {
      messageType: 'status',
      from: H41,
      documentId: SAMPLE_DOCUMENT_ID,
      documentKey: `${SAMPLE_DOCUMENT_ID}|03|2015/09/20 11:08:36`,
    });
    await routed(older.meta.docId);
    let orig = byRecipient(await deliveries(original.meta.docId));
    expect(orig[H41].business_status).toBe('01');

    const newer = buildStatus({
      from: { OrganId: H41, OrganName: 'UBND Tỉnh Nghệ An' },
      responseFor: { OrganId: G22, DocumentId: SAMPLE_DOCUMENT_ID, Code: '7816/VPCP-TTĐT' },
      statusCode: '06',
      description: 'Hoàn thành',
      timestamp: new Date(),
    });
    const done = await accept(newer, { messageType: 'status', from: H41, documentId: SAMPLE_DOCUMENT_ID });
    await routed(done.meta.docId);
    orig = byRecipient(await deliveries(original.meta.docId));
    expect(orig[H41]).toMatchObject({ business_status: '06', business_description: 'Hoàn thành' });
    // The history keeps all three statuses in the order they were reported.
    const codes = await waitFor(async () => {
      const r: { status_code: string }[] = await ds.query(
        `SELECT status_code FROM delivery_history WHERE doc_id = $1 AND event = 'status' ORDER BY at`,
        [original.meta.docId],
      );
      return r.length === 3 ? r.map((x) => x.status_code) : null;
    });
    expect(codes).toEqual(['03', '01', '06']);
  });

  it('delivers a revocation to every recipient of the original, not only to those it names', async () => {
    // The official revocation sample: G22 revokes SAMPLE_DOCUMENT_ID (no Bussiness.DocumentId), To H41, H14, G17.
    const revocation = await accept(sample('edoc_revocation.edxml'), {
      messageType: 'edoc',
      from: G22,
      documentId: SAMPLE_DOCUMENT_ID,
      documentKey: `${SAMPLE_DOCUMENT_ID}|revoke`,
    });
    const rows = byRecipient(await routed(revocation.meta.docId));
    // H19 only held the original; G17 is named but unregistered.
    expect(Object.keys(rows).sort()).toEqual([H41, H14, H19, G17].sort());
    expect([H41, H14, H19].map((r) => rows[r].state)).toEqual(['pending', 'pending', 'pending']);
    expect(rows[G17]).toMatchObject({ state: 'failed', failure_code: 'UNKNOWN_RECIPIENT' });
    expect(rows[H19].sender_organ_id).toBe(G22);
  });

  it('routes a revocation published before its original to the original’s recipients', async () => {
    const documentId = `${G22},2026/11/22,${Date.now() % 100000}/VPCP-TEST`;
    const first = multiRecipientDocument(documentId, [H19, H14]);
    const revoke = parseEdxml(sample('edoc_revocation.edxml')) as EdxmlDocument;
    revoke.MessageHeader.DocumentId = documentId;
    revoke.MessageHeader.To = [
      Object.assign(new Organization(), { OrganId: H41, OrganName: 'UBND Tỉnh Nghệ An' }),
    ];
    // Accepted in order, published in reverse: the router sees the revocation before the original.
    const o = await accept(first, { messageType: 'edoc', from: G22, documentId }, false);
    const r = await accept(buildEdxml(revoke), {
      messageType: 'edoc',
      from: G22,
      documentId,
      documentKey: `${documentId}|revoke`,
    });
    await new Promise((res) => setTimeout(res, 100));
    await publishAcceptedPackage(js, o.meta, first);
    await routed(o.meta.docId);
    const rows = byRecipient(await routed(r.meta.docId));
    expect(Object.keys(rows).sort()).toEqual([H41, H19, H14].sort());
  });

  it('falls back to the To list of a revocation whose original is unknown', async () => {
    const revoke = parseEdxml(sample('edoc_revocation.edxml')) as EdxmlDocument;
    const documentId = `${G22},2026/11/22,999/UNKNOWN`;
    revoke.MessageHeader.DocumentId = documentId;
    const r = await accept(buildEdxml(revoke), { messageType: 'edoc', from: G22, documentId });
    const rows = byRecipient(await routed(r.meta.docId));
    expect(Object.keys(rows).sort()).toEqual([H41, H14, G17].sort());
  });

  it('records a status about an unknown document for its sender, and still routes it to ResponseFor', async () => {
    const about = (organId: string) =>
      buildStatus({
        from: { OrganId: H41 },
        responseFor: { OrganId: organId, DocumentId: `${organId},2026/01/01,1/NOWHERE` },
        statusCode: '01',
        description: 'Đã đến',
        timestamp: new Date(),
      });
    const registered = await accept(about(H14), {
      messageType: 'status',
      from: H41,
      documentId: `${H14},2026/01/01,1/NOWHERE`,
    });
    const unregistered = await accept(about(G17), {
      messageType: 'status',
      from: H41,
      documentId: `${G17},2026/01/01,1/NOWHERE`,
    });
    expect(await routed(registered.meta.docId)).toEqual([
      expect.objectContaining({
        recipient_organ_id: H14,
        state: 'pending',
        failure_code: 'UNKNOWN_ORIGINAL',
      }),
    ]);
    const failed = await routed(unregistered.meta.docId);
    expect(failed).toEqual([
      expect.objectContaining({ recipient_organ_id: G17, state: 'failed', failure_code: 'UNKNOWN_ORIGINAL' }),
    ]);
    expect(failed[0].failure_reason).toContain('not registered');
  });

  it('records a package that fails parsing or validation as failed for the recipients it names', async () => {
    // The official malformed sample does not parse (undeclared xlink prefix): only the to header names anyone.
    const unparsable = await accept(sample('edoc_2803_malformed.edxml'), {
      messageType: 'edoc',
      from: K19,
      to: [H41],
      documentId: 'malformed',
    });
    expect(await routed(unparsable.meta.docId)).toEqual([
      expect.objectContaining({ recipient_organ_id: H41, state: 'failed', failure_code: 'EDXML_MALFORMED' }),
    ]);
    // Parses, but has no DocumentId: the failure is recorded for its To list.
    const doc = parseEdxml(sample('edoc_new.edxml')) as EdxmlDocument;
    doc.MessageHeader.DocumentId = '';
    const invalid = await accept(buildEdxml(doc), { messageType: 'edoc', from: K19, documentId: 'invalid' });
    const rows = await routed(invalid.meta.docId);
    expect(rows).toEqual([
      expect.objectContaining({ recipient_organ_id: H19, state: 'failed', failure_code: 'EDXML_REQUIRED' }),
    ]);
    expect(rows[0].failure_reason).toContain('DocumentId');
  });

  it('dead-letters an unreadable package that names no recipient at all', async () => {
    const junk = await accept(Buffer.from('this is not XML'), {
      messageType: 'edoc',
      from: K19,
      documentId: 'junk',
    });
    const dl = await waitFor(async () =>
      (await listDeadLetters(jsm)).find(
        (d) => d.headers[HEADERS.docId] === junk.meta.docId && d.consumer === CONSUMERS.router.durable,
      ),
    );
    expect(dl.error).toMatch(/^EDXML_MALFORMED/);
    expect(dl.deliveries).toBe(1);
    expect(await deliveries(junk.meta.docId)).toEqual([]);
    expect(NO_RECIPIENT).toBe('-');
  });

  it('retries while the registry is unreachable instead of dropping or misrouting', async () => {
    await bench.stopRegistry();
    const documentId = `${G22},2026/11/22,7/REGISTRY-DOWN`;
    const p = await accept(multiRecipientDocument(documentId, [H41]), {
      messageType: 'edoc',
      from: G22,
      documentId,
    });
    // The first attempt and two retries (300 + 600 ms) fail while the registry is down.
    await new Promise((r) => setTimeout(r, 1200));
    expect(await deliveries(p.meta.docId)).toEqual([]);
    expect((await listDeadLetters(jsm)).some((d) => d.headers[HEADERS.docId] === p.meta.docId)).toBe(false);
    await bench.startRegistry();
    const rows = await routed(p.meta.docId);
    expect(rows).toEqual([expect.objectContaining({ recipient_organ_id: H41, state: 'pending' })]);
  });
});
