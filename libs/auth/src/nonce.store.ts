import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DxError } from '#contracts';
import { dbCall, GroupCommit, valuesPlaceholders } from '#store';
import { AUTH_OPTIONS, type AuthOptions } from './auth.types.js';

/**
 * The nonces each system used, in Postgres (table auth_nonce), so that every gateway process sees them.
 * A request whose timestamp is within ±window can only be replayed while its nonce is younger than 2×window:
 * older rows are purged, opportunistically, at most once per window by each gateway process.
 */
@Injectable()
export class NonceStore {
  private lastPurge = 0;
  /** Nonces of requests verified at the same time are recorded by one INSERT. */
  private readonly claims = new GroupCommit<{ systemId: string; nonce: string }, boolean>((items) =>
    this.insert(items),
  );

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  /** Records the nonce of a verified request; AUTH_REPLAYED if the system already used it. */
  async claim(systemId: string, nonce: string, now = Date.now()): Promise<void> {
    const fresh = await dbCall('auth nonce', () => this.claims.submit({ systemId, nonce }));
    if (!fresh) {
      throw new DxError('AUTH_REPLAYED', `x-dx-nonce ${nonce} was already used by system ${systemId}`);
    }
    if (now - this.lastPurge >= this.options.authWindowSeconds * 1000) {
      this.lastPurge = now;
      await this.purge().catch(() => undefined); // best effort: the next purge catches up
    }
  }

  /** Inserts the nonces; true for each one not used before (the first of two equal ones in a batch). */
  private async insert(items: { systemId: string; nonce: string }[]): Promise<boolean[]> {
    const rows: { system_id: string; nonce: string }[] = await this.ds.query(
      `INSERT INTO auth_nonce (system_id, nonce) VALUES ${valuesPlaceholders(items.length, 2)}
       ON CONFLICT (system_id, nonce) DO NOTHING RETURNING system_id, nonce`,
      items.flatMap((i) => [i.systemId, i.nonce]),
    );
    const fresh = new Set(rows.map((r) => JSON.stringify([r.system_id, r.nonce])));
    return items.map((i) => fresh.delete(JSON.stringify([i.systemId, i.nonce])));
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
