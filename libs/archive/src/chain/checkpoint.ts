// Signed checkpoints of the archive chain: the seal attests "the chain's head at seq N is digest D". Pure, so
// `docaxis verify-export` checks them offline.
import { DxError } from '#contracts';
import { signSealedJws, verifySealedJws, type ReceiptTrust, type Seal } from '#trust';

export const CHECKPOINT_TYPE = 'dx-archive-checkpoint+jws';

export interface CheckpointPayload {
  v: 1;
  kind: 'archive-checkpoint';
  /** OrganId of the axis whose archive this is. */
  axis: string;
  seq: number;
  digest: string;
  at: string;
}

export const signCheckpoint = (seal: Seal, payload: CheckpointPayload): string =>
  signSealedJws(seal, CHECKPOINT_TYPE, payload);

/**
 * Verifies a checkpoint's signature (and, given a trust store, the seal's chain at the checkpoint's time).
 * Errors: SIG_MALFORMED, SIG_ALGORITHM, SIG_INVALID, CERT_*.
 */
export function verifyCheckpoint(jws: string, opts: { trust?: ReceiptTrust } = {}): CheckpointPayload {
  const { leaf, extra, payload } = verifySealedJws(jws, CHECKPOINT_TYPE);
  const p = payload as Partial<CheckpointPayload> | null;
  if (
    !p ||
    p.v !== 1 ||
    p.kind !== 'archive-checkpoint' ||
    typeof p.seq !== 'number' ||
    typeof p.digest !== 'string' ||
    typeof p.at !== 'string'
  ) {
    throw new DxError('SIG_MALFORMED', 'not an archive checkpoint: payload fields missing');
  }
  if (opts.trust) opts.trust.verify(leaf, { at: new Date(p.at), purpose: 'seal', extra });
  return p as CheckpointPayload;
}
