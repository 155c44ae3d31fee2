// Retention and legal hold on real Postgres: packages archived through the archive's write path, retention
// applied "as of" a later date; bytes go, metadata, SHA-256 and a chained tombstone stay; holds are honoured.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ArchiveRepository, BlobStore, RetentionService, verifyArchive } from '#archive';
import { createDataSource, runMigrations } from '#store';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { docaxis } from '../support/cli.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('retention and legal hold', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let repo: ArchiveRepository;
  let retention: RetentionService;

  async function archive(
    typeName: string,
    acceptedAt: string,
    stored: { content?: Buffer; blobSha256?: string } = {},
  ): Promise<string> {
    const content = stored.content ?? Buffer.from(`<edXMLEnvelope>${randomUUID()}</edXMLEnvelope>`);
    const docId = randomUUID();
    await repo.insertPackage({
      docId,
      messageType: 'edoc',
      senderOrganId: '000.00.00.K19',
      sha256: sha256(content),
      content,
      acceptedAt: new Date(acceptedAt),
      trace: [],
      documentId: `doc-${docId}`,
      codeNumber: null,
      codeNotation: null,
      subject: null,
      promulgationDate: null,
      typeName,
      priority: null,
      businessDocType: null,
      statusCode: null,
      metadata: {},
      blobSha256: stored.blobSha256 ?? null,
    });
    return docId;
  }
  const row = async (docId: string) =>
    (
      await ds.query(
        `SELECT content IS NOT NULL AS has_bytes, sha256, removed_at IS NOT NULL AS removed, removal_reason
           FROM archived_package WHERE doc_id = $1`,
        [docId],
      )
    )[0] as { has_bytes: boolean; sha256: string; removed: boolean; removal_reason: string | null };
  const tombstones = async (docId: string): Promise<number> =>
    (
      await ds.query(`SELECT count(*)::int AS n FROM archive_chain WHERE kind = 'tombstone' AND ref = $1`, [
        docId,
      ])
    )[0].n;

  beforeAll(async () => {
    db = await createTestDatabase('retention');
    await runMigrations(db.url);
    ds = createDataSource(db.url, 4);
    await ds.initialize();
    repo = new ArchiveRepository(ds);
    retention = new RetentionService(ds, 0);
    await retention.setPolicy('Giấy mời', 1);
    await retention.setPolicy('Công văn', 10);
    await retention.setPolicy('Quyết định', null);
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('removes the bytes past the period, keeps those within it, under hold or permanent; verify still passes', async () => {
    const expired = await archive('Giấy mời', '2024-01-10T00:00:00Z');
    const held = await archive('Giấy mời', '2024-01-11T00:00:00Z');
    const within = await archive('Công văn', '2024-01-12T00:00:00Z');
    const permanent = await archive('Quyết định', '2000-01-01T00:00:00Z');
    const untyped = await archive('Tờ trình', '2000-01-01T00:00:00Z'); // default 0: kept forever
    const before = await row(expired);
    await retention.hold(held, 'court case 12/2026', 'operator:test');

    const now = new Date('2026-06-01T00:00:00Z');
    const dry = await retention.apply({ now, dryRun: true });
    expect(dry.removed.map((c) => c.docId)).toEqual([expired]);
    expect((await row(expired)).has_bytes).toBe(true); // a dry run changes nothing

    const run = await retention.apply({ now });
    expect(run.removed.map((c) => c.docId)).toEqual([expired]);
    expect(run.held.map((c) => c.docId)).toEqual([held]);
    expect(await row(expired)).toMatchObject({ has_bytes: false, sha256: before.sha256, removed: true });
    expect((await row(expired)).removal_reason).toMatch(
      /^retention: Giấy mời kept 1 year\(s\) from 2024-01-10/,
    );
    expect(await tombstones(expired)).toBe(1);
    for (const kept of [held, within, permanent, untyped]) {
      expect(await row(kept)).toMatchObject({ has_bytes: true, removed: false });
      expect(await tombstones(kept)).toBe(0);
    }
    // Applying again removes nothing more; the missing bytes are accounted for by the tombstone.
    expect((await retention.apply({ now })).removed).toEqual([]);
    expect((await verifyArchive(ds, { blobs: new BlobStore(ds) })).problems).toEqual([]);

    // Once the hold is released, the package goes at the next run.
    expect((await retention.release(held, 'operator:test')).releasedBy).toBe('operator:test');
    expect((await retention.apply({ now })).removed.map((c) => c.docId)).toEqual([held]);
    expect(await tombstones(held)).toBe(1);
    expect((await verifyArchive(ds)).problems).toEqual([]);
  });

  it('removes a payload kept in the blob store and releases the blob no other package shares', async () => {
    const content = Buffer.from(`<edXMLEnvelope>${'b'.repeat(4000)}</edXMLEnvelope>`);
    const sha = sha256(content);
    await new BlobStore(ds, { chunkBytes: 1024 }).put(sha, content);
    const docId = await archive('Giấy mời', '2021-01-01T00:00:00Z', { content, blobSha256: sha });
    expect(
      (await retention.apply({ now: new Date('2026-06-01T00:00:00Z') })).removed.map((c) => c.docId),
    ).toEqual([docId]);
    const [p] = await ds.query(
      `SELECT content, blob_sha256, sha256 FROM archived_package WHERE doc_id = $1`,
      [docId],
    );
    expect(p).toEqual({ content: null, blob_sha256: null, sha256: sha });
    expect(await ds.query(`SELECT sha256 FROM archive_blob WHERE sha256 = $1`, [sha])).toEqual([]);
    expect(await tombstones(docId)).toBe(1);
    expect((await verifyArchive(ds, { blobs: new BlobStore(ds) })).problems).toEqual([]);
  });

  it('refuses a hold on an unknown package and one without a reason; a second hold is the same hold', async () => {
    await expect(retention.hold(randomUUID(), 'x', 'op')).rejects.toMatchObject({ code: 'DOC_NOT_FOUND' });
    const a = await archive('Công văn', '2026-01-01T00:00:00Z');
    await expect(retention.hold(a, ' ', 'op')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const first = await retention.hold(a, 'audit', 'op');
    const again = await retention.hold(a, 'audit again', 'op2');
    expect(again).toEqual(first);
    await expect(retention.release(randomUUID(), 'op')).rejects.toMatchObject({ code: 'DOC_NOT_FOUND' });
  });

  it('works from the CLI: hold, retention set/list/apply --dry-run/--now', async () => {
    const env = {
      DATABASE_URL: db.url,
      DOCAXIS_STATE_DIR: '/nonexistent-docaxis-state',
      DOCAXIS_OPERATOR: 'op:cli',
    };
    const old = await archive('Báo cáo', '2020-03-01T00:00:00Z');
    const keep = await archive('Báo cáo', '2020-03-02T00:00:00Z');
    expect((await docaxis(['archive', 'retention', 'set', 'Báo cáo', '2'], env)).stdout).toBe(
      'Báo cáo: 2 year(s)\n',
    );
    expect((await docaxis(['archive', 'retention', 'list'], env)).stdout).toContain('Báo cáo\t2\n');
    const hold = await docaxis(['archive', 'hold', keep, '--reason', 'inspection'], env);
    expect(hold.stdout).toMatch(
      new RegExp(`^${keep}: under legal hold since .* \\(inspection, by op:cli\\)`),
    );
    const dry = await docaxis(
      ['archive', 'retention', 'apply', '--dry-run', '--now', '2026-01-01T00:00:00Z'],
      env,
    );
    expect(dry.stdout).toContain(`would remove ${old} (Báo cáo, 2 y)`);
    expect(dry.stdout).toContain(`held ${keep} (Báo cáo): under legal hold, kept`);
    expect((await row(old)).has_bytes).toBe(true);
    const done = await docaxis(['archive', 'retention', 'apply', '--now', '2026-01-01T00:00:00Z'], env);
    expect(done.code).toBe(0);
    expect(done.stdout).toContain(`removed ${old} (Báo cáo, 2 y)`);
    expect(await row(old)).toMatchObject({ has_bytes: false, removed: true });
    expect(await row(keep)).toMatchObject({ has_bytes: true, removed: false });
    const noReason = await docaxis(['archive', 'hold', old], env);
    expect([noReason.code, noReason.stderr]).toEqual([
      1,
      expect.stringMatching(/^error BAD_REQUEST: give --reason/),
    ]);
  });

  // Last: it leaves the archive tampered with.
  it('finds bytes removed without a tombstone, and a tombstone whose reason was rewritten', async () => {
    const a = await archive('Công văn', '2026-01-01T00:00:00Z');
    const b = await archive('Giấy mời', '2020-01-01T00:00:00Z');
    await retention.apply({ now: new Date('2026-06-01T00:00:00Z') });
    await ds.query(`UPDATE archived_package SET content = NULL WHERE doc_id = $1`, [a]);
    await ds.query(`UPDATE archived_package SET removal_reason = 'never existed' WHERE doc_id = $1`, [b]);
    const seq = async (ref: string, kind: string) =>
      Number(
        (await ds.query(`SELECT seq FROM archive_chain WHERE ref = $1 AND kind = $2`, [ref, kind]))[0].seq,
      );
    const found = (await verifyArchive(ds)).problems;
    expect(found).toContain(
      `deleted: package ${a} (seq ${await seq(a, 'package')}) has no bytes and no tombstone`,
    );
    expect(found).toContain(`altered: tombstone of package ${b} (seq ${await seq(b, 'tombstone')})`);
  });
});
