import { describe, it, expect } from '@jest/globals';
import { axisCode, axisLinkSubject, axisSystemId, parseAxisLinkSubject } from './axis-link.subjects.js';

describe('axis link subjects', () => {
  it('names a province by the level-1 group of its OrganId', () => {
    expect(axisCode('000.00.00.H41')).toBe('H41');
    expect(axisSystemId(axisCode('000.00.00.H14'))).toBe('axis-H14');
    expect(() => axisCode('000.00.00.h4*')).toThrow();
  });

  it('builds and parses the per-province subjects', () => {
    expect(axisLinkSubject('send', 'H41')).toBe('dx.axis.H41.send');
    expect(parseAxisLinkSubject('dx.axis.H41.fetch')).toEqual({ code: 'H41', op: 'fetch' });
    expect(parseAxisLinkSubject('dx.axis.H41.drop')).toBeNull();
    expect(parseAxisLinkSubject('dx.axis.H41.send.x')).toBeNull();
  });
});
