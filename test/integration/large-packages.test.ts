// Packages above the object threshold (proto/ objectStores.packages, 1 MiB) on a whole axis in this process
// (registry, router, archive, gateway) on real NATS JetStream and Postgres: the gateway streams the body into the
// object store, the message names the object, router and archive read it as a stream, the archive copies it into
// its blob store, getEdoc streams it back, and the object is deleted once archived and routed. Refusals leave
// nothing behind: no submission, no message, no object.
import { SIGNATURE_VERIFIED_UP_TO_BYTES } from '#trust';
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import { jetstream } from '@nats-io/jetstream';
import { DxError, OBJECT_STORES, signedHeaders } from '#contracts';
import { loadConfig } from '#config';
import { packageObjects, readAcceptedPackageMeta, type AcceptedPackageMeta } from '#bus';
import { buildEdxml, parseEdxml, type EdxmlDocument } from '#edxml';
import { ArchiveService } from '#archive';
import { SubmissionService } from '#exchange';
import { DocaxisClient, SDK_PATHS } from '#sdk-client';
import { RouterController } from '../../apps/router/src/router.controller.js';
import { count, startAxisHub, type AxisHub } from '../support/axis-hub.js';
import { importRegistry } from '../support/auth-hub.js';
import { createTestDatabase } from '../support/db.js';
import { failure } from '../support/failure.js';
import { documentBytes, nextDocumentId } from '../support/packages.js';
import { waitFor } from '../support/wait.js';

const AXIS = '000.00.00.H41';
const A1 = '000.00.81.H41';
const A2 = '000.00.82.H41'; // sent for by the system whose policy is `required`
const B1 = '000.00.83.H41';
const run = randomBytes(3).toString('hex');
const SYS_A = `large-a-${run}`;
const SYS_REQ = `large-req-${run}`;
const SYS_B = `large-b-${run}`;
const SECRET = {
  a: randomBytes(24).toString('hex'),
  req: randomBytes(24).toString('hex'),
  b: randomBytes(24).toString('hex'),
};

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The SDK's sample document from `from` to B1 with one attachment of `attachmentBytes` random bytes. */
function largeDocument(from: string, attachmentBytes: number): Buffer {
  const doc = parseEdxml(documentBytes(from, [B1], nextDocumentId(from))) as EdxmlDocument;
  doc.attachments[0].ContentTransferEncoded = randomBytes(attachmentBytes).toString('base64');
  return buildEdxml(doc);
}

