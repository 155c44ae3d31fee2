import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { DxError } from '#contracts';
import { BLOB_OPTIONS, DEFAULT_BLOB_OPTIONS, type BlobOptions } from './blob.options.js';
import { rechunk, type ByteSource } from './chunks.js';

export interface BlobInfo {
  sha256: string;
  sizeBytes: number;
  chunkCount: number;
  createdAt: Date;
}

export interface PutResult extends BlobInfo {
  /** False when the same bytes were stored before (deduplicated: nothing was written). */
  created: boolean;
}

export interface BlobDigest {
  /** SHA-256 hex of the bytes stored now. */
  sha256: string;
  sizeBytes: number;
  /** Every chunk the header counts is there and the sizes add up. */
  complete: boolean;
}

const KEY = /^[0-9a-f]{64}$/;
const FOREIGN_KEY_VIOLATION = '23503';

function checkKey(sha256: string): string {
  const key = sha256.trim().toLowerCase();
  if (!KEY.test(key))
    throw new DxError('BAD_REQUEST', `blob key must be a SHA-256 hex digest, got ${sha256}`);
  return key;
}

interface HeaderRow {
  sha256: string;
  size_bytes: string;
  chunk_count: number;
  created_at: Date;
}

const toInfo = (r: HeaderRow): BlobInfo => ({
  sha256: r.sha256,
  sizeBytes: Number(r.size_bytes),
  chunkCount: r.chunk_count,
  createdAt: r.created_at,
});

/**
 * Content-addressed storage of large originals in Postgres (`archive_blob` + 1 MiB `archive_blob_chunk`s), so
 * they share the archive's transactions, backups and access rules and no single value is huge. A blob is
 * written in one transaction, so one that exists is complete; it is referenced by `archived_package.blob_sha256`
 * (a foreign key), and unreferenced blobs may be deleted: the reachability rule retention relies on.
 */
