import type { MigrationInterface, QueryRunner } from 'typeorm';

/** First schema of the hub: registry, submissions, per-recipient deliveries, archive and delivery history. */
export class InitialSchema1732300000000 implements MigrationInterface {
  name = 'InitialSchema1732300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE registry_version_seq`);
    await q.query(`CREATE TABLE registry_system (
      system_id text PRIMARY KEY,
      name text NOT NULL,
      secret_enc text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE registry_agency (
      organ_id text PRIMARY KEY,
      code_2020 text,
      name text NOT NULL,
      parent_organ_id text,
      axis_organ_id text,
      system_id text,
      email text,
      deleted boolean NOT NULL DEFAULT false,
      version bigint NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX registry_agency_system_idx ON registry_agency (system_id)`);
    await q.query(`CREATE INDEX registry_agency_version_idx ON registry_agency (version)`);
    await q.query(
      `CREATE UNIQUE INDEX registry_agency_code2020_idx ON registry_agency (code_2020) WHERE code_2020 IS NOT NULL`,
    );

    // One row per accepted package; the unique key is what makes resubmission idempotent.
    await q.query(`CREATE TABLE submission (
      doc_id uuid PRIMARY KEY,
      message_type text NOT NULL,
      sender_organ_id text NOT NULL,
      system_id text NOT NULL,
      document_key text NOT NULL,
      document_id text NOT NULL,
      sha256 char(64) NOT NULL,
      size_bytes bigint NOT NULL,
      to_header text[] NOT NULL DEFAULT '{}',
      accepted_at timestamptz NOT NULL DEFAULT now(),
      published_at timestamptz,
      CONSTRAINT submission_idempotency UNIQUE (sender_organ_id, message_type, document_key))`);
    await q.query(`CREATE INDEX submission_document_idx ON submission (document_id, message_type)`);
    await q.query(
      `CREATE INDEX submission_sender_idx ON submission (sender_organ_id, message_type, accepted_at)`,
    );

    // The inbox: one row per (package, recipient). Inbox listing is an index range scan, not a consumer per agency.
    await q.query(`CREATE TABLE delivery (
      id bigserial PRIMARY KEY,
      doc_id uuid NOT NULL REFERENCES submission (doc_id),
      message_type text NOT NULL,
      sender_organ_id text NOT NULL,
      recipient_organ_id text NOT NULL,
      state text NOT NULL,
      business_status text,
      business_status_at timestamptz,
      business_description text,
      failure_code text,
      failure_reason text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT delivery_once UNIQUE (doc_id, recipient_organ_id))`);
    await q.query(
      `CREATE INDEX delivery_inbox_idx ON delivery (recipient_organ_id, message_type, state, id)`,
    );

    await q.query(`CREATE TABLE archived_package (
      doc_id uuid PRIMARY KEY,
      message_type text NOT NULL,
      sender_organ_id text NOT NULL,
      sha256 char(64) NOT NULL,
      size_bytes bigint NOT NULL,
      content bytea NOT NULL,
      document_id text NOT NULL,
      code_number text,
      code_notation text,
      subject text,
      promulgation_date text,
      type_name text,
      priority text,
      business_doc_type text,
      status_code text,
      metadata jsonb NOT NULL,
      accepted_at timestamptz NOT NULL,
      archived_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX archived_package_document_idx ON archived_package (document_id)`);
    await q.query(
      `CREATE INDEX archived_package_sender_idx ON archived_package (sender_organ_id, accepted_at)`,
    );

    await q.query(`CREATE TABLE delivery_history (
      id bigserial PRIMARY KEY,
      event_id text NOT NULL UNIQUE,
      doc_id uuid NOT NULL,
      recipient_organ_id text NOT NULL,
      message_type text NOT NULL,
      event text NOT NULL,
      status_code text,
      reason text,
      at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(
      `CREATE INDEX delivery_history_doc_idx ON delivery_history (doc_id, recipient_organ_id, at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'delivery_history',
      'archived_package',
      'delivery',
      'submission',
      'registry_agency',
      'registry_system',
    ]) {
      await q.query(`DROP TABLE IF EXISTS ${t}`);
    }
    await q.query(`DROP SEQUENCE IF EXISTS registry_version_seq`);
  }
}
