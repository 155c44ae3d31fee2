// Large packages kept apart from their archive rows: content-addressed 1 MiB chunks in Postgres, deduplicated,
// streamed out through getEdoc, crash-safe to write. The archive's own service (what its bus consumer calls) and
// a real gateway on real NATS and Postgres, with the default threshold (1 MiB) and chunk size (1 MiB).
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AcceptedPackageMeta } from '#bus';
import { DxError } from '#contracts';
import { buildEdxml, parseEdxml, type EdxmlDocument } from '#edxml';
import { DocaxisClient } from '#sdk-client';
import { ArchiveService, BlobStore, MIB } from '#archive';
import { ArchiveAppModule } from '../../apps/archive/src/archive.module.js';
import { startAuthHub, type AuthHub } from '../support/auth-hub.js';
import { failure } from '../support/failure.js';
import { documentBytes, nextDocumentId } from '../support/packages.js';

const SYS = 'blobs-system';
const SECRET = 'blobs-secret-0123456789abcdef';
const OTHER = 'blobs-other';
const OTHER_SECRET = 'blobs-other-secret-0123456789';
const A1 = '000.00.71.H41';
const B1 = '000.00.72.H41';

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The SDK's sample document from A1 to B1 with one attachment of `attachmentBytes` random bytes. */
function largeDocument(attachmentBytes: number): Buffer {
  const doc = parseEdxml(documentBytes(A1, [B1], nextDocumentId(A1))) as EdxmlDocument;
  doc.attachments[0].ContentTransferEncoded = randomBytes(attachmentBytes).toString('base64');
  return buildEdxml(doc);
}

