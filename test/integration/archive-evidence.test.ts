// Retrieval and evidence for archivists through the gateway, on real NATS and Postgres: a signed package whose
// attachments are a PDF signed twice by our tooling (zip-wrapped, as the common producer sends files), a PDF
// whose signed bytes were changed, and a stored-zip text file; archived by ArchiveService as the archive process
// does, with a delivery and status timeline. The archivist reads metadata, timeline, original bytes, decoded
// attachments and the evidence report; every call is audited; other roles are refused.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ArchiveService,
  type ArchivedDocumentView,
  type AttachmentInfo,
  type EvidenceReport,
} from '#archive';
import type { DeliveryEvent } from '#contracts';
import { Attachment, buildEdxml, ManifestReference, parseEdxml, type EdxmlDocument } from '#edxml';
import { minimalPdf, signPdf } from '#pdfsig';
import { createRootCa, issueAgencyCert, issueIntermediate, type IssuedCert } from '#pki';
import { DocaxisClient, type SdkAnswer } from '#sdk-client';
import { signEnveloped } from '#xmldsig';
import { ArchiveAppModule } from '../../apps/archive/src/archive.module.js';
import { startAuthHub, type AuthHub } from '../support/auth-hub.js';
import { docaxis } from '../support/cli.js';
import { documentBytes, nextDocumentId } from '../support/packages.js';

const run = randomBytes(3).toString('hex');
const SYS_A = `ev-a-${run}`;
const SYS_B = `ev-b-${run}`;
const ARCHIVIST = `ev-archive-${run}`;
const SECRET = `secret-${randomBytes(12).toString('hex')}`;
const A1 = '000.00.00.K19';
const B1 = '000.00.50.H19';
const DAY = 86_400_000;
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

