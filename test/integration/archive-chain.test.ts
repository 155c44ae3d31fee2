// The archive hash chain on real Postgres: packages and events are archived through the archive's own write
// path, checkpoints are signed with a development seal, and each kind of tampering is done with SQL as a DBA
// would (append-only triggers disabled) and must be found and named by verifyArchive / `docaxis archive verify`.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import {
  appendChainRecord,
  ArchiveRepository,
  type ArchiveRow,
  BlobStore,
  buildExport,
  CheckpointService,
  linkDigest,
  recordDigest,
  verifyArchive,
  verifyExport,
  packageRecordOf,
} from '#archive';
import { TrustStore } from '#pki';
import type { DeliveryEvent } from '#contracts';
import { ensureDevSeal, loadSeal, type Seal } from '#trust';
import { createDataSource, runMigrations } from '#store';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { docaxis } from '../support/cli.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const AXIS = '000.00.00.H41';

describe('archive hash chain, checkpoints and verify', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let repo: ArchiveRepository;
  let seal: Seal;
  let sealDir: string;
  let caFile: string;
  let checkpoints: CheckpointService;

  async function archive(): Promise<string> {
    const row = packageRow();
    await repo.insertPackage(row);
    return row.docId;
  }
  function packageRow(
    content = Buffer.from(`<edXMLEnvelope>${randomUUID()}</edXMLEnvelope>`),
    docId: string = randomUUID(),
  ): ArchiveRow {
    return {
      docId,
      messageType: 'edoc',
      senderOrganId: '000.00.00.K19',
      sha256: sha256(content),
      content,
      acceptedAt: new Date(),
      trace: [{ OrganId: AXIS, Timestamp: '2026/11/23 09:00:00' }],
      documentId: `000.00.00.K19,2026/11/23,${docId.slice(0, 6)}/VP`,
      codeNumber: null,
      codeNotation: null,
      subject: 'Về việc kiểm tra chuỗi',
      promulgationDate: null,
      typeName: 'Công văn',
      priority: null,
      businessDocType: null,
      statusCode: null,
      metadata: {},
    };
  }
  const event = (docId: string) =>
    repo.insertEvent({
      eventId: randomUUID(),
      docId,
      recipient: '000.00.50.H19',
      messageType: 'edoc',
      event: 'done',
      at: new Date().toISOString(),
    });
  const seqOf = async (ref: string): Promise<number> =>
    Number((await ds.query(`SELECT seq FROM archive_chain WHERE ref = $1`, [ref]))[0].seq);
  /** As a DBA would: the append-only triggers are off for the statement. */
  async function dba(sql: string, params: unknown[] = []): Promise<void> {
    await ds.transaction(async (m) => {
      await m.query(`SET LOCAL session_replication_role = replica`);
      await m.query(sql, params);
    });
  }
  const problems = async () => (await verifyArchive(ds, { blobs: new BlobStore(ds) })).problems;

  beforeAll(async () => {
    db = await createTestDatabase('archive_chain');
    await runMigrations(db.url);
    ds = createDataSource(db.url, 4);
    await ds.initialize();
    repo = new ArchiveRepository(ds);
    sealDir = mkdtempSync(join(tmpdir(), 'dx-chain-seal-'));
    const files = ensureDevSeal(sealDir, AXIS);
    caFile = files.caFile;
    seal = loadSeal({ sealKey: files.keyFile, sealCert: files.certFile })!;
    checkpoints = new CheckpointService(ds, { seal, axisOrganId: AXIS, every: 1000, seconds: 3600 });
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
    rmSync(sealDir, { recursive: true, force: true });
  });

  // Every case starts from an intact archive.
  beforeEach(async () => {
    await dba(`TRUNCATE archive_chain, archive_checkpoint, audit_log, delivery_history, archived_package`);
  });

  it('writes a batch in one transaction: each package and event once, chained in order, verify finds nothing', async () => {
    const earlier = packageRow();
    await repo.insertPackage(earlier);
    const [a, b] = [packageRow(), packageRow()];
    const ev: DeliveryEvent = {
      eventId: randomUUID(),
      docId: a.docId,
      recipient: '000.00.50.H19',
      messageType: 'edoc',
      event: 'recorded',
      at: new Date().toISOString(),
    };
    const otherBytes = packageRow(Buffer.from('<edXMLEnvelope>other</edXMLEnvelope>'), a.docId);
    const out = await repo.writeBatch([
      { kind: 'package', row: a },
      { kind: 'event', ev },
      { kind: 'package', row: b },
      { kind: 'package', row: a }, // a redelivery while the first copy is in the same batch
      { kind: 'event', ev },
      { kind: 'package', row: earlier }, // archived by an earlier transaction
      { kind: 'package', row: otherBytes }, // same DocId, other bytes: reported, never stored
    ]);
    expect(out).toEqual([
      { inserted: true, storedSha256: a.sha256 },
      { inserted: true },
      { inserted: true, storedSha256: b.sha256 },
      { inserted: false, storedSha256: a.sha256 },
      { inserted: false },
      { inserted: false, storedSha256: earlier.sha256 },
      { inserted: false, storedSha256: a.sha256 },
    ]);
    const chain: { kind: string; ref: string }[] = await ds.query(
      `SELECT kind, ref FROM archive_chain ORDER BY seq`,
    );
    expect(chain).toEqual([
      { kind: 'package', ref: earlier.docId },
      { kind: 'package', ref: a.docId },
      { kind: 'event', ref: ev.eventId },
      { kind: 'package', ref: b.docId },
    ]);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM archived_package`);
    expect(n).toBe(3);
    expect(await problems()).toEqual([]);
  });

  it('chains each archived package and event to the one before, and a redelivery adds nothing', async () => {
    const a = await archive();
    await event(a);
    const b = await archive();
    const rows: {
      seq: string;
      kind: string;
      ref: string;
      record_digest: string;
      prev_digest: string;
      digest: string;
    }[] = await ds.query(`SELECT * FROM archive_chain ORDER BY seq`);
    expect(rows.map((r) => [r.kind, r.ref === a || r.ref === b])).toEqual([
      ['package', true],
      ['event', false],
      ['package', true],
    ]);
    expect(rows[0].prev_digest).toBe('0'.repeat(64));
    for (let i = 0; i < rows.length; i++) {
      expect(rows[i].digest).toBe(linkDigest(rows[i].prev_digest, rows[i].record_digest));
      if (i) expect(rows[i].prev_digest).toBe(rows[i - 1].digest);
    }
    const [p] = await ds.query(`SELECT * FROM archived_package WHERE doc_id = $1`, [a]);
    expect(rows[0].record_digest).toBe(
      recordDigest(
        packageRecordOf({
          docId: p.doc_id,
          messageType: p.message_type,
          senderOrganId: p.sender_organ_id,
          documentId: p.document_id,
          sha256: p.sha256,
          sizeBytes: Number(p.size_bytes),
          acceptedAt: p.accepted_at,
          trace: p.trace,
        }),
      ),
    );
    // The same DocId again (JetStream redelivery): no second chain record.
    const content = p.content as Buffer;
    await repo.insertPackage({ ...(await rowOf(a)), content });
    expect(await ds.query(`SELECT count(*)::int AS n FROM archive_chain`)).toEqual([{ n: 3 }]);
    expect(await problems()).toEqual([]);
  });

  async function rowTemplate(docId: string, content: Buffer) {
    return {
      ...(await rowOf(docId)),
      docId,
      sha256: sha256(content),
      content,
      acceptedAt: new Date(),
      trace: [],
    };
  }

  async function rowOf(docId: string) {
    const [p = {}] = await ds.query(`SELECT * FROM archived_package WHERE doc_id = $1`, [docId]);
    return {
      docId,
      messageType: p.message_type ?? 'edoc',
      senderOrganId: p.sender_organ_id ?? '000.00.00.K19',
      sha256: p.sha256,
      content: p.content as Buffer,
      acceptedAt: p.accepted_at,
      trace: p.trace,
      documentId: p.document_id ?? 'doc',
      codeNumber: null,
      codeNotation: null,
      subject: null,
      promulgationDate: null,
      typeName: null,
      priority: null,
      businessDocType: null,
      statusCode: null,
      metadata: {},
    };
  }

  it('refuses UPDATE and DELETE on the chain, the checkpoints and the audit log', async () => {
    await archive();
    await checkpoints.checkpointIfDue(true);
    for (const t of ['archive_chain', 'archive_checkpoint']) {
      await expect(ds.query(`UPDATE ${t} SET digest = digest`)).rejects.toThrow(/append-only/);
      await expect(ds.query(`DELETE FROM ${t}`)).rejects.toThrow(/append-only/);
    }
    await expect(ds.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });

  it('signs checkpoints with the seal every N records, verifiable against the seal root', async () => {
    const every3 = new CheckpointService(ds, { seal, axisOrganId: AXIS, every: 3, seconds: 3600 });
    await archive();
    await archive();
    expect(await every3.checkpointIfDue()).toBeNull(); // 2 < 3 and the period has not passed
    const third = await archive();
    expect(await every3.checkpointIfDue()).toBe(await seqOf(third));
    const report = await verifyArchive(ds, { trust: TrustStore.fromFiles([caFile]) });
    expect(report).toMatchObject({
      problems: [],
      records: 3,
      checkpoints: 1,
      lastCheckpoint: await seqOf(third),
    });
  });

  it('names a package whose metadata was altered, and one whose bytes were altered', async () => {
    const a = await archive();
    const b = await archive();
    await dba(`UPDATE archived_package SET sender_organ_id = '000.00.99.Z99' WHERE doc_id = $1`, [a]);
    await dba(`UPDATE archived_package SET content = content || 'x'::bytea WHERE doc_id = $1`, [b]);
    expect(await problems()).toEqual([
      `altered: package ${a} (seq ${await seqOf(a)})`,
      `altered: package ${b} (seq ${await seqOf(b)}): the stored bytes do not hash to its sha256`,
    ]);
  });

  it('names an altered event and an altered chain row', async () => {
    const a = await archive();
    await event(a);
    const c = await archive();
    await dba(`UPDATE delivery_history SET event = 'failed'`);
    const [{ event_id: eventId }] = await ds.query(`SELECT event_id FROM delivery_history`);
    await dba(`UPDATE archive_chain SET record_digest = $2 WHERE ref = $1`, [c, 'f'.repeat(64)]);
    const found = await problems();
    expect(found).toContain(`altered: event ${eventId} (seq ${await seqOf(eventId)})`);
    expect(found).toContain(`altered: package ${c} (seq ${await seqOf(c)})`);
    expect(found).toContain(
      `altered: seq ${await seqOf(c)} (its digest is not SHA-256(prev_digest || record_digest))`,
    );
  });

  it('names deleted chain records, and an archived row that was deleted', async () => {
    const ids = [await archive(), await archive(), await archive(), await archive()];
    const seqs = await Promise.all(ids.map(seqOf));
    await dba(`DELETE FROM archive_chain WHERE seq IN ($1, $2)`, [seqs[1], seqs[2]]);
    await dba(`DELETE FROM archived_package WHERE doc_id = $1`, [ids[3]]);
    const found = await problems();
    expect(found).toContain(`deleted: seq ${seqs[1]}..${seqs[2]}`);
    expect(found).toContain(`deleted: package ${ids[3]} (seq ${seqs[3]}) has no archived row`);
    expect(found).toContain(`inserted: package ${ids[1]} has no chain record`);
  });

  it('names a record inserted into the chain with consistent digests, and a row added behind its back', async () => {
    const first = await archive();
    // A transaction that rolled back after taking a chain seq leaves a gap, which alone is no problem...
    await expect(
      ds.transaction(async (m) => {
        await appendChainRecord(m, {
          kind: 'tombstone',
          docId: first,
          sha256: '',
          reason: 'rolled back',
          at: '',
        });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    await archive();
    expect(await problems()).toEqual([]);
    // ...but a forged record put into it, even one that links correctly to the record before, is found.
    const firstSeq = await seqOf(first);
    const [{ digest }] = await ds.query(`SELECT digest FROM archive_chain WHERE seq = $1`, [firstSeq]);
    const forged = randomUUID();
    const rd = recordDigest({ kind: 'package', docId: forged });
    await dba(
      `INSERT INTO archive_chain (seq, kind, ref, record_digest, prev_digest, digest)
       OVERRIDING SYSTEM VALUE VALUES ($1, 'package', $2, $3, $4, $5)`,
      [firstSeq + 1, forged, rd, digest, linkDigest(digest, rd)],
    );
    const stray = randomUUID();
    await dba(
      `INSERT INTO archived_package (doc_id, message_type, sender_organ_id, sha256, size_bytes, content, document_id,
         metadata, accepted_at) VALUES ($1, 'edoc', 'x', $2, 1, 'x'::bytea, 'd', '{}', now())`,
      [stray, sha256(Buffer.from('x'))],
    );
    const found = await problems();
    expect(found).toContain(`inserted: seq ${firstSeq + 1}`);
    expect(found).toContain(`inserted: package ${stray} has no chain record`);
  });

  it('names a checkpoint whose signature or digest was forged', async () => {
    await archive();
    const seq = (await checkpoints.checkpointIfDue(true))!;
    await archive();
    const seq2 = (await checkpoints.checkpointIfDue(true))!;
    const [{ jws }] = await ds.query(`SELECT jws FROM archive_checkpoint WHERE seq = $1`, [seq]);
    const [h, p, s] = (jws as string).split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString());
    const forgedPayload = Buffer.from(JSON.stringify({ ...payload, digest: 'a'.repeat(64) })).toString(
      'base64url',
    );
    await dba(`UPDATE archive_checkpoint SET jws = $2, digest = $3 WHERE seq = $1`, [
      seq,
      `${h}.${forgedPayload}.${s}`,
      'a'.repeat(64),
    ]);
    await dba(`UPDATE archive_checkpoint SET digest = $2 WHERE seq = $1`, [seq2, 'b'.repeat(64)]);
    const found = await problems();
    expect(found).toEqual([
      expect.stringMatching(new RegExp(`^checkpoint ${seq} signature invalid \\(SIG_INVALID: `)),
      `checkpoint ${seq2} altered: its row does not say what its signature says`,
    ]);
  });

  it('checks the bytes of a package kept in the blob store, and exports them', async () => {
    const content = Buffer.from(`<edXMLEnvelope>${'x'.repeat(5000)}</edXMLEnvelope>`);
    const sha = sha256(content);
    await new BlobStore(ds, { chunkBytes: 1024 }).put(sha, content);
    const docId = randomUUID();
    await repo.insertPackage({ ...(await rowTemplate(docId, content)), blobSha256: sha });
    await checkpoints.checkpointIfDue(true);
    expect(await problems()).toEqual([]);
    const bundle = await buildExport(ds, docId, new BlobStore(ds));
    expect(Buffer.from(bundle.original!, 'base64').equals(content)).toBe(true);
    expect(verifyExport(JSON.stringify(bundle)).problems).toEqual([]);
    await dba(
      `UPDATE archive_blob_chunk SET data = 'y'::bytea || substring(data from 2) WHERE sha256 = $1 AND seq = 2`,
      [sha],
    );
    expect(await problems()).toEqual([
      `altered: package ${docId} (seq ${await seqOf(docId)}): the stored bytes do not hash to its sha256`,
    ]);
  });

  it('adopts rows archived before the chain existed, never one added after it', async () => {
    const legacy = randomUUID();
    const insertRaw = (docId: string) =>
      ds.query(
        `INSERT INTO archived_package (doc_id, message_type, sender_organ_id, sha256, size_bytes, content,
           document_id, metadata, accepted_at) VALUES ($1, 'edoc', 'x', $2, 1, 'x'::bytea, 'd', '{}', now())`,
        [docId, sha256(Buffer.from('x'))],
      );
    await insertRaw(legacy); // as the archive wrote rows before this version
    await archive();
    const stray = randomUUID();
    await insertRaw(stray); // behind the chain's back, after it began
    const cli = await docaxis(['archive', 'adopt-legacy'], {
      DATABASE_URL: db.url,
      DOCAXIS_STATE_DIR: sealDir,
    });
    expect(cli.stdout).toBe('chained 1 package(s) and 0 event(s) archived before the chain\n');
    expect(await problems()).toEqual([`inserted: package ${stray} has no chain record`]);
  });

  it('`docaxis archive verify` prints each problem and exits 1; 0 when intact', async () => {
    const a = await archive();
    await checkpoints.checkpointIfDue(true);
    const env = { DATABASE_URL: db.url, DOCAXIS_STATE_DIR: sealDir };
    const ok = await docaxis(['archive', 'verify', '--trust', caFile], env);
    expect(ok.stdout).toMatch(
      /^OK: 1 chain records, 1 checkpoints \(last at seq \d+\), 0 audit rows, 0 problem/m,
    );
    expect(ok.code).toBe(0);
    await dba(`UPDATE archived_package SET document_id = 'forged' WHERE doc_id = $1`, [a]);
    const bad = await docaxis(['archive', 'verify'], env);
    expect(bad.stdout).toContain(`altered: package ${a} (seq ${await seqOf(a)})`);
    expect(bad.stdout).toMatch(/^FAILED: .* 1 problem\(s\)$/m);
    expect(bad.code).toBe(1);
  });
});
