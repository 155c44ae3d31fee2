import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Receipts signed with the hub's seal: one per submission and one per (recipient, acknowledgement status) of a
 * DocId. The unique index makes a repeated send or acknowledgement find the receipt issued the first time;
 * it is on expressions because NULLs are distinct in a plain unique constraint.
 */
export class Receipts1732800000000 implements MigrationInterface {
  name = 'Receipts1732800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE receipt (
      receipt_id uuid PRIMARY KEY,
      doc_id uuid NOT NULL,
      kind text NOT NULL CHECK (kind IN ('submission', 'acknowledgement')),
      agency text,
      ack_status text,
      created_at timestamptz NOT NULL DEFAULT now(),
      jws text NOT NULL
    )`);
    await q.query(
      `CREATE UNIQUE INDEX receipt_once ON receipt (doc_id, kind, (coalesce(agency, '')), (coalesce(ack_status, '')))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS receipt`);
  }
}
