import { DxError } from '#contracts';
import type { DeliveryState } from '#store';

/** The acknowledgements a receiving system sends with updateStatus (transport, not business, statuses). */
export const TRANSPORT_STATUSES = ['processing', 'done', 'fail'] as const;
export type TransportStatus = (typeof TRANSPORT_STATUSES)[number];

export const isTransportStatus = (v: unknown): v is TransportStatus =>
  typeof v === 'string' && (TRANSPORT_STATUSES as readonly string[]).includes(v);

/**
 * Whether a receiver may move its copy from `current` to `requested`:
 * - pending / processing → processing | done | fail;
 * - fail → processing | done (a receiver that failed may retry: getEdoc still serves the package);
 * - done is final: repeating done is accepted (idempotent retry), anything else is refused;
 * - failed (the hub could not deliver) and expired (not fetched within the package lifetime) accept nothing;
 * - outbound and forwarded copies belong to agencies of other axes, which acknowledge at their own axis.
 * Returns false when the copy is already in that state (nothing to change), true when it changes.
 */
export function checkTransition(current: DeliveryState, requested: TransportStatus, where: string): boolean {
  if (current === requested) return false;
  if (current === 'done') {
    throw new DxError(
      'BAD_REQUEST',
      `${where} is already done; done is final and cannot become ${requested}`,
    );
  }
  if (current === 'failed') {
    throw new DxError('BAD_REQUEST', `${where} could not be delivered (failed); it cannot be acknowledged`);
  }
  if (current === 'expired') {
    throw new DxError(
      'BAD_REQUEST',
      `${where} expired (not delivered within the package lifetime); it cannot be acknowledged`,
    );
  }
  if (current === 'outbound' || current === 'forwarded') {
    throw new DxError('BAD_REQUEST', `${where} goes to another axis (${current}); it is acknowledged there`);
  }
  return true;
}
