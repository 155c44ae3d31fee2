import type { MsgHdrs } from '@nats-io/nats-core';

/** What a handler receives from the bus: raw bytes plus headers, never a re-serialised copy. */
export interface BusMessage {
  subject: string;
  headers: Record<string, string>;
  data: Uint8Array;
  /** 1 on first delivery. */
  deliveryCount: number;
  streamSequence: number;
}

export function headersToRecord(h: MsgHdrs | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!h) return out;
  for (const k of h.keys()) out[k] = h.get(k);
  return out;
}
