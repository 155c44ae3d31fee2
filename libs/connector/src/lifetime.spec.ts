import { describe, it, expect } from '@jest/globals';
import { isPastLifetime, lifetimeEnd } from './lifetime.js';

describe('package lifetime', () => {
  const accepted = '2026-11-23T02:00:00.000Z';

  it('ends lifetimeSeconds after acceptance', () => {
    expect(lifetimeEnd(accepted, 86_400).toISOString()).toBe('2026-11-24T02:00:00.000Z');
    expect(isPastLifetime(accepted, 60, new Date('2026-11-23T02:00:59.999Z'))).toBe(false);
    expect(isPastLifetime(accepted, 60, new Date('2026-11-23T02:01:00.000Z'))).toBe(true);
  });

  it('never expires a package whose acceptance time cannot be read', () => {
    expect(isPastLifetime('not a date', 1, new Date('2100-01-01T00:00:00Z'))).toBe(false);
  });
});
