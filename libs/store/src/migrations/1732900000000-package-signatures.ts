import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Package signatures: each submission records the verdict of its XML-DSig check (and the signer, or why it did
 * not verify), and each connected system may have its own signature policy (`axis`: the axis's policy).
 * Packages accepted before this migration were never checked: `not-checked`.
 */
export class PackageSignatures1732900000000 implements MigrationInterface {
  name = 'PackageSignatures1732900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registry_system
      ADD COLUMN signature_policy text NOT NULL DEFAULT 'axis'
        CHECK (signature_policy IN ('axis', 'required', 'if-present', 'report', 'off'))`);
    await q.query(`ALTER TABLE submission
      ADD COLUMN signature_verdict text NOT NULL DEFAULT 'not-checked'
        CHECK (signature_verdict IN ('verified', 'unsigned', 'invalid', 'not-checked')),
      ADD COLUMN signature_code text,
      ADD COLUMN signature_message text,
      ADD COLUMN signer jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE submission DROP COLUMN IF EXISTS signature_verdict,
      DROP COLUMN IF EXISTS signature_code, DROP COLUMN IF EXISTS signature_message, DROP COLUMN IF EXISTS signer`);
    await q.query(`ALTER TABLE registry_system DROP COLUMN IF EXISTS signature_policy`);
  }
}
