// Receipts signed with the hub seal, end to end over HTTP on real NATS JetStream and Postgres with the real
// registry app. Deliveries and archived packages are inserted as the router and the archive would write them
// (as in gateway.test.ts). The CLI check runs the built CLI (bin/docaxis.js → dist): `./run test` builds first.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { DocaxisClient } from '#sdk-client';
import { TrustStore } from '#pki';
import {
  decodeReceipt,
  ensureDevSeal,
  loadSealFiles,
  pemCertificates,
  verifyReceipt,
  type DevSealFiles,
} from '#trust';
import { documentBytes, nextDocumentId } from '../support/packages.js';
import { failure } from '../support/failure.js';
import { startAuthHub, type AuthHub } from '../support/auth-hub.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

const K19 = '000.00.00.K19';
const H19 = '000.00.50.H19';
const H20 = '000.00.50.H20';
const H14 = '000.00.00.H14';
const AXIS = '000.00.00.H41';
const run = randomBytes(3).toString('hex');
const SYS_A = `rc-a-${run}`; // sends as K19
const SYS_B = `rc-b-${run}`; // receives as H19
const SYS_D = `rc-d-${run}`; // receives as H20
const SYS_C = `rc-c-${run}`; // unrelated (H14)
const SECRET = Object.fromEntries(
  [SYS_A, SYS_B, SYS_C, SYS_D].map((s) => [s, `secret-${randomBytes(12).toString('hex')}`]),
);

async function untilAnswered<T>(call: () => Promise<T>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return await call();
    } catch (e) {
      if (Date.now() > end || (e as { code?: string }).code !== 'UNAVAILABLE') throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
}

