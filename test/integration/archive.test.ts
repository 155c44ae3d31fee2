// The archive app on real NATS JetStream and Postgres: packages and delivery events are published as the gateway
// and the router publish them, and what the archive kept is read back through ArchiveService and SQL.
// Uses the durable consumers of proto/ on the shared test NATS server: run the integration project --runInBand.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import {
  CONSUMERS,
  HEADERS,
  STREAMS,
  deliveryEventSubject,
  type DeliveryEvent,
  type MessageType,
} from '#contracts';
import {
  createBusMicroservice,
  listDeadLetters,
  publishAcceptedPackage,
  publishDeliveryEvent,
  type AcceptedPackageMeta,
} from '#bus';
import { createDataSource, runMigrations } from '#store';
import { ArchiveService } from '#archive';
import { ArchiveAppModule } from '../../apps/archive/src/archive.module.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { cleanBus, natsUrl } from '../support/nats.js';

/** The parts of archived_package.metadata these tests read. */
interface Metadata {
  from: { organId: string; organName?: string };
  to: { organId: string; organName?: string }[];
  toHeader?: string[];
  traceHeaders: { organId: string; timestamp: string }[];
  attachments: { name?: string; contentType?: string; sizeBytes?: number }[];
  parseError?: { code: string; message: string };
}

const SAMPLES = path.resolve(process.cwd(), '../shared/conformance/edxml/vpcp-sdk');
const sample = (name: string): Buffer => readFileSync(path.join(SAMPLES, name));
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const SAMPLE_DOCUMENT_ID = '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT';