@Injectable()
export class BlobStore {
  readonly options: BlobOptions;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Optional() @Inject(BLOB_OPTIONS) options?: Partial<BlobOptions>,
  ) {
    this.options = { ...DEFAULT_BLOB_OPTIONS, ...options };
  }

  /** Whether bytes of this size go to the blob store rather than inline into their row. */
  storesApart(sizeBytes: number): boolean {
    return sizeBytes > this.options.thresholdBytes;
  }

  /**
   * Stores the bytes under their SHA-256, chunk by chunk as they come. Storing the same key again writes nothing
   * and does not read `source`. Bytes whose digest is not `sha256` are refused (HASH_MISMATCH) and nothing stays.
   */
  async put(sha256: string, source: ByteSource): Promise<PutResult> {
    const key = checkKey(sha256);
    const { chunkBytes } = this.options;
    return this.ds.transaction(async (em) => {
      // Header first: a concurrent writer of the same bytes waits here for this transaction, then finds it.
      const fresh: unknown[] = await em.query(
        `INSERT INTO archive_blob (sha256, chunk_bytes) VALUES ($1, $2)
         ON CONFLICT (sha256) DO NOTHING RETURNING sha256`,
        [key, chunkBytes],
      );
      if (!fresh.length) return { ...(await this.header(em, key))!, created: false };
      const hash = createHash('sha256');
      let seq = 0;
      let size = 0;
      for await (const chunk of rechunk(source, chunkBytes)) {
        hash.update(chunk);
        await em.query(`INSERT INTO archive_blob_chunk (sha256, seq, data) VALUES ($1, $2, $3)`, [
          key,
          seq++,
          chunk,
        ]);
        size += chunk.length;
      }
      const actual = hash.digest('hex');
      if (actual !== key) {
        throw new DxError('HASH_MISMATCH', `blob ${key}: the bytes given hash to ${actual}`, 400, false);
      }
      const [rows] = (await em.query(
        `UPDATE archive_blob SET size_bytes = $2, chunk_count = $3 WHERE sha256 = $1
         RETURNING sha256, size_bytes, chunk_count, created_at`,
        [key, size, seq],
      )) as [HeaderRow[], number];
      return { ...toInfo(rows[0]), created: true };
    });
  }

  async info(sha256: string): Promise<BlobInfo | null> {
    return this.header(this.ds.manager, checkKey(sha256));
  }

  /**
   * The bytes, one chunk (one query) at a time: memory holds a chunk, never the whole blob. Fails with
   * ARCHIVE_BLOB_INCOMPLETE when a chunk is missing or the sizes do not add up.
   */
  async *chunks(sha256: string): AsyncGenerator<Buffer> {
    const info = await this.info(sha256);
    if (!info) throw new DxError('ARCHIVE_BLOB_INCOMPLETE', `blob ${sha256} is not stored`);
    let size = 0;
    for (let seq = 0; seq < info.chunkCount; seq++) {
      const data = await this.chunkAt(info.sha256, seq);
      if (!data) throw new DxError('ARCHIVE_BLOB_INCOMPLETE', `blob ${info.sha256}: chunk ${seq} is missing`);
      size += data.length;
      yield data;
    }
    if (size !== info.sizeBytes) {
      throw new DxError(
        'ARCHIVE_BLOB_INCOMPLETE',
        `blob ${info.sha256}: ${size} bytes stored, ${info.sizeBytes} recorded`,
      );
    }
  }

  /** A byte stream of the blob (for HTTP answers), or null when it is not stored. Reads at most a chunk ahead. */
  async open(sha256: string): Promise<{ info: BlobInfo; stream: Readable } | null> {
    const info = await this.info(sha256);
    if (!info) return null;
    return { info, stream: Readable.from(this.chunks(info.sha256), { highWaterMark: 1 }) };
  }

  /** The whole blob in memory (for callers that need it all, e.g. a base64 answer), or null. */
  async read(sha256: string): Promise<Buffer | null> {
    const info = await this.info(sha256);
    if (!info) return null;
    const parts: Buffer[] = [];
    for await (const c of this.chunks(info.sha256)) parts.push(c);
    return Buffer.concat(parts, info.sizeBytes);
  }

  /** Recomputes the digest of what is stored, streaming (integrity checks); null when not stored. */
  async digest(sha256: string): Promise<BlobDigest | null> {
    const info = await this.info(sha256);
    if (!info) return null;
    const hash = createHash('sha256');
    let size = 0;
    let count = 0;
    for (let seq = 0; seq < info.chunkCount; seq++) {
      const data = await this.chunkAt(info.sha256, seq);
      if (!data) continue;
      hash.update(data);
      size += data.length;
      count++;
    }
    return {
      sha256: hash.digest('hex'),
      sizeBytes: size,
      complete: count === info.chunkCount && size === info.sizeBytes,
    };
  }

  /** Whether an archived package still points at this blob (the only way a blob is referenced). */
  async isReferenced(sha256: string): Promise<boolean> {
    const rows: { referenced: boolean }[] = await this.ds.query(
      `SELECT EXISTS (SELECT 1 FROM archived_package WHERE blob_sha256 = $1) AS referenced`,
      [checkKey(sha256)],
    );
    return rows[0].referenced;
  }

  /**
   * Deletes the blob when no archived package references it any more (call after clearing a row's
   * blob_sha256, e.g. when retention removes a payload). Answers whether it was deleted; a blob still referenced,
   * or referenced concurrently, stays (the foreign key makes this safe without locks).
   */
  async release(sha256: string): Promise<boolean> {
    const key = checkKey(sha256);
    try {
      const [rows] = (await this.ds.query(
        `DELETE FROM archive_blob b WHERE b.sha256 = $1
           AND NOT EXISTS (SELECT 1 FROM archived_package a WHERE a.blob_sha256 = b.sha256)
         RETURNING b.sha256`,
        [key],
      )) as [unknown[], number];
      return rows.length > 0;
    } catch (e) {
      if ((e as { code?: string }).code === FOREIGN_KEY_VIOLATION) return false;
      throw e;
    }
  }

  /**
   * Deletes blobs that no package references and that were stored before `before`: left by a crash between
   * writing a blob and writing its row (a redelivery would have reused them). Answers their keys.
   */
  async sweepUnreferenced(before: Date): Promise<string[]> {
    const [rows] = (await this.ds.query(
      `DELETE FROM archive_blob b WHERE b.created_at < $1
         AND NOT EXISTS (SELECT 1 FROM archived_package a WHERE a.blob_sha256 = b.sha256)
       RETURNING b.sha256`,
      [before],
    )) as [{ sha256: string }[], number];
    return rows.map((r) => r.sha256);
  }

  private async chunkAt(key: string, seq: number): Promise<Buffer | null> {
    const rows: { data: Buffer }[] = await this.ds.query(
      `SELECT data FROM archive_blob_chunk WHERE sha256 = $1 AND seq = $2`,
      [key, seq],
    );
    return rows[0]?.data ?? null;
  }

  private async header(em: EntityManager, key: string): Promise<BlobInfo | null> {
    const rows: HeaderRow[] = await em.query(
      `SELECT sha256, size_bytes, chunk_count, created_at FROM archive_blob WHERE sha256 = $1`,
      [key],
    );
    return rows[0] ? toInfo(rows[0]) : null;
  }
}
