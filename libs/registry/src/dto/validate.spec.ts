import { describe, it, expect } from '@jest/globals';
import { DxError } from '#contracts';
import { validateInput, validateRow } from './validate.js';
import { ImportRegistryDto, ListAgenciesDto, ResolveAgenciesDto, UpsertSystemDto } from './requests.dto.js';
import { AgencyInputDto } from './agency.dto.js';

function error(fn: () => unknown): DxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DxError) return e;
    throw e;
  }
  throw new Error('expected a DxError');
}

describe('validateInput', () => {
  it('returns a typed instance for valid input', () => {
    const dto = validateInput(ListAgenciesDto, { limit: 10, sinceVersion: 0, after: '000.00.00.G22' });
    expect(dto).toBeInstanceOf(ListAgenciesDto);
    expect(dto.limit).toBe(10);
  });

  it('answers BAD_REQUEST (400) naming each failing field', () => {
    const e = error(() => validateInput(ListAgenciesDto, { limit: 0, sinceVersion: 'x' }));
    expect(e.code).toBe('BAD_REQUEST');
    expect(e.httpStatus).toBe(400);
    expect(e.message).toMatch(/limit: /);
    expect(e.message).toMatch(/sinceVersion: /);
    expect(error(() => validateInput(ListAgenciesDto, { limit: 5001 })).message).toMatch(/limit: /);
  });

  it('refuses unknown properties and non-objects', () => {
    expect(
      error(() => validateInput(ImportRegistryDto, { format: 'csv', content: '', x: 1 })).message,
    ).toMatch(/x: property x should not exist/);
    expect(error(() => validateInput(ImportRegistryDto, { format: 'xml', content: '' })).message).toMatch(
      /format: /,
    );
    expect(error(() => validateInput(ResolveAgenciesDto, null)).message).toBe('expected an object');
    expect(error(() => validateInput(ResolveAgenciesDto, ['a'], 'req')).message).toBe(
      'req: expected an object',
    );
  });

  it('checks array items', () => {
    expect(
      validateInput(ResolveAgenciesDto, { organIds: ['000.00.00.G22', 'anything'] }).organIds,
    ).toHaveLength(2);
    expect(error(() => validateInput(ResolveAgenciesDto, { organIds: ['a', 3] })).message).toMatch(
      /organIds: /,
    );
    expect(error(() => validateInput(ResolveAgenciesDto, {})).message).toMatch(/organIds: /);
  });

  it('enforces identifier forms: OrganId is QCVN 102 only, code2020 is Decision 20/2020', () => {
    expect(
      validateInput(AgencyInputDto, { organId: '001.00.99.H44', code2020: 'H37.02.02', name: 'x' }),
    ).toBeTruthy();
    for (const organId of [
      'H37.02.02',
      '000.00.00.g22',
      '000.00.00.G2',
      '0000.00.00.G22',
      ' 000.00.00.G22',
    ]) {
      expect(error(() => validateInput(AgencyInputDto, { organId, name: 'x' })).message).toMatch(
        /^organId: /,
      );
    }
    expect(
      error(() =>
        validateInput(AgencyInputDto, { organId: '000.00.00.G22', name: 'x', code2020: 'A'.repeat(36) }),
      ).message,
    ).toMatch(/^code2020: /);
  });

  it('checks system upserts', () => {
    expect(
      validateInput(UpsertSystemDto, { systemId: 'nghean.qlvb-1', name: 'QLVB' }).secret,
    ).toBeUndefined();
    expect(error(() => validateInput(UpsertSystemDto, { systemId: 'a b', name: 'x' })).message).toMatch(
      /systemId: /,
    );
    expect(error(() => validateInput(UpsertSystemDto, { systemId: 'a', name: '' })).message).toMatch(
      /name: /,
    );
    expect(
      error(() => validateInput(UpsertSystemDto, { systemId: 'a', name: 'x', secret: 'short' })).message,
    ).toMatch(/secret: /);
  });

  it('validates import rows the same way without class-transformer, refusing __proto__', () => {
    const row = validateRow(AgencyInputDto, { organId: '000.00.00.G22', name: 'VPCP' }, 'line 2');
    expect(row).toBeInstanceOf(AgencyInputDto);
    expect(row.organId).toBe('000.00.00.G22');
    expect(error(() => validateRow(AgencyInputDto, { organId: 'x', name: 'n' }, 'line 3')).message).toMatch(
      /^line 3: organId: /,
    );
    expect(
      error(() => validateRow(AgencyInputDto, { organId: '000.00.00.G22', name: 'n', x: 1 }, 'l')).message,
    ).toBe('l: x: property x should not exist');
    const polluted = JSON.parse('{"__proto__": {}, "organId": "bad", "name": "n"}');
    expect(error(() => validateRow(AgencyInputDto, polluted, 'agencies[0]')).message).toBe(
      'agencies[0]: property __proto__ should not exist',
    );
  });
});
