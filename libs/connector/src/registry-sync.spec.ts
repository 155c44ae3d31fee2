import { describe, it, expect } from '@jest/globals';
import type { AgencyItem } from '#sdk-client';
import { agenciesToImport } from './registry-sync.js';

const H41 = '000.00.00.H41';
const G22 = '000.00.00.G22';

describe('agenciesToImport', () => {
  const items: AgencyItem[] = [
    { organId: '000.00.01.H41', name: 'Sở A', axisOrganId: H41, systemId: 'axis-H41', version: 3 },
    {
      organId: '000.00.01.H14',
      name: 'Sở B',
      axisOrganId: '000.00.00.H14',
      systemId: 'axis-H14',
      code2020: 'H14.01',
      email: 'so-b@example.gov.vn',
      version: 4,
    },
    { organId: '000.00.00.G09', name: 'Bộ Nội vụ', axisOrganId: G22, systemId: 'demo-ministry', version: 5 },
    { organId: '000.00.00.G01', name: 'No axis given', version: 6 },
    { organId: '000.00.02.H14', name: 'Removed', axisOrganId: '000.00.00.H14', deleted: true, version: 7 },
  ];

  it("imports other axes' agencies as remote (their axis, no system here) and skips this axis's own", () => {
    const out = agenciesToImport(items, H41, G22);
    expect(out.map((a) => a.organId)).toEqual([
      '000.00.01.H14',
      '000.00.00.G09',
      '000.00.00.G01',
      '000.00.02.H14',
    ]);
    expect(out[0]).toEqual({
      organId: '000.00.01.H14',
      name: 'Sở B',
      code2020: 'H14.01',
      parentOrganId: null,
      axisOrganId: '000.00.00.H14',
      systemId: null,
      email: 'so-b@example.gov.vn',
      deleted: false,
    });
  });

  it("places an agency the parent lists without an axis on the parent's own axis, and keeps deletions", () => {
    const out = agenciesToImport(items, H41, G22);
    expect(out.find((a) => a.organId === '000.00.00.G01')?.axisOrganId).toBe(G22);
    expect(out.find((a) => a.organId === '000.00.02.H14')?.deleted).toBe(true);
  });
});