async function waitFor<T>(probe: () => Promise<T | false | null | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('archive over real JetStream and Postgres', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let nc: NatsConnection;
  let js: JetStreamClient;
  let jsm: JetStreamManager;
  let app: INestMicroservice;
  let archive: ArchiveService;

  function metaFor(bytes: Buffer, p: { messageType?: MessageType; sha?: string } = {}): AcceptedPackageMeta {
    return {
      docId: randomUUID(),
      messageType: p.messageType ?? 'edoc',
      from: '000.00.00.K19',
      to: ['000.00.00.H41'],
      sha256: p.sha ?? sha256(bytes),
      systemId: 'archive-test',
      serviceType: 'eDoc',
      acceptedAt: new Date().toISOString(),
      documentId: SAMPLE_DOCUMENT_ID,
      trace: [
        { OrganId: '000.00.00.G22', Timestamp: '2026/11/23 09:00:00' },
        { OrganId: '000.00.00.H41', Timestamp: '2026/11/23 09:00:02' },
      ],
    };
  }

  const archivedRow = (docId: string) =>
    waitFor(async () => {
      const r: Record<string, unknown>[] = await ds.query(
        `SELECT doc_id, message_type, sender_organ_id, sha256, size_bytes, document_id, code_number, code_notation,
                subject, promulgation_date, type_name, priority, business_doc_type, status_code, metadata, archived_at
           FROM archived_package WHERE doc_id = $1`,
        [docId],
      );
      return r[0];
    });

  const deadLetterFor = (docId: string, consumer: string) =>
    waitFor(async () =>
      (await listDeadLetters(jsm)).find((d) => d.headers[HEADERS.docId] === docId && d.consumer === consumer),
    );

  beforeAll(async () => {
    db = await createTestDatabase('archive');
    await runMigrations(db.url);
    ds = createDataSource(db.url, 2);
    await ds.initialize();
    ({ nc, js, jsm } = await cleanBus('archive-test', ['archivePackages', 'archiveEvents']));
    app = await createBusMicroservice(
      ArchiveAppModule.forRoot({ databaseUrl: db.url }),
      { natsUrl: natsUrl(), name: 'archive-test' },
      { logger: ['error'] },
    );
    await app.listen();
    archive = app.get(ArchiveService);
  });

  afterAll(async () => {
    await app?.close();
    await nc?.close();
    await ds?.destroy();
    await db?.drop();
  });

  let newDoc: { meta: AcceptedPackageMeta; seq: number; bytes: Buffer };

  it('archives the original bytes unchanged, with their sha256 and searchable metadata', async () => {
    const bytes = sample('edoc_new.edxml');
    const meta = metaFor(bytes);
    const ack = await publishAcceptedPackage(js, meta, bytes);
    newDoc = { meta, seq: ack.seq, bytes };
    const row = await archivedRow(meta.docId);
    expect(row).toMatchObject({
      message_type: 'edoc',
      sender_organ_id: '000.00.00.K19',
      sha256: meta.sha256,
      size_bytes: String(bytes.length),
      document_id: SAMPLE_DOCUMENT_ID,
      code_number: '781622e22',
      code_notation: 'VPCP-TTĐT',
      subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
      promulgation_date: '2018/10/19',
      type_name: 'Công văn',
      priority: '0',
      business_doc_type: '0',
      status_code: null,
    });
    const md = row.metadata as unknown as Metadata;
    expect(md.to).toEqual([{ organId: '000.00.50.H19', organName: 'Sở Thông tin truyền thông Hải Phòng' }]);
    expect(md.toHeader).toEqual(['000.00.00.H41']);
    expect(md.attachments).toHaveLength(1);
    expect(md.attachments[0]).toMatchObject({
      name: '1896_QD-TTg_m_294779.doc',
      contentType: 'application/zip',
    });
    expect(md.attachments[0].sizeBytes).toBeGreaterThan(200_000);

    const original = await archive.getOriginal(meta.docId);
    expect(original).not.toBeNull();
    expect(Buffer.compare(original!.content, bytes)).toBe(0);
    expect(original!.sha256).toBe(sha256(bytes));
    expect(original!.intact).toBe(true);
    // The hops it took are kept beside the bytes, which stay as they were.
    expect(original!.trace).toEqual(meta.trace);
    expect(await archive.getOriginal(randomUUID())).toBeNull();
  });

  it('ignores a redelivered package', async () => {
    const before = await archivedRow(newDoc.meta.docId);
    const stored = await jsm.streams.getMessage(STREAMS.packages.name, { seq: newDoc.seq });
    const again = await js.publish(stored!.subject, stored!.data, {
      headers: stored!.header,
      msgID: `${newDoc.meta.docId}:again`,
    });
    expect(again.duplicate).toBe(false);
    await waitFor(async () => {
      const info = await jsm.consumers.info(STREAMS.packages.name, CONSUMERS.archivePackages.durable);
      return info.ack_floor.stream_seq >= again.seq && info.num_ack_pending === 0;
    });
    const rows: { n: string }[] = await ds.query(
      `SELECT count(*) AS n FROM archived_package WHERE doc_id = $1`,
      [newDoc.meta.docId],
    );
    expect(rows[0].n).toBe('1');
    expect((await archivedRow(newDoc.meta.docId)).archived_at).toEqual(before.archived_at);
    expect((await listDeadLetters(jsm)).some((d) => d.headers[HEADERS.docId] === newDoc.meta.docId)).toBe(
      false,
    );
  });

  it('dead-letters a package whose bytes do not match their sha256 header, and archives nothing', async () => {
    const bytes = sample('status_finish_06.edxml');
    const meta = metaFor(bytes, { messageType: 'status', sha: sha256(Buffer.from('something else')) });
    await publishAcceptedPackage(js, meta, bytes);
    const dl = await deadLetterFor(meta.docId, CONSUMERS.archivePackages.durable);
    expect(dl.error).toMatch(/^HASH_MISMATCH/);
    expect(dl.deliveries).toBe(1);
    expect(dl.size).toBe(bytes.length);
    expect(await archive.getOriginal(meta.docId)).toBeNull();
  });

  it('files a status under the document it is about', async () => {
    const bytes = sample('status_rejection_02.edxml');
    const meta = { ...metaFor(bytes, { messageType: 'status' }), from: '000.00.00.H41', to: [] };
    await publishAcceptedPackage(js, meta, bytes);
    const row = await archivedRow(meta.docId);
    expect(row).toMatchObject({ message_type: 'status', status_code: '02', document_id: SAMPLE_DOCUMENT_ID });
    expect(row.metadata).toMatchObject({ kind: 'status', responseFor: { organId: '000.00.00.G22' } });
  });

  it('archives bytes it cannot parse, with what the headers say and why', async () => {
    const bytes = sample('edoc_2803_malformed.edxml');
    const meta = metaFor(bytes);
    await publishAcceptedPackage(js, meta, bytes);
    const row = await archivedRow(meta.docId);
    expect(row).toMatchObject({ document_id: SAMPLE_DOCUMENT_ID, subject: null, code_number: null });
    expect((row.metadata as unknown as Metadata).parseError?.code).toBe('EDXML_MALFORMED');
    const original = await archive.getOriginal(meta.docId);
    expect(Buffer.compare(original!.content, bytes)).toBe(0);
  });

  it('records delivery events once each and returns them per recipient in time order', async () => {
    const docId = newDoc.meta.docId;
    const ev = (
      event: DeliveryEvent['event'],
      recipient: string,
      at: string,
      extra: Partial<DeliveryEvent> = {},
    ) =>
      ({
        eventId: `${docId}:${recipient}:${event}`,
        docId,
        recipient,
        messageType: 'edoc',
        event,
        at,
        ...extra,
      }) satisfies DeliveryEvent;
    // Published out of order, as at-least-once delivery from several services may bring them.
    const events = [
      ev('done', '000.00.00.H41', '2026-11-22T03:00:00.000Z'),
      ev('recorded', '000.00.00.H41', '2026-11-22T01:00:00.000Z'),
      ev('processing', '000.00.00.H41', '2026-11-22T02:00:00.000Z'),
      ev('failed', '000.00.99.Z99', '2026-11-22T01:00:00.000Z', {
        reason: 'UNKNOWN_RECIPIENT: not registered',
      }),
      ev('status', '000.00.00.H41', '2026-11-22T02:30:00.000Z', { statusCode: '03', reason: 'Đã tiếp nhận' }),
    ];
    for (const e of events) await publishDeliveryEvent(js, e);
    // The same event again under another Nats-Msg-Id (JetStream cannot de-duplicate it): the table must.
    const dup = await js.publish(deliveryEventSubject('done'), JSON.stringify(events[0]), {
      msgID: 'dup-of-done',
    });
    expect(dup.duplicate).toBe(false);
    await waitFor(async () => {
      const info = await jsm.consumers.info(STREAMS.events.name, CONSUMERS.archiveEvents.durable);
      return info.ack_floor.stream_seq >= dup.seq && info.num_ack_pending === 0;
    });

    const history = await archive.getHistory(docId);
    expect(history.map((h) => h.recipient)).toEqual(['000.00.00.H41', '000.00.99.Z99']);
    expect(history[0].events.map((e) => e.event)).toEqual(['recorded', 'processing', 'status', 'done']);
    expect(history[0].events[2]).toMatchObject({ statusCode: '03', reason: 'Đã tiếp nhận' });
    expect(history[0].events[0].at).toEqual(new Date('2026-11-22T01:00:00.000Z'));
    expect(history[1].events).toEqual([
      expect.objectContaining({ event: 'failed', reason: 'UNKNOWN_RECIPIENT: not registered' }),
    ]);
  });

  it('dead-letters a malformed delivery event', async () => {
    const bad = {
      eventId: 'bad-1',
      docId: 'not-a-uuid',
      recipient: 'x',
      messageType: 'edoc',
      event: 'done',
      at: 'now',
    };
    const ack = await js.publish(deliveryEventSubject('done'), JSON.stringify(bad), { msgID: 'bad-1' });
    const dl = await waitFor(async () =>
      (await listDeadLetters(jsm)).find(
        (d) => d.consumer === CONSUMERS.archiveEvents.durable && d.subject === deliveryEventSubject('done'),
      ),
    );
    expect(dl.error).toMatch(/^BAD_REQUEST/);
    expect(dl.error).toContain('docId');
    expect(dl.size).toBe(JSON.stringify(bad).length);
    const rows: unknown[] = await ds.query(`SELECT 1 FROM delivery_history WHERE event_id = 'bad-1'`);
    expect(rows).toEqual([]);
    expect(ack.seq).toBeGreaterThan(0);
  });
});
