import { buildEdxml, parseEdxml, TraceHeader, TraceHeaderList } from '#edxml';
import type { TraceHop } from '#sdk-client';

/**
 * The `traced` view of a document: a rebuilt copy whose TraceHeaderList ends with the hub hops. It is NOT the
 * signed original (rebuilding changes the bytes, so a package signature over them no longer verifies); it
 * exists for systems that expect the hops inside the package. Null for a status package (it has no
 * TraceHeaderList) or bytes that do not parse: the caller then serves the original.
 */
export function tracedCopy(content: Buffer, trace: readonly TraceHop[]): Buffer | null {
  let pkg;
  try {
    pkg = parseEdxml(content);
  } catch {
    return null;
  }
  if (pkg.kind !== 'edoc') return null;
  const list = pkg.TraceHeaderList ?? Object.assign(new TraceHeaderList(), { traces: [] });
  list.traces = [
    ...(list.traces ?? []),
    ...trace.map((h) => Object.assign(new TraceHeader(), { OrganId: h.OrganId, Timestamp: h.Timestamp })),
  ];
  pkg.TraceHeaderList = list;
  return buildEdxml(pkg);
}
