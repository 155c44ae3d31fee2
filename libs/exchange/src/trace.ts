// The hops a package took (TraceHeaders), carried beside its bytes: read from a forwarding axis, extended by us.
import { DxError, decodeTrace, type TraceHop } from '#contracts';
import { formatEdxmlTimestamp, isOrganId, parseEdxmlTimestamp } from '#edxml';
import { SEND_HEADERS } from '#sdk-client';

/** More hops than any real route (agency → province → national → province) takes: a loop or junk. */
export const MAX_TRACE_HOPS = 32;

/** The hops of an x-dx-trace header ([] when absent); BAD_REQUEST naming what is wrong otherwise. */
export function parseTraceHeader(value: string | undefined): TraceHop[] {
  let hops: TraceHop[];
  try {
    hops = decodeTrace(value);
  } catch (e) {
    throw new DxError('BAD_REQUEST', `header ${SEND_HEADERS.trace}: ${(e as Error).message}`);
  }
  checkTrace(hops, `header ${SEND_HEADERS.trace}`);
  return hops;
}

/** Each hop names an agency identifier and an edXML timestamp; at most MAX_TRACE_HOPS of them. */
export function checkTrace(hops: readonly TraceHop[], where: string): void {
  if (hops.length > MAX_TRACE_HOPS) {
    throw new DxError('BAD_REQUEST', `${where}: ${hops.length} hops, at most ${MAX_TRACE_HOPS}`);
  }
  hops.forEach((h, i) => {
    if (!isOrganId(h.OrganId)) {
      throw new DxError(
        'BAD_REQUEST',
        `${where}: hop ${i} OrganId ${JSON.stringify(h.OrganId)} is not an agency identifier`,
      );
    }
    if (h.Timestamp.length > 32 || !parseEdxmlTimestamp(h.Timestamp)) {
      throw new DxError(
        'BAD_REQUEST',
        `${where}: hop ${i} Timestamp ${JSON.stringify(h.Timestamp.slice(0, 40))} is not an edXML timestamp`,
      );
    }
  });
}

/** The trace with this hub's hop appended: its OrganId and the time, as a TraceHeader writes it. */
export function withHop(trace: readonly TraceHop[], axisOrganId: string, now = new Date()): TraceHop[] {
  return [...trace, { OrganId: axisOrganId, Timestamp: formatEdxmlTimestamp(now) }];
}
