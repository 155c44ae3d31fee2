import { describe, it, expect } from '@jest/globals';
import { DocaxisClientError } from '#sdk-client';
import { isTransientParentFailure, toParentLinkError } from './link-errors.js';
import { ParentLinkError } from './parent-link.js';

describe('parent failures', () => {
  it('keeps the package when the link, the parent or our own configuration is at fault', () => {
    expect(isTransientParentFailure('UNAVAILABLE', 0)).toBe(true); // no answer
    expect(isTransientParentFailure('UNAVAILABLE', 503)).toBe(true);
    expect(isTransientParentFailure('INTERNAL', 500)).toBe(true);
    expect(isTransientParentFailure('BAD_RESPONSE', 404)).toBe(true); // a wrong URL or a proxy page
    expect(isTransientParentFailure('AUTH_BAD_SIGNATURE', 401)).toBe(true);
    expect(isTransientParentFailure('AUTH_STALE_TIMESTAMP', 401)).toBe(true);
  });

  it("treats the parent's verdict on the package itself as final", () => {
    expect(isTransientParentFailure('FORBIDDEN_SENDER', 403)).toBe(false);
    expect(isTransientParentFailure('EDXML_MALFORMED', 400)).toBe(false);
    expect(isTransientParentFailure('DUPLICATE_DOCUMENT_ID', 409)).toBe(false);
  });

  it('wraps client errors and anything else', () => {
    const refused = toParentLinkError(
      new DocaxisClientError('FORBIDDEN_SENDER', 'not yours', 403),
      'sendEdoc',
    );
    expect(refused).toMatchObject({ code: 'FORBIDDEN_SENDER', transient: false });
    expect(refused.message).toBe('sendEdoc: FORBIDDEN_SENDER: not yours');
    expect(toParentLinkError(new Error('socket hang up'), 'getEdoc')).toMatchObject({
      code: 'UNAVAILABLE',
      transient: true,
    });
    const same = new ParentLinkError('X', 'y', false);
    expect(toParentLinkError(same, 'z')).toBe(same);
  });
});
