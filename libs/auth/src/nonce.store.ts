import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DxError } from '#contracts';
import { dbCall } from '#store';
import { AUTH_OPTIONS, type AuthOptions } from './auth.types.js';

/**
 * The nonces each system used, in Postgres (table auth_nonce), so that every gateway process sees them.
 * A request whose timestamp is within ±window can only be replayed while its nonce is younger than 2×window:
 * older rows are purged, opportunistically, at most once per window by each gateway process.
 */
@Injectable()
export class NonceStore {
  private lastPurge = 0;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  /** Records the nonce of a verified request; AUTH_REPLAYED if the system already used it. */
  async claim(systemId: string, nonce: string, now = Date.now()): Promise<void> {
    const rows = await dbCall('auth nonce', () =>
      this.ds.query<unknown[]>(
        `INSERT INTO auth_nonce (system_id, nonce) VALUES ($1, $2)
         ON CONFLICT (system_id, nonce) DO NOTHING RETURNING nonce`,
        [systemId, nonce],
      ),
    );
    if (rows.length === 0) {
      throw new DxError('AUTH_REPLAYED', `x-dx-nonce ${nonce} was already used by system ${systemId}`);
    }
    if (now - this.lastPurge >= this.options.authWindowSeconds * 1000) {
      this.lastPurge = now;
      await this.purge().catch(() => undefined); // best effort: the next purge catches up
    }
  }

  /** Deletes the nonces older than twice the window; returns how many. */
  async purge(): Promise<number> {
    const res = await this.ds.query<[unknown[], number]>(
      `DELETE FROM auth_nonce WHERE seen_at < now() - make_interval(secs => $1)`,
      [2 * this.options.authWindowSeconds],
    );
    return res[1];
  }
}
