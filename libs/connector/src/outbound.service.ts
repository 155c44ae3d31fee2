import { Inject, Injectable, Logger } from '@nestjs/common';
import type { JetStreamClient } from '@nats-io/jetstream';
import { DxError, type DeliveryEvent } from '#contracts';
import { JETSTREAM, publishDeliveryEvent, type AcceptedPackageMeta } from '#bus';
import { CONNECTOR_OPTIONS, type ConnectorOptions } from './connector.options.js';
import { isPastLifetime } from './lifetime.js';
import { OutboundRepository, type RemoteDelivery } from './outbound.repository.js';
import { PARENT_LINK, ParentLinkError, type ParentLink } from './parent-link.js';

const MAX_REASON = 1000;

export type ForwardOutcome = 'forwarded' | 'expired' | 'failed' | 'nothing';

/** The event for a row the connector settled; ids are deterministic so a retry re-publishes harmlessly. */
export function settledEvent(docId: string, d: RemoteDelivery): DeliveryEvent | null {
  if (d.state !== 'forwarded' && d.state !== 'expired' && d.state !== 'failed') return null;
  const ev: DeliveryEvent = {
    eventId: `${docId}:${d.recipient}:${d.state}`,
    docId,
    recipient: d.recipient,
    messageType: d.messageType,
    event: d.state,
    at: new Date(d.updatedAt).toISOString(),
  };
  if (d.failureCode) ev.reason = `${d.failureCode}: ${d.failureReason ?? ''}`.slice(0, MAX_REASON);
  return ev;
}

/**
 * Store and forward to the parent axis. The package waits in DX_OUTBOUND (its consumer has no delivery limit)
 * until the parent takes it: a transient failure is thrown back to the bus (nak with back-off), unless the
 * package's lifetime has run out, which ends its outbound rows `expired`. A refusal by the parent ends them
 * `failed` with the parent's code and reason, for the sender to see.
 */
@Injectable()
export class OutboundService {
  private readonly logger = new Logger(OutboundService.name);

  constructor(
    @Inject(PARENT_LINK) private readonly link: ParentLink,
    @Inject(OutboundRepository) private readonly deliveries: OutboundRepository,
    @Inject(JETSTREAM) private readonly js: JetStreamClient,
    @Inject(CONNECTOR_OPTIONS) private readonly options: ConnectorOptions,
  ) {}

  async forward(meta: AcceptedPackageMeta, bytes: Uint8Array, now = new Date()): Promise<ForwardOutcome> {
    const outcome = await this.settle(meta, bytes, now);
    // Announce every row the connector has settled, not only those settled now: a retry after a failed publish
    // completes the history.
    const rows = await this.deliveries.ofDoc(meta.docId, meta.to);
    try {
      for (const d of rows) {
        const ev = settledEvent(meta.docId, d);
        if (ev) await publishDeliveryEvent(this.js, ev);
      }
    } catch (e) {
      throw new DxError('UNAVAILABLE', `publish delivery events: ${(e as Error).message}`, 503, true);
    }
    return outcome;
  }

  private async settle(meta: AcceptedPackageMeta, bytes: Uint8Array, now: Date): Promise<ForwardOutcome> {
    const rows = await this.deliveries.ofDoc(meta.docId, meta.to);
    const outbound = rows.filter((d) => d.state === 'outbound').map((d) => d.recipient);
    if (!outbound.length) return 'nothing';
    const lifetime = this.options.packageLifetimeSeconds;
    if (isPastLifetime(meta.acceptedAt, lifetime, now)) {
      await this.expire(meta, outbound, lifetime);
      return 'expired';
    }
    try {
      const sent = await this.link.send(bytes, {
        from: meta.from,
        messageType: meta.messageType,
        to: outbound,
        trace: meta.trace ?? [],
      });
      await this.deliveries.settle(meta.docId, outbound, 'forwarded');
      this.logger.log(
        `${meta.docId} forwarded to ${this.options.parentOrganId} as ${sent.docId}` +
          `${sent.duplicate ? ' (already there)' : ''} for ${outbound.join(', ')}`,
      );
      return 'forwarded';
    } catch (e) {
      if (!(e instanceof ParentLinkError)) throw e;
      if (e.transient) {
        if (isPastLifetime(meta.acceptedAt, lifetime, new Date())) {
          await this.expire(meta, outbound, lifetime);
          return 'expired';
        }
        // Kept in the stream and retried with back-off: store and forward.
        throw new DxError('UNAVAILABLE', `parent axis: ${e.message}`, 503, true);
      }
      await this.deliveries.settle(meta.docId, outbound, 'failed', {
        code: e.code,
        reason: `refused by the parent axis ${this.options.parentOrganId}: ${e.message}`.slice(0, MAX_REASON),
      });
      this.logger.warn(`${meta.docId} refused by the parent axis: ${e.message}`);
      return 'failed';
    }
  }

  private async expire(meta: AcceptedPackageMeta, recipients: string[], lifetime: number): Promise<void> {
    await this.deliveries.settle(meta.docId, recipients, 'expired', {
      code: 'EXPIRED',
      reason: `not delivered within the package lifetime (${lifetime} s)`,
    });
    this.logger.warn(`${meta.docId} expired before the parent axis took it (${recipients.join(', ')})`);
  }
}