/** The built CLI; resolves with its exit code and output. */
function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.resolve('bin/docaxis.js'), ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('receipts (hub seal)', () => {
  let hub: AuthHub;
  let gateway: string; // base URL of the gateway with the seal
  let unsealed: string; // ... and of one without
  let ds: DataSource;
  let seal: DevSealFiles;
  let root: X509Certificate;
  let dir: string;
  let a: DocaxisClient;
  let b: DocaxisClient;
  let c: DocaxisClient;
  let d: DocaxisClient;
  let body: Buffer;
  let docId: string;
  let receipt: string;

  const client = (baseUrl: string, systemId: string) =>
    new DocaxisClient({ baseUrl, systemId, secret: SECRET[systemId] });
  const trust = () => ({ trust: new TrustStore({ anchors: [root] }) });

  /** What the router and the archive write for a package. */
  async function deliverAndArchive(id: string, bytes: Buffer, recipients: string[]): Promise<void> {
    for (const r of recipients) {
      await ds.query(
        `INSERT INTO delivery (doc_id, message_type, sender_organ_id, recipient_organ_id, state)
         VALUES ($1, 'edoc', $2, $3, 'pending')`,
        [id, K19, r],
      );
    }
    await ds.query(
      `INSERT INTO archived_package (doc_id, message_type, sender_organ_id, sha256, size_bytes, content, document_id,
         metadata, accepted_at)
       VALUES ($1, 'edoc', $2, $3, $4, $5, 'x', '{}'::jsonb, now())`,
      [id, K19, sha(bytes), bytes.length, bytes],
    );
  }

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dx-receipts-'));
    seal = ensureDevSeal(path.join(dir, 'seal'), AXIS);
    root = pemCertificates(readFileSync(seal.caFile, 'utf8'))[0];
    hub = await startAuthHub(
      'receipts',
      {
        systems: [SYS_A, SYS_B, SYS_C, SYS_D].map((s) => ({ systemId: s, name: s, secret: SECRET[s] })),
        agencies: [
          { organId: K19, name: 'Sender', systemId: SYS_A },
          { organId: H19, name: 'Recipient', systemId: SYS_B },
          { organId: H20, name: 'Second recipient', systemId: SYS_D },
          { organId: H14, name: 'Unrelated', systemId: SYS_C },
        ],
      },
      AXIS,
    );
    ds = hub.ds;
    gateway = await hub.gateway(undefined, { seal: loadSealFiles(seal.keyFile, seal.certFile) });
    unsealed = await hub.gateway();
    a = client(gateway, SYS_A);
    b = client(gateway, SYS_B);
    c = client(gateway, SYS_C);
    d = client(gateway, SYS_D);

    body = documentBytes(K19, [H19, H20], nextDocumentId(K19));
    const sent = await untilAnswered(() =>
      a.sendEdoc(body, { from: K19, messageType: 'edoc', to: [H19, H20] }),
    );
    docId = sent.docId;
    receipt = sent.receipt ?? '';
  }, 90_000);

  afterAll(async () => {
    await hub?.close();
  }, 30_000);

  it('answers a send with a receipt attesting the package, signed by a seal that chains to the root', async () => {
    expect(receipt).not.toBe('');
    const payload = verifyReceipt(receipt, trust());
    const [row] = await ds.query(`SELECT accepted_at FROM submission WHERE doc_id = $1`, [docId]);
    expect(payload).toMatchObject({
      v: 1,
      kind: 'submission',
      axis: AXIS,
      docId,
      sha256: sha(body),
      sizeBytes: body.length,
      from: K19,
      to: [H19, H20],
      systemId: SYS_A,
      at: new Date(row.accepted_at).toISOString(),
    });
    expect(decodeReceipt(receipt).header.x5c).toHaveLength(2); // seal and intermediate
    const stored = await ds.query(`SELECT receipt_id, jws FROM receipt WHERE doc_id = $1`, [docId]);
    expect(stored).toEqual([{ receipt_id: payload.receiptId, jws: receipt }]);
  });

  it('refuses the receipt with one character of its payload changed (SIG_INVALID)', () => {
    const [h, p, s] = receipt.split('.');
    const i = Math.floor(p.length / 2);
    const tampered = `${h}.${p.slice(0, i)}${p[i] === 'A' ? 'B' : 'A'}${p.slice(i + 1)}.${s}`;
    expect(codeOf(() => verifyReceipt(tampered, trust()))).toBe('SIG_INVALID');
  });

  it('answers a duplicate send with the original receipt and stores no second one', async () => {
    const again = await a.sendEdoc(body, { from: K19, messageType: 'edoc', to: [H19, H20] });
    expect(again).toMatchObject({ docId, duplicate: true, receipt });
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM receipt WHERE doc_id = $1`, [docId]);
    expect(n).toBe(1);
  });

  it('answers identical sends racing each other with the one receipt that was stored', async () => {
    const racing = documentBytes(K19, [H19], nextDocumentId(K19));
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => a.sendEdoc(racing, { from: K19, messageType: 'edoc', to: [H19] })),
    );
    const [stored] = await ds.query(`SELECT jws FROM receipt WHERE doc_id = $1`, [answers[0].docId]);
    expect(answers.map((r) => [r.docId, r.receipt])).toEqual(
      answers.map(() => [answers[0].docId, stored.jws]),
    );
    expect(verifyReceipt(stored.jws, trust())).toMatchObject({
      docId: answers[0].docId,
      sha256: sha(racing),
    });
  });

  it("answers a recipient's acknowledgement with a receipt the sender then sees; a repeat answers the first", async () => {
    await deliverAndArchive(docId, body, [H19, H20]);
    const [ack] = await b.updateStatus(docId, 'done', H19);
    expect(ack).toMatchObject({ docId, agency: H19, status: 'done' });
    const payload = verifyReceipt(ack.receipt ?? '', trust());
    expect(payload).toMatchObject({
      kind: 'acknowledgement',
      axis: AXIS,
      docId,
      sha256: sha(body),
      from: K19,
      systemId: SYS_B,
      agency: H19,
      ackStatus: 'done',
      at: ack.updated_time,
    });
    const [repeat] = await b.updateStatus(docId, 'done', H19);
    expect(repeat.receipt).toBe(ack.receipt);

    const [processing] = await d.updateStatus(docId, 'processing');
    expect(verifyReceipt(processing.receipt ?? '')).toMatchObject({ agency: H20, ackStatus: 'processing' });

    const senderView = await a.getReceipts(docId);
    expect(senderView.map((r) => [r.kind, r.agency ?? null, r.ackStatus ?? null, r.receipt])).toEqual([
      ['submission', null, null, receipt],
      ['acknowledgement', H19, 'done', ack.receipt],
      ['acknowledgement', H20, 'processing', processing.receipt],
    ]);
    // A recipient sees the submission receipt and its own acknowledgements only.
    expect((await b.getReceipts(docId)).map((r) => r.receipt)).toEqual([receipt, ack.receipt]);
    expect((await d.getReceipts(docId)).map((r) => r.receipt)).toEqual([receipt, processing.receipt]);
  });

  it('does not show receipts to a system that neither sent nor received the DocId (DOC_NOT_FOUND)', async () => {
    expect(await failure(c.getReceipts(docId))).toMatchObject({ code: 'DOC_NOT_FOUND', httpStatus: 404 });
    expect(await failure(c.getReceipts(docId, K19))).toMatchObject({ code: 'FORBIDDEN_AGENCY' });
    expect(await failure(a.getReceipts('not-a-uuid'))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('answers without a receipt on a gateway with no seal, and issues none', async () => {
    const plain = documentBytes(K19, [H19], nextDocumentId(K19));
    const sent = await client(unsealed, SYS_A).sendEdoc(plain, { from: K19, messageType: 'edoc' });
    expect(sent.duplicate).toBe(false);
    expect(sent).not.toHaveProperty('receipt');
    expect(await client(unsealed, SYS_A).getReceipts(sent.docId)).toEqual([]);
  });

  it('CLI receipt verify: exit 0 for a valid receipt of the package, 1 with the code otherwise', async () => {
    const file = path.join(dir, 'receipt.jws');
    const pkg = path.join(dir, 'package.edxml');
    const other = path.join(dir, 'other.edxml');
    writeFileSync(file, `${receipt}\n`);
    writeFileSync(pkg, body);
    writeFileSync(other, Buffer.concat([body, Buffer.from(' ')]));

    const ok = await cli(['receipt', 'verify', file, '--trust', seal.caFile, '--package', pkg]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout.slice(0, ok.stdout.lastIndexOf('}') + 1))).toMatchObject({ docId });
    expect(ok.stdout).toMatch(/valid: signature valid .*seal chain trusted; package SHA-256 matches/);

    const [h, p, s] = receipt.split('.');
    const tampered = `${h}.${p.slice(0, 10)}${p[10] === 'A' ? 'B' : 'A'}${p.slice(11)}.${s}`;
    const bad = await cli(['receipt', 'verify', tampered]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error SIG_INVALID: /m);

    const mismatch = await cli(['receipt', 'verify', file, '--package', other]);
    expect(mismatch.code).toBe(1);
    expect(mismatch.stderr).toMatch(/^error HASH_MISMATCH: /m);

    const foreign = ensureDevSeal(path.join(dir, 'other-seal'), AXIS);
    const untrusted = await cli(['receipt', 'verify', file, '--trust', foreign.caFile]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/^error CERT_UNTRUSTED: /m);
  });
});
