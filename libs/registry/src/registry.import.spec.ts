import { describe, it, expect } from '@jest/globals';
import { DxError } from '#contracts';
import { parseImport } from './registry.import.js';

const HEADER = 'organId,code2020,name,parentOrganId,axisOrganId,systemId,email';

function refusal(fn: () => unknown): DxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DxError) return e;
    throw e;
  }
  throw new Error('expected a DxError');
}

describe('parseImport csv', () => {
  it('maps the documented columns, empty cells to null (clear), no deleted column to undefined (keep)', () => {
    const csv = [
      HEADER,
      '000.00.00.H41,H41,"UBND tỉnh Nghệ An",,,,',
      '000.01.00.H41,,"Sở Y tế, tỉnh Nghệ An",000.00.00.H41,000.00.00.H41,nghean-qlvb,syt@nghean.gov.vn',
    ].join('\n');
    const { agencies, systems } = parseImport('csv', csv);
    expect(systems).toEqual([]);
    expect(agencies).toEqual([
      {
        organId: '000.00.00.H41',
        code2020: 'H41',
        name: 'UBND tỉnh Nghệ An',
        parentOrganId: null,
        axisOrganId: null,
        systemId: null,
        email: null,
        where: 'line 2',
      },
      {
        organId: '000.01.00.H41',
        code2020: null,
        name: 'Sở Y tế, tỉnh Nghệ An',
        parentOrganId: '000.00.00.H41',
        axisOrganId: '000.00.00.H41',
        systemId: 'nghean-qlvb',
        email: 'syt@nghean.gov.vn',
        where: 'line 3',
      },
    ]);
  });

  it('accepts columns in any order and case, an optional deleted column, and only the required ones', () => {
    const a = parseImport('csv', 'Name,ORGANID,deleted\nX,000.00.00.G22,true\nY,000.00.00.G09,0\n').agencies;
    expect(a.map((r) => [r.organId, r.name, r.deleted])).toEqual([
      ['000.00.00.G22', 'X', true],
      ['000.00.00.G09', 'Y', false],
    ]);
    // Columns the file does not have are not in the record at all: the stored values stay.
    expect(Object.keys(a[0]).sort()).toEqual(['deleted', 'name', 'organId', 'where']);
    const blank = parseImport('csv', 'organId,name,deleted\n000.00.00.G22,X,\n').agencies[0];
    expect('deleted' in blank).toBe(false);
  });

  it('reads a systems CSV (systemId, no organId) with role and auth; an empty cell keeps the stored value', () => {
    const csv =
      'systemId,name,secret,role,auth\narch,Lưu trữ,secret-of-the-archive,archivist,mtls\nq,QLVB,,,\n';
    expect(parseImport('csv', csv)).toEqual({
      agencies: [],
      systems: [
        {
          systemId: 'arch',
          name: 'Lưu trữ',
          secret: 'secret-of-the-archive',
          role: 'archivist',
          auth: 'mtls',
          where: 'line 2',
        },
        { systemId: 'q', name: 'QLVB', secret: null, where: 'line 3' },
      ],
    });
    expect(refusal(() => parseImport('csv', 'systemId,name,auth\nq,QLVB,tls\n')).message).toMatch(
      /^line 2: auth: auth must be hmac, mtls or any, got "tls"/,
    );
    expect(refusal(() => parseImport('csv', 'systemId,role\n')).message).toMatch(/missing column "name"/);
    // A file with organId stays an agencies file, where systemId is a column of each agency.
    expect(parseImport('csv', 'organId,name,systemId\n000.00.00.G22,X,q\n').agencies[0].systemId).toBe('q');
  });

  it('reads role and auth of JSON systems and refuses unknown values', () => {
    const { systems } = parseImport(
      'json',
      JSON.stringify({ systems: [{ systemId: 'arch', name: 'A', role: 'archivist', auth: 'hmac' }] }),
    );
    expect(systems[0]).toMatchObject({ role: 'archivist', auth: 'hmac', secret: null });
    const e = refusal(() =>
      parseImport('json', JSON.stringify({ systems: [{ systemId: 'x', name: 'X', role: 'admin' }] })),
    );
    expect(e.message).toMatch(/^systems\[0\]: role: role must be system or archivist/);
  });

  it('refuses unknown, duplicated or missing columns', () => {
    expect(refusal(() => parseImport('csv', 'organId,name,fax\n')).message).toMatch(
      /line 1: unknown column "fax"/,
    );
    expect(refusal(() => parseImport('csv', 'organId,name,name\n')).message).toMatch(/appears twice/);
    expect(refusal(() => parseImport('csv', 'organId,email\n')).message).toMatch(/missing column "name"/);
    expect(refusal(() => parseImport('csv', '')).message).toMatch(/no header row/);
  });

  it('names the line and the field of a bad row', () => {
    const e = refusal(() => parseImport('csv', `${HEADER}\n000.00.00.G22,,VPCP,,,,\nH37.02.02,,Bad,,,,\n`));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.message).toMatch(/^line 3: organId: organId must be a QCVN 102 OrganId .*H37\.02\.02/);
    expect(refusal(() => parseImport('csv', `${HEADER}\n000.00.00.G22,,   ,,,,\n`)).message).toMatch(
      /line 2: name: /,
    );
    expect(refusal(() => parseImport('csv', `${HEADER}\n000.00.00.G22,h41,X,,,,\n`)).message).toMatch(
      /line 2: code2020: /,
    );
    expect(refusal(() => parseImport('csv', `${HEADER}\n000.00.00.G22,,X,,,,not-mail\n`)).message).toMatch(
      /line 2: email: /,
    );
    expect(refusal(() => parseImport('csv', `${HEADER}\n000.00.00.G22,,X,,,bad id,\n`)).message).toMatch(
      /line 2: systemId: /,
    );
    expect(refusal(() => parseImport('csv', `${HEADER}\n000.00.00.G22,,X,,\n`)).message).toBe(
      'line 2: expected 7 fields, got 5',
    );
    expect(
      refusal(() => parseImport('csv', 'organId,name,deleted\n000.00.00.G22,X,maybe\n')).message,
    ).toMatch(/line 2: deleted must be true or false/);
    expect(refusal(() => parseImport('csv', `${HEADER}\n000.00.00.G22,,"X\n`)).message).toMatch(
      /line 2: unterminated quoted field/,
    );
  });

  it('refuses a repeated organId or code2020', () => {
    const dupId = `${HEADER}\n000.00.00.G22,,A,,,,\n000.00.00.G09,,B,,,,\n000.00.00.G22,,C,,,,\n`;
    expect(refusal(() => parseImport('csv', dupId)).message).toBe(
      'line 4: organId 000.00.00.G22 repeats line 2',
    );
    const dupCode = `${HEADER}\n000.00.00.G22,G22,A,,,,\n000.00.00.G09,G22,B,,,,\n`;
    expect(refusal(() => parseImport('csv', dupCode)).message).toBe('line 3: code2020 G22 repeats line 2');
  });
});

