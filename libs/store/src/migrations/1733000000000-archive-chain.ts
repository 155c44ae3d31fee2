import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Archive integrity: the hash chain over archived packages, events and tombstones, its signed checkpoints, the
 * hash-chained audit log, retention policies and legal holds. The three chained tables refuse UPDATE and
 * DELETE by trigger: that stops mistakes and careless scripts, not a superuser, which is what the chain and
 * the signed checkpoints are for.
 */
export class ArchiveChain1733000000000 implements MigrationInterface {
  name = 'ArchiveChain1733000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE archive_chain (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('package', 'event', 'tombstone')),
      ref text NOT NULL,
      record_digest char(64) NOT NULL,
      prev_digest char(64) NOT NULL,
      digest char(64) NOT NULL,
      at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX archive_chain_ref ON archive_chain (ref, kind)`);
    await q.query(`CREATE TABLE archive_checkpoint (
      seq bigint PRIMARY KEY,
      digest char(64) NOT NULL,
      at timestamptz NOT NULL,
      jws text NOT NULL)`);
    await q.query(`CREATE TABLE audit_log (
      seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL,
      actor_system_id text NOT NULL,
      actor_role text NOT NULL,
      action text NOT NULL,
      route text NOT NULL,
      target text,
      filters jsonb NOT NULL DEFAULT '{}',
      result text NOT NULL,
      record_digest char(64) NOT NULL,
      prev_digest char(64) NOT NULL,
      digest char(64) NOT NULL)`);
    await q.query(`CREATE INDEX audit_log_target ON audit_log (target, seq)`);
    await q.query(`CREATE FUNCTION docaxis_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const t of ['archive_chain', 'archive_checkpoint', 'audit_log']) {
      await q.query(`CREATE TRIGGER ${t}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${t}
        FOR EACH STATEMENT EXECUTE FUNCTION docaxis_append_only()`);
    }
    // Retention: the bytes of a package may be removed after its period; the row, its hash and the tombstone stay.
    await q.query(`ALTER TABLE archived_package ALTER COLUMN content DROP NOT NULL,
      ADD COLUMN removed_at timestamptz,
      ADD COLUMN removal_reason text`);
    await q.query(`CREATE TABLE retention_policy (
      document_type text PRIMARY KEY,
      years integer CHECK (years IS NULL OR years > 0),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE legal_hold (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      doc_id uuid NOT NULL,
      reason text NOT NULL,
      placed_by text NOT NULL,
      since timestamptz NOT NULL DEFAULT now(),
      released_at timestamptz,
      released_by text)`);
    await q.query(`CREATE UNIQUE INDEX legal_hold_active ON legal_hold (doc_id) WHERE released_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS legal_hold`);
    await q.query(`DROP TABLE IF EXISTS retention_policy`);
    await q.query(
      `ALTER TABLE archived_package DROP COLUMN IF EXISTS removed_at, DROP COLUMN IF EXISTS removal_reason`,
    );
    for (const t of ['archive_chain', 'archive_checkpoint', 'audit_log'])
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    await q.query(`DROP FUNCTION IF EXISTS docaxis_append_only()`);
  }
}
