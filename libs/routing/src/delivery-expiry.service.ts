import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { JetStreamClient } from '@nats-io/jetstream';
import type { DeliveryEvent } from '#contracts';
import { JETSTREAM, publishDeliveryEvent } from '#bus';
import { DeliveryRepository, type ExpiredDelivery } from './delivery.repository.js';
import { ROUTING_OPTIONS, type RoutingOptions } from './routing.options.js';

const DEFAULT_SWEEP_MS = 5000;
/** Rows ended per transaction; a backlog is worked off batch after batch within one sweep. */
const BATCH = 1000;

/** The event that tells the sender (getSentEdocList reads the row; the archive keeps the event). */
export function expiredEvent(d: ExpiredDelivery, lifetimeSeconds: number): DeliveryEvent {
  return {
    eventId: `${d.docId}:${d.recipient}:expired`,
    docId: d.docId,
    recipient: d.recipient,
    messageType: d.messageType,
    event: 'expired',
    reason: `EXPIRED: not delivered within ${lifetimeSeconds} s`,
    at: new Date(d.updatedAt).toISOString(),
  };
}

/**
 * Ends what could not be delivered within the package lifetime: deliveries still pending (never fetched and
 * acknowledged) or outbound (the parent axis unreachable) become `expired`, with an `expired` event. Runs in
 * the router process every few seconds; a sweep costs one range scan of a partial index when nothing is due.
 */
@Injectable()
export class DeliveryExpiryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveryExpiryService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(DeliveryRepository) private readonly deliveries: DeliveryRepository,
    @Inject(ROUTING_OPTIONS) private readonly options: RoutingOptions,
  ) {}

  onApplicationBootstrap(): void {
    const every = this.options.sweepIntervalMs ?? DEFAULT_SWEEP_MS;
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.sweep()
        .catch((e: unknown) => this.logger.warn(`expiry sweep failed: ${(e as Error).message}`))
        .finally(() => (this.running = undefined));
    }, every);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /**
   * Expires everything overdue at `now` and announces it; returns the rows it ended. Rows are committed before
   * their events are published: should a publish fail, the rows stay expired and the event is missing from
   * the history only (the sender's list reads the row).
   */
  async sweep(now = new Date()): Promise<ExpiredDelivery[]> {
    const lifetime = this.options.packageLifetimeSeconds;
    const cutoff = new Date(now.getTime() - lifetime * 1000);
    const reasons = {
      undelivered: `not delivered within the package lifetime (${lifetime} s)`,
      noReceipt: `handed to the parent axis, but no receipt (status 01 or later) from the recipient within the package lifetime (${lifetime} s)`,
    };
    const all: ExpiredDelivery[] = [];
    for (;;) {
      const batch = await this.ds.transaction((em) =>
        this.deliveries.expireOverdue(em, cutoff, BATCH, reasons),
      );
      all.push(...batch);
      for (const d of batch) await publishDeliveryEvent(this.js, expiredEvent(d, lifetime));
      if (batch.length < BATCH) break;
    }
    if (all.length) this.logger.log(`${all.length} deliveries expired (lifetime ${lifetime} s)`);
    return all;
  }
}