describe('large packages through the object store', () => {
  let hub: AxisHub;
  let sender: DocaxisClient;
  let strict: DocaxisClient;
  let recipient: DocaxisClient;

  /** Objects of this run's senders still in the bucket (other files share the NATS server). */
  const objectsLeft = async (): Promise<string[]> => {
    const os = await packageObjects(jetstream(hub.nc));
    return (await os.list())
      .filter((o) => !o.deleted && (o.name.startsWith(`${A1}.`) || o.name.startsWith(`${A2}.`)))
      .map((o) => o.name);
  };
  const submissions = (documentId: string) =>
    count(hub.ds, `SELECT count(*)::int AS n FROM submission WHERE document_id = $1`, [documentId]);

  beforeAll(async () => {
    const db = await createTestDatabase('large_packages');
    const masterKey = randomBytes(32).toString('hex');
    const cfg = loadConfig({
      DOCAXIS_MASTER_KEY: masterKey,
      NATS_URL: process.env.NATS_URL!,
      DATABASE_URL: db.url,
      DOCAXIS_AXIS_ORGAN_ID: AXIS,
    });
    hub = await startAxisHub(cfg, `large-${run}`, db, masterKey);
    await importRegistry(hub.nc, {
      systems: [
        { systemId: SYS_A, name: 'Large sender', secret: SECRET.a },
        {
          systemId: SYS_REQ,
          name: 'Large sender, signatures required',
          secret: SECRET.req,
          signaturePolicy: 'required',
        },
        { systemId: SYS_B, name: 'Large recipient', secret: SECRET.b },
      ],
      agencies: [
        { organId: A1, name: 'Sender', systemId: SYS_A },
        { organId: A2, name: 'Strict sender', systemId: SYS_REQ },
        { organId: B1, name: 'Recipient', systemId: SYS_B },
      ],
    });
    sender = new DocaxisClient({ baseUrl: hub.url, systemId: SYS_A, secret: SECRET.a });
    strict = new DocaxisClient({ baseUrl: hub.url, systemId: SYS_REQ, secret: SECRET.req });
    recipient = new DocaxisClient({ baseUrl: hub.url, systemId: SYS_B, secret: SECRET.b });
  }, 60_000);

  afterAll(async () => {
    await hub?.stop();
  });

  it('goes send -> inbox -> getEdoc byte-identical -> archived, and its object is deleted', async () => {
    const bytes = largeDocument(A1, 3 * 1024 * 1024);
    expect(bytes.length).toBeGreaterThan(OBJECT_STORES.packages.thresholdBytes);
    const sent = await sender.sendEdoc(bytes, { from: A1, messageType: 'edoc' });
    expect(sent.duplicate).toBe(false);
    // The sample's placeholder Signature is there; at this size it is still verified (policy report: recorded).
    expect(sent.signature).toMatchObject({ verdict: 'invalid', code: 'SIG_MALFORMED' });

    const item = await waitFor('the package in the inbox', async () => {
      const page = await recipient.getReceivedEdocList({ messageType: 'edoc' });
      return page.items.find((i) => i.id === sent.docId);
    });
    expect(item.contentLength).toBe(bytes.length);
    const got = await recipient.getEdoc(sent.docId);
    expect(sha256(got)).toBe(sha256(bytes));
    // The SDK's JSON shape (base64) too.
    expect((await recipient.getEdoc(sent.docId, { base64: true })).equals(bytes)).toBe(true);

    const [row] = await hub.ds.query(
      `SELECT blob_sha256, size_bytes::int AS size, content IS NULL AS no_inline, subject, metadata
         FROM archived_package WHERE doc_id = $1`,
      [sent.docId],
    );
    expect(row).toMatchObject({ blob_sha256: sha256(bytes), size: bytes.length, no_inline: true });
    expect(row.subject).toBe((parseEdxml(bytes) as EdxmlDocument).MessageHeader.Subject);
    expect(row.metadata.attachments[0].sizeBytes).toBe(3 * 1024 * 1024);
    await waitFor('the object released', async () => (await objectsLeft()).length === 0);
  }, 60_000);

  it('is idempotent: the same bytes again answer the same DocId and leave no object; a redelivery is harmless', async () => {
    const bytes = largeDocument(A1, 2 * 1024 * 1024);
    const first = await sender.sendEdoc(bytes, { from: A1, messageType: 'edoc' });
    const again = await sender.sendEdoc(bytes, { from: A1, messageType: 'edoc' });
    expect(again).toMatchObject({ docId: first.docId, duplicate: true });
    await waitFor(
      'archived and routed',
      async () =>
        (await count(hub.ds, `SELECT count(*)::int AS n FROM archived_package WHERE doc_id = $1`, [
          first.docId,
        ])) &&
        (await count(hub.ds, `SELECT count(*)::int AS n FROM delivery WHERE doc_id = $1`, [first.docId])),
    );
    await waitFor('every object released', async () => (await objectsLeft()).length === 0);
    expect(
      await count(hub.ds, `SELECT count(*)::int AS n FROM delivery WHERE doc_id = $1`, [first.docId]),
    ).toBe(1);

    // Router and archive see the message again (a lost ack) after the object is gone: nothing changes.
    const headers = {
      'Dx-Doc-Id': first.docId,
      'Dx-Message-Type': 'edoc',
      'Dx-From': A1,
      'Dx-Sha256': sha256(bytes),
      'Dx-System-Id': SYS_A,
      'Dx-Accepted-At': new Date().toISOString(),
      'Dx-Object': `${A1}.gone`,
    };
    const meta: AcceptedPackageMeta = readAcceptedPackageMeta(headers);
    const archive = hub.archive.get(ArchiveService);
    await expect(
      archive.archiveStreamed(meta, async function* () {
        yield* [];
        throw new Error('the stream must not be read for an archived package');
      }),
    ).resolves.toMatchObject({ inserted: false });
    const router = hub.router.get(RouterController);
    const redelivery = (h: Record<string, string>) =>
      router.onAcceptedPackage({
        subject: 'dx.pkg.accepted.edoc',
        headers: h,
        data: new Uint8Array(0),
        deliveryCount: 2,
        streamSequence: 0,
      });
    await expect(redelivery(headers)).resolves.toBeUndefined();
    expect(
      await count(hub.ds, `SELECT count(*)::int AS n FROM delivery WHERE doc_id = $1`, [first.docId]),
    ).toBe(1);
    // Never routed and its object gone: a permanent error (the DLQ shows it), not a silent ack.
    const unknown = { ...headers, 'Dx-Doc-Id': randomUUID() };
    expect(await failure(redelivery(unknown), DxError)).toMatchObject({ code: 'PACKAGE_OBJECT_MISSING' });
  }, 60_000);

  it('leaves nothing when the upload breaks off, and the retry is accepted', async () => {
    const bytes = largeDocument(A1, 2 * 1024 * 1024);
    const documentId = (parseEdxml(bytes) as EdxmlDocument).MessageHeader.DocumentId!;
    const headers = {
      ...signedHeaders(SYS_A, SECRET.a, { method: 'POST', path: SDK_PATHS.sendEdoc, body: bytes }),
      from: A1,
      messagetype: 'edoc',
      servicetype: 'eDoc',
      'hash-file': sha256(bytes),
      'content-type': 'application/octet-stream',
      'content-length': String(bytes.length),
    };
    await new Promise<void>((resolve) => {
      const req = http.request(new URL(SDK_PATHS.sendEdoc.slice(1), `${hub.url}/`), {
        method: 'POST',
        headers,
      });
      req.on('error', () => resolve());
      req.on('response', () => resolve());
      req.write(bytes.subarray(0, bytes.length / 2), () => setTimeout(() => req.destroy(), 300));
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await submissions(documentId)).toBe(0);
    expect(await objectsLeft()).toEqual([]);

    const sent = await sender.sendEdoc(bytes, { from: A1, messageType: 'edoc' });
    expect(sent.duplicate).toBe(false);
    expect(sha256(await waitFor('fetchable', () => recipient.getEdoc(sent.docId).catch(() => null)))).toBe(
      sha256(bytes),
    );
  }, 60_000);

  it('refuses a malformed or mismatched large package with a stable code and stores nothing', async () => {
    const good = largeDocument(A1, 2 * 1024 * 1024);
    const documentId = (parseEdxml(good) as EdxmlDocument).MessageHeader.DocumentId!;
    const truncated = good.subarray(0, good.length - 100);
    const badBase64 = Buffer.from(
      good.toString('utf8').replace(/(ContentTransferEncoded[^>]*>[A-Za-z0-9+/]{10})/, '$1*'),
    );
    const notUtf8 = Buffer.concat([good.subarray(0, 200), Buffer.from([0xff, 0xfe]), good.subarray(202)]);
    const expectations: [Buffer, string][] = [
      [truncated, 'EDXML_MALFORMED'],
      [badBase64, 'EDXML_INVALID'],
      [notUtf8, 'EDXML_ENCODING'],
    ];
    for (const [bytes, code] of expectations) {
      expect(await failure(sender.sendEdoc(bytes, { from: A1, messageType: 'edoc' }))).toMatchObject({
        code,
      });
    }
    // hash-file of other bytes: the DX1 signature covers the claim, the body does not match it.
    const tampered = Buffer.from(good);
    const mid = tampered.length >> 1; // inside the attachment's base64: still a valid package
    tampered[mid] = tampered[mid] === 0x41 ? 0x42 : 0x41;
    const res = await sendClaiming(good, tampered);
    expect(res).toMatchObject({ status: 400, code: 'HASH_MISMATCH' });
    expect(await submissions(documentId)).toBe(0);
    expect(await objectsLeft()).toEqual([]);
  }, 60_000);

  it('takes a large package the parent axis delivered (connector inject) through the object store too', async () => {
    const bytes = largeDocument(A1, 2 * 1024 * 1024);
    const submissions = hub.gateway.get(SubmissionService);
    const res = await submissions.inject({
      body: bytes,
      messageType: 'edoc',
      originAxis: '000.00.00.G22',
      trace: [],
      to: [B1],
    });
    const got = await waitFor('fetchable', () => recipient.getEdoc(res.docId).catch(() => null));
    expect(sha256(got)).toBe(sha256(bytes));
    const [row] = await hub.ds.query(`SELECT blob_sha256 FROM archived_package WHERE doc_id = $1`, [
      res.docId,
    ]);
    expect(row.blob_sha256).toBe(sha256(bytes));
    await waitFor('the object released', async () => (await objectsLeft()).length === 0);
  }, 60_000);

  it('verifies a streamed package up to the verification limit: `required` refuses a bad signature as usual', async () => {
    const bytes = largeDocument(A2, 2 * 1024 * 1024);
    expect(bytes.length).toBeLessThan(SIGNATURE_VERIFIED_UP_TO_BYTES);
    // The sample's placeholder Signature is not an XML-DSig one: refused as it would be in a small package.
    expect(await failure(strict.sendEdoc(bytes, { from: A2, messageType: 'edoc' }))).toMatchObject({
      code: 'SIG_MALFORMED',
    });
    expect(await submissions((parseEdxml(bytes) as EdxmlDocument).MessageHeader.DocumentId!)).toBe(0);
    expect(await objectsLeft()).toEqual([]);
  }, 60_000);

  it('follows the signature rule above the limit: `required` refuses (SIG_TOO_LARGE) before reading it', async () => {
    const bytes = largeDocument(A2, SIGNATURE_VERIFIED_UP_TO_BYTES + 1024 * 1024);
    expect(await failure(strict.sendEdoc(bytes, { from: A2, messageType: 'edoc' }))).toMatchObject({
      code: 'SIG_TOO_LARGE',
    });
    expect(await submissions((parseEdxml(bytes) as EdxmlDocument).MessageHeader.DocumentId!)).toBe(0);
    expect(await objectsLeft()).toEqual([]);
  }, 60_000);

  /** Sends `body` with a DX1 signature and hash-file over `claimed`. */
  async function sendClaiming(claimed: Buffer, body: Buffer): Promise<{ status: number; code: string }> {
    const res = await fetch(new URL(SDK_PATHS.sendEdoc.slice(1), `${hub.url}/`), {
      method: 'POST',
      headers: {
        ...signedHeaders(SYS_A, SECRET.a, { method: 'POST', path: SDK_PATHS.sendEdoc, body: claimed }),
        from: A1,
        messagetype: 'edoc',
        servicetype: 'eDoc',
        'hash-file': sha256(claimed),
        'content-type': 'application/octet-stream',
      },
      body,
    });
    const answer = (await res.json()) as { ErrorCode: string };
    return { status: res.status, code: answer.ErrorCode };
  }
});
