import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Roles and authentication modes of connected systems. `role` system acts for its registered agencies (every
 * system before this migration); archivist is read-only and has no agencies. `auth` says how the system may
 * authenticate: hmac (DX1 signature), mtls (TLS client certificate) or any.
 */
export class SystemRoles1732700000000 implements MigrationInterface {
  name = 'SystemRoles1732700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registry_system
      ADD COLUMN role text NOT NULL DEFAULT 'system' CHECK (role IN ('system', 'archivist')),
      ADD COLUMN auth text NOT NULL DEFAULT 'any' CHECK (auth IN ('hmac', 'mtls', 'any'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE registry_system DROP COLUMN IF EXISTS role, DROP COLUMN IF EXISTS auth`);
  }
}
