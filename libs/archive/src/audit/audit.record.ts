import { iso, recordDigest } from '../chain/chain.digest.js';

/** One audited call: who (system + role), what (action, route, target, filters), when, and how it ended. */
export interface AuditEntry {
  at: Date;
  actorSystemId: string;
  actorRole: string;
  action: string;
  route: string;
  target: string | null;
  filters: Record<string, unknown>;
  /** `ok`, or the error code the call ended with. */
  result: string;
}

/** The audit row's own content digest (same scheme as the archive chain). */
export const auditRecordDigest = (e: AuditEntry): string =>
  recordDigest({
    kind: 'audit',
    at: iso(e.at),
    actorSystemId: e.actorSystemId,
    actorRole: e.actorRole,
    action: e.action,
    route: e.route,
    target: e.target,
    filters: e.filters,
    result: e.result,
  });
