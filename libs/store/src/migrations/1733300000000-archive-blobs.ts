import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Large packages are kept apart from their metadata row: `archive_blob` (one row per distinct content, keyed by
 * its SHA-256, so the same bytes are stored once) and `archive_blob_chunk` (the bytes in 1 MiB pieces, so no
 * single value is huge and reads can stream). A blob is written in one transaction, header first, so a blob
 * that exists is complete; the foreign key from `archived_package.blob_sha256` then guarantees that a row
 * never references a missing or half-written blob, and that a referenced blob cannot be deleted.
 * A row keeps its bytes in `content` or in a blob, never both (both empty: a payload removed by retention).
 */
export class ArchiveBlobs1733300000000 implements MigrationInterface {
  name = 'ArchiveBlobs1733300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE archive_blob (
      sha256 char(64) PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      size_bytes bigint NOT NULL DEFAULT 0,
      chunk_bytes integer NOT NULL CHECK (chunk_bytes > 0),
      chunk_count integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE archive_blob_chunk (
      sha256 char(64) NOT NULL REFERENCES archive_blob (sha256) ON DELETE CASCADE,
      seq integer NOT NULL CHECK (seq >= 0),
      data bytea NOT NULL,
      PRIMARY KEY (sha256, seq)
    )`);
    await q.query(`ALTER TABLE archived_package
      ALTER COLUMN content DROP NOT NULL,
      ADD COLUMN blob_sha256 char(64) REFERENCES archive_blob (sha256),
      ADD CONSTRAINT archived_package_one_home CHECK (content IS NULL OR blob_sha256 IS NULL)`);
    await q.query(`CREATE INDEX archived_package_blob_idx ON archived_package (blob_sha256)
      WHERE blob_sha256 IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Bytes go back inline before the blob tables disappear (content stays nullable: retention may need it).
    await q.query(`ALTER TABLE archived_package DROP CONSTRAINT IF EXISTS archived_package_one_home`);
    await q.query(`UPDATE archived_package a
      SET content = (SELECT string_agg(c.data, ''::bytea ORDER BY c.seq) FROM archive_blob_chunk c
                      WHERE c.sha256 = a.blob_sha256)
      WHERE a.blob_sha256 IS NOT NULL`);
    await q.query(`DROP INDEX IF EXISTS archived_package_blob_idx`);
    await q.query(`ALTER TABLE archived_package DROP COLUMN IF EXISTS blob_sha256`);
    await q.query(`DROP TABLE IF EXISTS archive_blob_chunk`);
    await q.query(`DROP TABLE IF EXISTS archive_blob`);
  }
}
