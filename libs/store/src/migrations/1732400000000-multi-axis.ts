import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Multi-axis routing: the hops a package took (TraceHeaders kept beside the original bytes), the axis it came
 * from, and the connector's own progress (e.g. the registry version it has synced up to).
 */
export class MultiAxis1732400000000 implements MigrationInterface {
  name = 'MultiAxis1732400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE submission ADD COLUMN trace jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`ALTER TABLE submission ADD COLUMN origin_axis text`);
    await q.query(`ALTER TABLE archived_package ADD COLUMN trace jsonb NOT NULL DEFAULT '[]'`);
    // Finds what is still undelivered when its lifetime runs out.
    await q.query(
      `CREATE INDEX delivery_open_idx ON delivery (created_at) WHERE state IN ('pending', 'outbound')`,
    );
    await q.query(`CREATE TABLE connector_state (
      key text PRIMARY KEY,
      value text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS connector_state`);
    await q.query(`DROP INDEX IF EXISTS delivery_open_idx`);
    await q.query(`ALTER TABLE archived_package DROP COLUMN IF EXISTS trace`);
    await q.query(`ALTER TABLE submission DROP COLUMN IF EXISTS origin_axis`);
    await q.query(`ALTER TABLE submission DROP COLUMN IF EXISTS trace`);
  }
}