describe('archive retrieval and evidence (archivist)', () => {
  let hub: AuthHub;
  let ctx: INestApplicationContext;
  let archive: ArchiveService;
  let dir: string;
  let archivist: DocaxisClient;
  let sender: DocaxisClient;
  let docId: string;
  let base: string;
  let pkgBytes: Buffer;
  let signedTwice: Buffer;
  let tamperedPdf: Buffer;
  const note = Buffer.from('Ghi chú: văn bản gửi kèm\n', 'utf8');

  const zip = (name: string, bytes: Buffer, args: string[] = []): Buffer => {
    const work = mkdtempSync(path.join(dir, 'zip-'));
    writeFileSync(path.join(work, name), bytes);
    execFileSync('zip', ['-q', '-X', ...args, 'out.zip', name], { cwd: work });
    return readFileSync(path.join(work, 'out.zip'));
  };

  /** GET as `client`, answered raw (status, headers, bytes). */
  const get = async (client: DocaxisClient, p: string) => {
    const res = await client.fetchRaw(p, { method: 'GET', accept: '*/*' });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  };
  const getJson = async <T>(client: DocaxisClient, p: string) => {
    const { answer, httpStatus } = await client.call<T>(p, { method: 'GET' });
    return { httpStatus, answer: answer as SdkAnswer<T> & { data: T; ErrorCode: string } };
  };
  const docPath = (id: string, rest = '') => `/archive/documents/${id}${rest}`;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'docaxis-evidence-'));
    const longAgo = new Date(Date.now() - 30 * DAY);
    const root = createRootCa({ commonName: 'Evidence Test Root', notBefore: longAgo });
    const inter = issueIntermediate(root, { commonName: 'Evidence Agencies CA', notBefore: longAgo });
    const agency = (name: string): IssuedCert =>
      issueAgencyCert(inter, { organId: A1, organName: name, notBefore: longAgo });
    const packageSigner = agency('Văn thư UBND');
    const person = agency('Nguyễn Văn A');
    const seal = agency('UBND tỉnh (con dấu)');
    mkdirSync(path.join(dir, 'trust'));
    writeFileSync(path.join(dir, 'trust', 'root.pem'), root.certPem);
    writeFileSync(path.join(dir, 'trust', 'agencies-ca.pem'), inter.certPem);

    // Decree 30: the signer's signature, then the agency's.
    const pdf = minimalPdf('Quyet dinh so 123/QD-UBND');
    const signOpts = (c: IssuedCert, reason: string) => ({
      keyPem: c.keyPem,
      certPem: c.certPem,
      chainPems: [inter.certPem],
      reason,
    });
    signedTwice = signPdf(signPdf(pdf, signOpts(person, 'Người ký')), signOpts(seal, 'Cơ quan ban hành'));
    tamperedPdf = signPdf(minimalPdf('To trinh so 45/TTr'), signOpts(person, 'Người ký'));
    tamperedPdf[tamperedPdf.indexOf('45/TTr', 0, 'latin1')] = '9'.charCodeAt(0);

    const doc = parseEdxml(documentBytes(A1, [B1], nextDocumentId(A1))) as EdxmlDocument;
    const files: [string, string, Buffer][] = [
      ['quyết-định-123.pdf', 'application/zip', zip('x.pdf', signedTwice)],
      ['tờ-trình-45.pdf', 'application/pdf', tamperedPdf],
      ['ghi-chú.txt', 'application/zip', zip('note.txt', note, ['-0'])],
    ];
    doc.attachments = files.map(([name, type, bytes], i) =>
      Object.assign(new Attachment(), {
        ContentId: `cid:${i + 1}`,
        AttachmentName: name,
        Description: name,
        ContentType: type,
        ContentTransferEncoded: bytes.toString('base64'),
      }),
    );
    doc.references = files.map(([name, type], i) =>
      Object.assign(new ManifestReference(), {
        ContentId: `cid:${i + 1}`,
        ContentType: type,
        AttachmentName: name,
      }),
    );
    pkgBytes = signEnveloped(buildEdxml(doc), {
      keyPem: packageSigner.keyPem,
      certPem: packageSigner.certPem,
      chainPem: [inter.certPem],
    });

    hub = await startAuthHub('evidence', {
      systems: [
        { systemId: SYS_A, name: 'Sender', secret: SECRET },
        { systemId: SYS_B, name: 'Recipient', secret: SECRET },
        { systemId: ARCHIVIST, name: 'Archive', secret: SECRET, role: 'archivist' },
      ],
      agencies: [
        { organId: A1, name: 'A', systemId: SYS_A },
        { organId: B1, name: 'B', systemId: SYS_B },
      ],
    });
    base = await hub.gateway(undefined, {
      signatures: {
        policy: 'report',
        trustFiles: [path.join(dir, 'trust')],
        allowSha1: false,
        requireCrl: false,
      },
    });
    sender = new DocaxisClient({ baseUrl: base, systemId: SYS_A, secret: SECRET });
    archivist = new DocaxisClient({ baseUrl: base, systemId: ARCHIVIST, secret: SECRET });
    docId = (await sender.sendEdoc(pkgBytes, { from: A1, messageType: 'edoc', to: [B1] })).docId;

    // The archive process's work, on the same database: the package as accepted, then B1's timeline.
    ctx = await NestFactory.createApplicationContext(ArchiveAppModule.forRoot({ databaseUrl: hub.db.url }), {
      logger: ['error'],
    });
    archive = ctx.get(ArchiveService);
    const [sub] = await hub.ds.query(
      `SELECT accepted_at, trace, document_id FROM submission WHERE doc_id = $1`,
      [docId],
    );
    await archive.archivePackage(
      {
        docId,
        messageType: 'edoc',
        from: A1,
        to: [B1],
        sha256: sha(pkgBytes),
        systemId: SYS_A,
        serviceType: 'eDoc',
        acceptedAt: new Date(sub.accepted_at).toISOString(),
        documentId: sub.document_id,
        trace: sub.trace,
      },
      pkgBytes,
    );
    const t0 = Date.now();
    const event = (n: number, e: Partial<DeliveryEvent>): DeliveryEvent => ({
      eventId: randomUUID(),
      docId,
      recipient: B1,
      messageType: 'edoc',
      event: 'recorded',
      at: new Date(t0 + n * 1000).toISOString(),
      ...e,
    });
    for (const ev of [
      event(0, { event: 'recorded' }),
      event(1, { event: 'done' }),
      event(2, { event: 'status', statusCode: '01' }),
      event(3, { event: 'status', statusCode: '03', reason: 'vào sổ văn bản đến' }),
    ]) {
      await archive.recordEvent(ev);
    }
  }, 120_000);

  afterAll(async () => {
    await ctx?.close();
    await hub?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("shows the document's metadata and the recipient's timeline, every transport and business status in order", async () => {
    const { answer } = await getJson<ArchivedDocumentView>(archivist, docPath(docId));
    expect(answer.status).toBe('OK');
    expect(answer.data).toMatchObject({
      docId,
      senderOrganId: A1,
      sha256: sha(pkgBytes),
      sizeBytes: pkgBytes.length,
    });
    expect(answer.data.trace.length).toBeGreaterThan(0);
    expect(answer.data.timeline).toEqual([
      {
        recipient: B1,
        events: [
          expect.objectContaining({ event: 'recorded' }),
          expect.objectContaining({ event: 'done' }),
          expect.objectContaining({ event: 'status', statusCode: '01' }),
          expect.objectContaining({ event: 'status', statusCode: '03', reason: 'vào sổ văn bản đến' }),
        ],
      },
    ]);
  });

  it('serves the original byte for byte, with its recorded SHA-256', async () => {
    const res = await get(archivist, docPath(docId, '/original'));
    expect(res.status).toBe(200);
    expect(res.body.equals(pkgBytes)).toBe(true);
    expect(res.headers.get('x-dx-sha256')).toBe(sha(pkgBytes));
  });

  it('lists the attachments named from AttachmentName, and serves each decoded (zip-wrapped ones unzipped)', async () => {
    const { answer } = await getJson<AttachmentInfo[]>(archivist, docPath(docId, '/attachments'));
    expect(answer.data.map((a) => [a.index, a.fileName, a.unwrapped, a.contentType, a.sha256])).toEqual([
      [1, 'quyết-định-123.pdf', 'zip', 'application/pdf', sha(signedTwice)],
      [2, 'tờ-trình-45.pdf', 'none', 'application/pdf', sha(tamperedPdf)],
      [3, 'ghi-chú.txt', 'zip', 'text/plain', sha(note)],
    ]);
    for (const [n, bytes] of [
      [1, signedTwice],
      [2, tamperedPdf],
      [3, note],
    ] as const) {
      const res = await get(archivist, docPath(docId, `/attachments/${n}`));
      expect(res.status).toBe(200);
      expect(res.body.equals(bytes)).toBe(true);
      expect(res.headers.get('x-dx-sha256')).toBe(sha(bytes));
    }
    const first = await get(archivist, docPath(docId, '/attachments/1'));
    expect(first.headers.get('content-disposition')).toContain(
      `filename*=UTF-8''${encodeURIComponent('quyết-định-123.pdf')}`,
    );
  });

  it('evidence: package hash and signature (at acceptance and now), both PDF signatures valid, the tampered PDF caught', async () => {
    const { answer } = await getJson<EvidenceReport>(archivist, docPath(docId, '/evidence'));
    expect(answer.status).toBe('OK');
    const r = answer.data;
    expect(r.package.sha256).toEqual({ recorded: sha(pkgBytes), recomputed: sha(pkgBytes), intact: true });
    expect(r.packageSignature.atAcceptance).toMatchObject({ verdict: 'verified', signer: { organId: A1 } });
    expect(r.packageSignature.now).toMatchObject({ verdict: 'verified', signer: { organId: A1 } });

    const [twice, tampered, text] = r.attachments;
    expect(twice.pdf?.valid).toBe(true);
    expect(
      twice.pdf?.signatures.map((s) => [
        s.verdict,
        s.reason,
        s.signer?.organId,
        s.signer?.chain.length,
        s.coversWholeFile,
      ]),
    ).toEqual([
      ['valid', 'Người ký', A1, 3, false],
      ['valid', 'Cơ quan ban hành', A1, 3, true],
    ]);
    expect(twice.pdf?.signatures[0].signer?.subject).toContain('Nguyễn Văn A');
    expect(twice.pdf?.signatures[1].signer?.subject).toContain('UBND tỉnh (con dấu)');
    expect(twice.pdf?.signatures.every((s) => typeof s.signingTime === 'string')).toBe(true);
    expect(tampered.pdf).toMatchObject({
      valid: false,
      signatures: [{ verdict: 'invalid', code: 'PDF_SIG_DIGEST' }],
    });
    expect(text.pdf).toBeUndefined();
    expect(text.sha256).toBe(sha(note));

    expect(r.trace.length).toBeGreaterThan(0);
    expect(r.timeline[0].events.map((e) => e.statusCode ?? e.event)).toEqual([
      'recorded',
      'done',
      '01',
      '03',
    ]);
    // The package's record in the archive's hash chain.
    expect(r.chain).toEqual([
      expect.objectContaining({ kind: 'package', digest: expect.stringMatching(/^[0-9a-f]{64}$/) }),
    ]);
  });

  it('records every view, download and evidence call in the audit log, with the archivist and the DocId', async () => {
    const rows: { action: string; actor_system_id: string; actor_role: string; result: string }[] =
      await hub.ds.query(
        `SELECT action, actor_system_id, actor_role, result FROM audit_log WHERE target = $1 ORDER BY seq`,
        [docId],
      );
    const actions = new Set(rows.map((r) => r.action));
    expect([...actions].sort()).toEqual(['download', 'evidence', 'view']);
    expect(rows.every((r) => r.actor_system_id === ARCHIVIST && r.actor_role === 'archivist')).toBe(true);
  });

  it('refuses agency systems (FORBIDDEN_ROLE), unknown DocIds (DOC_NOT_FOUND) and malformed ones (BAD_REQUEST)', async () => {
    expect((await getJson(sender, docPath(docId, '/evidence'))).answer.ErrorCode).toBe('FORBIDDEN_ROLE');
    expect((await getJson(sender, docPath(docId))).answer.ErrorCode).toBe('FORBIDDEN_ROLE');
    const unknown = await getJson(archivist, docPath(randomUUID(), '/evidence'));
    expect([unknown.httpStatus, unknown.answer.ErrorCode]).toEqual([404, 'DOC_NOT_FOUND']);
    expect((await getJson(archivist, docPath(docId, '/attachments/9'))).answer.ErrorCode).toBe(
      'DOC_NOT_FOUND',
    );
    expect((await getJson(archivist, docPath('not-a-doc-id'))).answer.ErrorCode).toBe('BAD_REQUEST');
  });

  it('the CLI (built) shows, reports and downloads as the archivist: files named from AttachmentName, bytes exact', async () => {
    const env = { DOCAXIS_GATEWAY_URL: base, DOCAXIS_SYSTEM_ID: ARCHIVIST, DOCAXIS_SYSTEM_SECRET: SECRET };
    const json = await docaxis(['archive', 'evidence', docId, '--json'], env);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout) as EvidenceReport;
    expect(report.attachments.map((a) => a.pdf?.valid)).toEqual([true, false, undefined]);

    const text = await docaxis(['archive', 'evidence', docId], env);
    expect(text.stdout).toContain('PDF signatures: valid');
    expect(text.stdout).toContain('INVALID PDF_SIG_DIGEST');
    expect(text.stdout).toContain('package signature now');

    const show = await docaxis(['archive', 'show', docId], env);
    expect(show.stdout).toMatch(/status {2}03 vào sổ văn bản đến/);

    const out = path.join(dir, 'downloaded');
    const got = await docaxis(['archive', 'attachments', docId, '-o', out], env);
    expect(got.code).toBe(0);
    expect(readFileSync(path.join(out, 'quyết-định-123.pdf')).equals(signedTwice)).toBe(true);
    expect(readFileSync(path.join(out, 'tờ-trình-45.pdf')).equals(tamperedPdf)).toBe(true);
    expect(readFileSync(path.join(out, 'ghi-chú.txt')).equals(note)).toBe(true);

    const original = path.join(dir, 'original.edxml');
    expect((await docaxis(['archive', 'original', docId, '-o', original], env)).code).toBe(0);
    expect(readFileSync(original).equals(pkgBytes)).toBe(true);

    const refused = await docaxis(['archive', 'evidence', docId], { ...env, DOCAXIS_SYSTEM_ID: SYS_A });
    expect([refused.code, refused.stderr.trim()]).toEqual([
      1,
      expect.stringMatching(/^error FORBIDDEN_ROLE/),
    ]);
  });

  it('an archived copy changed afterwards: the hash no longer matches and the package signature no longer verifies', async () => {
    // A second copy of the package under another DocId, altered in the database after archiving.
    const otherId = randomUUID();
    await archive.archivePackage(
      {
        docId: otherId,
        messageType: 'edoc',
        from: A1,
        to: [B1],
        sha256: sha(pkgBytes),
        systemId: SYS_A,
        serviceType: 'eDoc',
        acceptedAt: new Date().toISOString(),
        documentId: 'copy',
        trace: [],
      },
      pkgBytes,
    );
    const altered = Buffer.from(pkgBytes);
    const at = altered.indexOf('Subject>') + 'Subject>'.length;
    altered[at] = altered[at] === 0x58 ? 0x59 : 0x58;
    await hub.ds.query(`UPDATE archived_package SET content = $2 WHERE doc_id = $1`, [otherId, altered]);
    const { answer } = await getJson<EvidenceReport>(archivist, docPath(otherId, '/evidence'));
    expect(answer.data.package.sha256).toEqual({
      recorded: sha(pkgBytes),
      recomputed: sha(altered),
      intact: false,
    });
    expect(answer.data.packageSignature.atAcceptance).toBeNull(); // not accepted through this gateway
    expect(answer.data.packageSignature.now).toMatchObject({
      verdict: 'invalid',
      code: 'SIG_DIGEST_MISMATCH',
    });
  });

  it('a package whose bytes were removed under retention: record, trace and timeline remain; bytes are PAYLOAD_REMOVED', async () => {
    const goneId = randomUUID();
    await archive.archivePackage(
      {
        docId: goneId,
        messageType: 'edoc',
        from: A1,
        to: [B1],
        sha256: sha(pkgBytes),
        systemId: SYS_A,
        serviceType: 'eDoc',
        acceptedAt: new Date().toISOString(),
        documentId: 'removed',
        trace: [{ OrganId: A1, Timestamp: '2026/11/23 09:00:00' }],
      },
      pkgBytes,
    );
    // What the retention run does to the row (its tombstone in the chain is the retention tests' concern).
    await hub.ds.query(
      `UPDATE archived_package SET content = NULL, removed_at = now(), removal_reason = 'kept 10 years' WHERE doc_id = $1`,
      [goneId],
    );
    const view = await getJson<ArchivedDocumentView>(archivist, docPath(goneId));
    expect(view.answer.data.removed).toMatchObject({ reason: 'kept 10 years' });
    for (const rest of ['/original', '/attachments', '/attachments/1']) {
      const res = await getJson(archivist, docPath(goneId, rest));
      expect([rest, res.httpStatus, res.answer.ErrorCode]).toEqual([rest, 410, 'PAYLOAD_REMOVED']);
    }
    const { answer } = await getJson<EvidenceReport>(archivist, docPath(goneId, '/evidence'));
    expect(answer.data.package).toMatchObject({
      storage: 'removed',
      sha256: { recorded: sha(pkgBytes), recomputed: null, intact: null },
      removed: { reason: 'kept 10 years' },
    });
    expect(answer.data.packageSignature.now).toMatchObject({ verdict: 'removed', code: 'PAYLOAD_REMOVED' });
    expect(answer.data.trace).toEqual([{ OrganId: A1, Timestamp: '2026/11/23 09:00:00' }]);
  });
});
