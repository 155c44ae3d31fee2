import { describe, expect, it } from '@jest/globals';
import { tokenSubjects } from './token-subjects.js';

describe('tokenSubjects', () => {
  const family = tokenSubjects({ put: 'dx.t.*.put', get: 'dx.t.*.get' }, /^[A-Z]+$/);

  it('builds, parses and subscribes to one family of subjects', () => {
    expect(family.wildcard).toBe('dx.t.*.*');
    expect(family.subject('put', 'AB')).toBe('dx.t.AB.put');
    expect(family.parse('dx.t.AB.get')).toEqual({ token: 'AB', op: 'get' });
  });

  it('parses nothing outside the family', () => {
    for (const s of ['dx.t.ab.get', 'dx.t.AB.drop', 'dx.t.AB.constructor', 'dx.u.AB.get', 'dx.t.A.B.get']) {
      expect(family.parse(s)).toBeNull();
    }
  });

  it('refuses subjects of another shape', () => {
    expect(() => tokenSubjects({ put: 'dx.t.*.get' }, /./)).toThrow(/not <prefix>/);
    expect(() => tokenSubjects({ put: 'dx.t.*.put', get: 'dx.u.*.get' }, /./)).toThrow(/differ in prefix/);
  });
});