describe('large packages stored apart, content-addressed and streamed', () => {
  let hub: AuthHub;
  let archiveApp: INestApplicationContext;
  let archive: ArchiveService;
  let blobs: BlobStore;
  let client: DocaxisClient;
  let other: DocaxisClient;

  const metaFor = (bytes: Buffer): AcceptedPackageMeta => ({
    docId: randomUUID(),
    messageType: 'edoc',
    from: A1,
    to: [B1],
    sha256: sha256(bytes),
    systemId: SYS,
    serviceType: 'eDoc',
    acceptedAt: new Date().toISOString(),
    documentId: 'blobs',
    trace: [{ OrganId: '000.00.00.H41', Timestamp: '2026/11/23 09:00:00' }],
  });

  /** Archives as the archive's bus consumer does; answers the DocId. */
  async function archived(bytes: Buffer): Promise<string> {
    const meta = metaFor(bytes);
    await archive.archivePackage(meta, bytes);
    return meta.docId;
  }

  const row = async (docId: string) =>
    (
      await hub.ds.query(
        `SELECT content IS NULL AS no_inline, blob_sha256, size_bytes::int AS size FROM archived_package
          WHERE doc_id = $1`,
        [docId],
      )
    )[0] as { no_inline: boolean; blob_sha256: string | null; size: number };

  const chunkSizes = async (key: string): Promise<number[]> =>
    (
      (await hub.ds.query(`SELECT length(data) AS n FROM archive_blob_chunk WHERE sha256 = $1 ORDER BY seq`, [
        key,
      ])) as { n: number }[]
    ).map((r) => r.n);

  const blobCount = async (key: string): Promise<number> =>
    Number((await hub.ds.query(`SELECT count(*) AS n FROM archive_blob WHERE sha256 = $1`, [key]))[0].n);

  beforeAll(async () => {
    hub = await startAuthHub('archive-blobs', {
      systems: [
        { systemId: SYS, name: 'Blob sender', secret: SECRET },
        { systemId: OTHER, name: 'Unrelated', secret: OTHER_SECRET },
      ],
      agencies: [
        { organId: A1, name: 'Sender agency', systemId: SYS },
        { organId: B1, name: 'Unrelated agency', systemId: OTHER },
      ],
    });
    archiveApp = await NestFactory.createApplicationContext(
      ArchiveAppModule.forRoot({ databaseUrl: hub.db.url }),
      { logger: ['error'] },
    );
    archive = archiveApp.get(ArchiveService);
    blobs = archiveApp.get(BlobStore);
    const base = await hub.gateway();
    client = new DocaxisClient({ baseUrl: base, systemId: SYS, secret: SECRET });
    other = new DocaxisClient({ baseUrl: base, systemId: OTHER, secret: OTHER_SECRET });
  });

  afterAll(async () => {
    await archiveApp?.close();
    await hub?.close();
  });

  let big: { bytes: Buffer; sha: string; docId: string };

  it('stores a package above the threshold as 1 MiB chunks, with no bytes in its row', async () => {
    const bytes = largeDocument(3 * MIB);
    expect(bytes.length).toBeGreaterThan(4 * MIB);
    const docId = await archived(bytes);
    big = { bytes, sha: sha256(bytes), docId };

    expect(await row(docId)).toEqual({ no_inline: true, blob_sha256: big.sha, size: bytes.length });
    const sizes = await chunkSizes(big.sha);
    expect(sizes).toHaveLength(Math.ceil(bytes.length / MIB));
    expect(sizes.slice(0, -1).every((n) => n === MIB)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(bytes.length);
    expect(await blobs.info(big.sha)).toMatchObject({ sizeBytes: bytes.length, chunkCount: sizes.length });

    const original = await archive.getOriginal(docId);
    expect(original).toMatchObject({
      storage: 'blob',
      intact: true,
      sha256: big.sha,
      sizeBytes: bytes.length,
    });
    expect(original!.content.equals(bytes)).toBe(true);
  });

  it('keeps a package at or below the threshold inline, as before', async () => {
    const bytes = documentBytes(A1, [B1], nextDocumentId(A1));
    expect(bytes.length).toBeLessThanOrEqual(MIB);
    const docId = await archived(bytes);
    expect(await row(docId)).toEqual({ no_inline: false, blob_sha256: null, size: bytes.length });
    expect(await blobCount(sha256(bytes))).toBe(0);
    expect(await archive.getOriginal(docId)).toMatchObject({ storage: 'inline', intact: true });
  });

  it('answers getEdoc with the blob-stored bytes, byte-identical, raw (streamed) and base64', async () => {
    const raw = await client.fetchEdoc(big.docId);
    expect(raw.content.equals(big.bytes)).toBe(true);
    expect(raw.sha256).toBe(big.sha);
    expect((await client.getEdoc(big.docId, { base64: true })).equals(big.bytes)).toBe(true);
    // The traced view is rebuilt from the same bytes.
    const traced = await client.fetchEdoc(big.docId, { view: 'traced' });
    expect(traced.view).toBe('traced');
    expect((parseEdxml(traced.content) as EdxmlDocument).attachments[0].ContentTransferEncoded).toBe(
      (parseEdxml(big.bytes) as EdxmlDocument).attachments[0].ContentTransferEncoded,
    );
    // Access rules are unchanged: a system that neither sent nor received it does not see it.
    expect(await failure(other.getEdoc(big.docId))).toMatchObject({ code: 'DOC_NOT_FOUND' });
  });

  it('stores the same content archived under two DocIds once, and reads it under both', async () => {
    const chunksBefore = await chunkSizes(big.sha);
    const created = (await blobs.info(big.sha))!.createdAt;
    const second = await archived(big.bytes);
    expect(second).not.toBe(big.docId);
    expect(await row(second)).toMatchObject({ no_inline: true, blob_sha256: big.sha });
    expect(await blobCount(big.sha)).toBe(1);
    expect(await chunkSizes(big.sha)).toEqual(chunksBefore);
    expect((await blobs.info(big.sha))!.createdAt).toEqual(created);
    expect((await client.getEdoc(second)).equals(big.bytes)).toBe(true);
    // A redelivery of the same DocId changes nothing either.
    const again = await archive.archivePackage({ ...metaFor(big.bytes), docId: second }, big.bytes);
    expect(again.inserted).toBe(false);
    expect(await blobCount(big.sha)).toBe(1);
  });

  it('never lets a row reference a half-written blob: a write that dies midway leaves nothing', async () => {
    const bytes = randomBytes(3 * MIB + 7);
    const key = sha256(bytes);
    async function* dyingAfterTwoChunks(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, 2 * MIB);
      throw new Error('archive process killed');
    }
    await expect(blobs.put(key, dyingAfterTwoChunks())).rejects.toThrow('archive process killed');
    expect(await blobs.info(key)).toBeNull();
    expect(await chunkSizes(key)).toEqual([]);
    // The row that would come next cannot point at it: the database refuses the reference.
    await expect(
      hub.ds.query(
        `INSERT INTO archived_package (doc_id, message_type, sender_organ_id, sha256, size_bytes, blob_sha256,
           document_id, metadata, accepted_at)
         VALUES ($1, 'edoc', $2, $3, $4, $3, 'x', '{}'::jsonb, now())`,
        [randomUUID(), A1, key, bytes.length],
      ),
    ).rejects.toMatchObject({ driverError: { code: '23503' } });

    // Bytes that do not hash to the key are refused whole.
    const refused = await blobs.put(key, randomBytes(2 * MIB)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DxError);
    expect(refused).toMatchObject({ code: 'HASH_MISMATCH' });
    expect(await blobs.info(key)).toBeNull();
    expect(await chunkSizes(key)).toEqual([]);

    // The complete write succeeds afterwards (nothing half-written is in its way).
    expect(await blobs.put(key, bytes)).toMatchObject({
      created: true,
      sizeBytes: bytes.length,
      chunkCount: 4,
    });
    expect((await blobs.read(key))!.equals(bytes)).toBe(true);
  });

  it('reuses a blob left by a crash between blob and row on redelivery, and sweeps one never claimed', async () => {
    const bytes = largeDocument(2 * MIB);
    const key = sha256(bytes);
    const meta = metaFor(bytes);
    // The crash: the blob is written, the row is not.
    expect(await blobs.put(key, bytes)).toMatchObject({ created: true });
    expect(await blobs.isReferenced(key)).toBe(false);
    // The redelivered message archives the row over the blob already there.
    expect(await archive.archivePackage(meta, bytes)).toMatchObject({ inserted: true });
    expect(await blobs.isReferenced(key)).toBe(true);
    expect(await blobCount(key)).toBe(1);
    expect((await archive.getOriginal(meta.docId))!.intact).toBe(true);

    // A blob no row ever claimed goes in a sweep; referenced ones stay.
    const orphan = randomBytes(MIB + 1);
    await blobs.put(sha256(orphan), orphan);
    const swept = await blobs.sweepUnreferenced(new Date(Date.now() + 60_000));
    expect(swept).toContain(sha256(orphan));
    expect(swept).not.toContain(key);
    expect(swept).not.toContain(big.sha);
    expect(await blobs.info(sha256(orphan))).toBeNull();
    expect(await chunkSizes(sha256(orphan))).toEqual([]);
  });

  it('streams a blob a chunk at a time: later chunks are read only when the reader gets to them', async () => {
    const bytes = randomBytes(5 * MIB + 1);
    const key = sha256(bytes);
    await blobs.put(key, bytes);
    const opened = await blobs.open(key);
    expect(opened!.info.chunkCount).toBe(6);
    const seen: Buffer[] = [];
    const marker = Buffer.from([bytes[bytes.length - 1] ^ 0xff]);
    for await (const chunk of opened!.stream as AsyncIterable<Buffer>) {
      seen.push(chunk);
      if (seen.length === 1) {
        // Had the stream read everything up front, this change to the last chunk would not show.
        await hub.ds.query(`UPDATE archive_blob_chunk SET data = $2 WHERE sha256 = $1 AND seq = 5`, [
          key,
          marker,
        ]);
      }
    }
    expect(seen.map((c) => c.length)).toEqual([MIB, MIB, MIB, MIB, MIB, 1]);
    expect(seen[5].equals(marker)).toBe(true);
    expect(Buffer.concat(seen.slice(0, 5)).equals(bytes.subarray(0, 5 * MIB))).toBe(true);
    // ...and the digest check sees the change.
    expect((await blobs.digest(key))!.sha256).not.toBe(key);
  });

  it('reports an altered or incomplete blob as not intact', async () => {
    const bytes = largeDocument(2 * MIB);
    const docId = await archived(bytes);
    const key = sha256(bytes);
    const first: Buffer = (
      await hub.ds.query(`SELECT data FROM archive_blob_chunk WHERE sha256 = $1 AND seq = 0`, [key])
    )[0].data;
    const altered = Buffer.from(first);
    altered[100] ^= 0x01;
    await hub.ds.query(`UPDATE archive_blob_chunk SET data = $2 WHERE sha256 = $1 AND seq = 0`, [
      key,
      altered,
    ]);
    expect(await archive.getOriginal(docId)).toMatchObject({ storage: 'blob', intact: false });

    await hub.ds.query(`DELETE FROM archive_blob_chunk WHERE sha256 = $1 AND seq = 1`, [key]);
    expect(await archive.getOriginal(docId)).toMatchObject({ intact: false });
    expect(await blobs.digest(key)).toMatchObject({ complete: false });
    await expect(blobs.read(key)).rejects.toMatchObject({ code: 'ARCHIVE_BLOB_INCOMPLETE' });
  });

  it('deletes a blob only once no package references it (what retention relies on)', async () => {
    const docs = [big.docId];
    const second: string[] = (
      await hub.ds.query(`SELECT doc_id FROM archived_package WHERE blob_sha256 = $1 AND doc_id <> $2`, [
        big.sha,
        big.docId,
      ])
    ).map((r: { doc_id: string }) => r.doc_id);
    docs.push(...second);
    expect(docs).toHaveLength(2);

    // The database itself refuses to delete a referenced blob.
    await expect(hub.ds.query(`DELETE FROM archive_blob WHERE sha256 = $1`, [big.sha])).rejects.toMatchObject(
      {
        driverError: { code: '23503' },
      },
    );
    expect(await blobs.release(big.sha)).toBe(false);

    // Retention removes the first payload: the blob stays for the second.
    await hub.ds.query(`UPDATE archived_package SET blob_sha256 = NULL WHERE doc_id = $1`, [docs[0]]);
    expect(await blobs.isReferenced(big.sha)).toBe(true);
    expect(await blobs.release(big.sha)).toBe(false);
    expect((await client.getEdoc(docs[1])).equals(big.bytes)).toBe(true);

    await hub.ds.query(`UPDATE archived_package SET blob_sha256 = NULL WHERE doc_id = $1`, [docs[1]]);
    expect(await blobs.isReferenced(big.sha)).toBe(false);
    expect(await blobs.release(big.sha)).toBe(true);
    expect(await blobs.info(big.sha)).toBeNull();
    expect(await chunkSizes(big.sha)).toEqual([]);
  });
});