describe('parseImport json', () => {
  it('accepts an array of agencies', () => {
    const { agencies } = parseImport('json', JSON.stringify([{ organId: '000.00.00.G22', name: 'VPCP' }]));
    expect(agencies).toHaveLength(1);
    // Absent keys keep stored values, an explicit null clears.
    expect(agencies[0]).toStrictEqual({ organId: '000.00.00.G22', name: 'VPCP', where: 'agencies[0]' });
    const cleared = parseImport(
      'json',
      JSON.stringify([{ organId: '000.00.00.G22', name: 'V', email: null }]),
    );
    expect(cleared.agencies[0]).toStrictEqual({
      organId: '000.00.00.G22',
      name: 'V',
      email: null,
      where: 'agencies[0]',
    });
  });

  it('accepts {systems, agencies}', () => {
    const doc = {
      systems: [
        { systemId: 'sys-1', name: 'QLVB', secret: 'x'.repeat(20) },
        { systemId: 'sys-2', name: 'B' },
      ],
      agencies: [{ organId: '000.00.00.H41', name: 'Nghệ An', systemId: 'sys-1', deleted: false }],
    };
    const r = parseImport('json', JSON.stringify(doc));
    expect(r.systems).toEqual([
      { systemId: 'sys-1', name: 'QLVB', secret: 'x'.repeat(20), where: 'systems[0]' },
      { systemId: 'sys-2', name: 'B', secret: null, where: 'systems[1]' },
    ]);
    expect(r.agencies[0].systemId).toBe('sys-1');
  });

  it('names the index and field of a bad item', () => {
    const bad = [
      { organId: '000.00.00.G22', name: 'A' },
      { organId: '000.00.00.G09', name: 'B', fax: '1' },
    ];
    expect(refusal(() => parseImport('json', JSON.stringify(bad))).message).toMatch(
      /^agencies\[1\]: fax: property fax should not exist/,
    );
    const wrongType = [{ organId: '000.00.00.G22', name: 'A', deleted: 'yes' }];
    expect(refusal(() => parseImport('json', JSON.stringify(wrongType))).message).toMatch(
      /agencies\[0\]: deleted:/,
    );
    expect(refusal(() => parseImport('json', '[1]')).message).toBe('agencies[0]: expected an object');
    const shortSecret = { systems: [{ systemId: 's', name: 'n', secret: 'short' }] };
    expect(refusal(() => parseImport('json', JSON.stringify(shortSecret))).message).toMatch(
      /systems\[0\]: secret:/,
    );
  });

  it('refuses malformed documents', () => {
    expect(refusal(() => parseImport('json', '{')).message).toMatch(/not valid JSON/);
    expect(refusal(() => parseImport('json', '"x"')).message).toMatch(/must be an array/);
    expect(refusal(() => parseImport('json', '{"agency":[]}')).message).toMatch(
      /unknown top-level key "agency"/,
    );
    expect(refusal(() => parseImport('json', '{"agencies":{}}')).message).toBe('agencies must be an array');
    const dup = {
      systems: [
        { systemId: 's', name: 'a' },
        { systemId: 's', name: 'b' },
      ],
    };
    expect(refusal(() => parseImport('json', JSON.stringify(dup))).message).toBe(
      'systems[1]: systemId s repeats systems[0]',
    );
  });
});
