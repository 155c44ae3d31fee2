import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A document copy handed to the parent axis (`forwarded`) that never got a receipt from its recipient (any
 * business status, 01 first) is also undelivered when its lifetime ends: the expiry sweep needs those rows in
 * its partial index too.
 */
export class ForwardedExpiry1732500000000 implements MigrationInterface {
  name = 'ForwardedExpiry1732500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS delivery_open_idx`);
    await q.query(`CREATE INDEX delivery_open_idx ON delivery (created_at)
      WHERE state IN ('pending', 'outbound')
         OR (state = 'forwarded' AND message_type = 'edoc' AND business_status IS NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS delivery_open_idx`);
    await q.query(
      `CREATE INDEX delivery_open_idx ON delivery (created_at) WHERE state IN ('pending', 'outbound')`,
    );
  }
}
