import type { TraceHop } from './sdk.protocol.js';

/** Hops travel in one HTTP header as a percent-encoded JSON array (header values must be ASCII). */
export const encodeTraceHeader = (trace: readonly TraceHop[]): string =>
  encodeURIComponent(JSON.stringify(trace));

/** The hops of an x-dx-trace value ([] when absent); throws an Error saying what is wrong otherwise. */
export function decodeTraceHeader(value: string | null | undefined): TraceHop[] {
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
