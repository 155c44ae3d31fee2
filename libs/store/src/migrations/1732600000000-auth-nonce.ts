import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Replay protection of DX1 signed requests: every nonce a system used within the timestamp window, shared by
 * all gateway processes. The gateway inserts (system_id, nonce) and refuses the request when the row existed;
 * rows older than twice the window can never match an acceptable request again and are purged.
 */
export class AuthNonce1732600000000 implements MigrationInterface {
  name = 'AuthNonce1732600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE auth_nonce (
      system_id varchar(64) NOT NULL,
      nonce varchar(64) NOT NULL,
      seen_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (system_id, nonce)
    )`);
    await q.query(`CREATE INDEX auth_nonce_seen_at_idx ON auth_nonce (seen_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS auth_nonce`);
  }
}
