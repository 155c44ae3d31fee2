import { describe, it, expect } from '@jest/globals';
import { agenciesInScope } from './caller-scope.js';

const caller = { systemId: 'sys-a', agencies: new Set(['000.00.00.H41', '000.00.01.H41']) };

describe('agenciesInScope', () => {
  it("is all of the caller's agencies when none is named", () => {
    expect(agenciesInScope(caller).sort()).toEqual(['000.00.00.H41', '000.00.01.H41']);
    expect(agenciesInScope(caller, '')).toHaveLength(2);
  });

  it("is the named agency when it is the caller's", () => {
    expect(agenciesInScope(caller, '000.00.01.H41')).toEqual(['000.00.01.H41']);
  });

  it("refuses another system's agency with FORBIDDEN_AGENCY", () => {
    expect(() => agenciesInScope(caller, '000.00.00.G22')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN_AGENCY', httpStatus: 403 }),
    );
  });
});
