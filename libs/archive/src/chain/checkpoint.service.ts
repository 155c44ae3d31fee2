import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { Seal } from '#trust';
import { GENESIS_DIGEST } from './chain.digest.js';
import { lockChainHead } from './chain.lock.js';
import { signCheckpoint } from './checkpoint.js';

export interface CheckpointOptions {
  /** Without a seal no checkpoints are made (verify then checks links only). */
  seal: Seal | null;
  axisOrganId: string;
  /** A checkpoint after this many new records... */
  every: number;
  /** ...or this many seconds after the last one, when there is anything new. */
  seconds: number;
}

export const CHECKPOINT_OPTIONS = Symbol('CHECKPOINT_OPTIONS');

/** Signs the chain's head with the hub seal every N records or T seconds (run by the archive process). */
@Injectable()
export class CheckpointService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CheckpointService.name);
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(CHECKPOINT_OPTIONS) private readonly opts: CheckpointOptions,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.opts.seal) {
      this.logger.warn('no seal configured: the archive chain gets no signed checkpoints');
      return;
    }
    // A cheap poll; the work happens only when N records or T seconds have passed.
    this.timer = setInterval(() => void this.tick(), Math.min(1000, this.opts.seconds * 1000));
    this.timer.unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.checkpointIfDue();
    } catch (e) {
      this.logger.warn(`checkpoint failed: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** Makes a checkpoint when one is due (or when `force`, if there is anything new); answers its seq. */
  async checkpointIfDue(force = false): Promise<number | null> {
    const seal = this.opts.seal;
    if (!seal) return null;
    return this.ds.transaction(async (m) => {
      // Under the append lock the head cannot move while it is signed.
      const digest = await lockChainHead(m, 'archive', GENESIS_DIGEST);
      const head: { seq: string }[] = await m.query(`SELECT max(seq) AS seq FROM archive_chain`);
      const seq = Number(head[0]?.seq ?? 0);
      if (!seq) return null;
      const last: { seq: string }[] = await m.query(
        `SELECT seq FROM archive_checkpoint ORDER BY seq DESC LIMIT 1`,
      );
      const lastSeq = Number(last[0]?.seq ?? 0);
      if (seq <= lastSeq) return null;
      // T is how long the oldest unsigned record may wait for its checkpoint.
      const oldest: { at: Date }[] = await m.query(
        `SELECT at FROM archive_chain WHERE seq > $1 ORDER BY seq LIMIT 1`,
        [lastSeq],
      );
      const waited = oldest[0] ? Date.now() - oldest[0].at.getTime() : 0;
      const pending: { n: number }[] = await m.query(
        `SELECT count(*)::int AS n FROM archive_chain WHERE seq > $1`,
        [lastSeq],
      );
      if (!force && pending[0].n < this.opts.every && waited < this.opts.seconds * 1000) return null;
      const at = new Date();
      const jws = signCheckpoint(seal, {
        v: 1,
        kind: 'archive-checkpoint',
        axis: this.opts.axisOrganId,
        seq,
        digest,
        at: at.toISOString(),
      });
      await m.query(`INSERT INTO archive_checkpoint (seq, digest, at, jws) VALUES ($1, $2, $3, $4)`, [
        seq,
        digest,
        at,
        jws,
      ]);
      return seq;
    });
  }
}
