import { SetMetadata } from '@nestjs/common';

export const AUDIT_ACTION_KEY = 'docaxis:audit-action';

export type AuditAction = 'search' | 'stats' | 'export' | 'view' | 'download' | 'evidence';

/**
 * Records every call of the route in the hash-chained audit log (who, what, when, result). AuditInterceptor,
 * registered globally by AuditModule, does the writing; the response waits for the audit row (streams: the
 * row is written when the response finishes).
 */
export const Audited = (action: AuditAction) => SetMetadata(AUDIT_ACTION_KEY, action);
