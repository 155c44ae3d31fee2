import { DocaxisClientError } from '#sdk-client';
import { ParentLinkError } from './parent-link.js';

/**
 * Whether a failure of the parent is worth retrying. Retried: no answer (network, timeout), any 5xx,
 * UNAVAILABLE, an answer that is not the SDK's (a proxy's page, a wrong URL), and authentication failures
 * (a clock or credential problem of this axis: the packages are not at fault and must not be lost over it).
 * Anything else is the parent refusing this package (FORBIDDEN_SENDER, EDXML_*, DUPLICATE_DOCUMENT_ID, ...).
 */
export function isTransientParentFailure(code: string, httpStatus: number): boolean {
  return (
    httpStatus === 0 ||
    httpStatus >= 500 ||
    code === 'UNAVAILABLE' ||
    code === 'BAD_RESPONSE' ||
    code.startsWith('AUTH_')
  );
}

export function toParentLinkError(e: unknown, what: string): ParentLinkError {
  if (e instanceof ParentLinkError) return e;
  if (e instanceof DocaxisClientError) {
    return new ParentLinkError(
      e.code,
      `${what}: ${e.code}: ${e.message}`,
      isTransientParentFailure(e.code, e.httpStatus),
    );
  }
  return new ParentLinkError('UNAVAILABLE', `${what}: ${(e as Error)?.message ?? String(e)}`, true);
}
