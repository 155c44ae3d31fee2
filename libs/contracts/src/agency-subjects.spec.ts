import { describe, expect, it } from '@jest/globals';
import { agencyNatsSubject, agencyToken, organIdOfToken, parseAgencyNatsSubject } from './agency-subjects.js';

describe('agency NATS subjects', () => {
  it('maps an OrganId to one subject token and back', () => {
    expect(agencyToken('000.00.01.H41')).toBe('000_00_01_H41');
    expect(organIdOfToken('000_00_01_H41')).toBe('000.00.01.H41');
    expect(agencyNatsSubject('send', 'G01.01')).toBe('dx.agency.G01_01.send');
    expect(parseAgencyNatsSubject('dx.agency.000_00_01_H41.inbox')).toEqual({
      organId: '000.00.01.H41',
      op: 'inbox',
    });
  });

  it('refuses what is not an OrganId or not one of the calls', () => {
    for (const bad of ['', 'a.b', '000..01', '000.01.', 'X>', 'X*', '000 01']) {
      expect(() => agencyToken(bad)).toThrow(/not an OrganId/);
    }
    expect(() => organIdOfToken('000__01')).toThrow(/not an agency token/);
    expect(parseAgencyNatsSubject('dx.agency.000_01.delete')).toBeNull();
    expect(parseAgencyNatsSubject('dx.agency.000_01.toString')).toBeNull();
    expect(parseAgencyNatsSubject('dx.agency.000.01.send')).toBeNull();
  });
});
