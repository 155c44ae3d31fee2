/** One TraceHeader: an axis the package passed through, and when (edXML timestamp, Vietnam local time). */
export interface TraceHop {
  OrganId: string;
  Timestamp: string;
}

// Hops travel beside the package bytes (never inside them, so signatures keep verifying): in the Dx-Trace NATS
// header and the x-dx-trace HTTP header, both with this one encoding.

/** A percent-encoded JSON array (header values must be ASCII). */
export const encodeTrace = (trace: readonly TraceHop[]): string => encodeURIComponent(JSON.stringify(trace));

/** The hops of an x-dx-trace value ([] when absent); throws an Error saying what is wrong otherwise. */
export function decodeTrace(value: string | null | undefined): TraceHop[] {
  if (value === null || value === undefined || value.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(decodeURIComponent(value));
  } catch {
    throw new Error('not a percent-encoded JSON array');
  }
  if (!Array.isArray(parsed)) throw new Error('not a JSON array');
  return parsed.map((h: unknown, i) => {
    const hop = h as { OrganId?: unknown; Timestamp?: unknown } | null;
    if (typeof hop?.OrganId !== 'string' || typeof hop?.Timestamp !== 'string') {
      throw new Error(`hop ${i} is not {OrganId, Timestamp}`);
    }
    return { OrganId: hop.OrganId, Timestamp: hop.Timestamp };
  });
}
