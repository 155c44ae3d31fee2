import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dbCall } from '#store';

/** The connector's own progress (table connector_state), e.g. the parent registry version synced so far. */
@Injectable()
export class ConnectorStateRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async get(key: string): Promise<string | null> {
    const rows: { value: string }[] = await dbCall('read connector state', () =>
      this.ds.query(`SELECT value FROM connector_state WHERE key = $1`, [key]),
    );
    return rows[0]?.value ?? null;
  }

  async set(key: string, value: string): Promise<void> {
    await dbCall('write connector state', () =>
      this.ds.query(
        `INSERT INTO connector_state (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [key, value],
      ),
    );
  }
}
