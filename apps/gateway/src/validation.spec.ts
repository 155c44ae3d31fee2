import { describe, it, expect } from '@jest/globals';
import { GetEdocDto } from './dto/get-edoc.dto.js';
import { ReceivedListDto } from './dto/received-list.dto.js';
import { UpdateStatusDto } from './dto/update-status.dto.js';
import { validateDto } from './validation.js';

const messageOf = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
  return 'no error';
};

describe('DTO validation', () => {
  it('names the field that is wrong', () => {
    expect(messageOf(() => validateDto(GetEdocDto, { docId: '12' }))).toBe(
      'BAD_REQUEST: docId must be a UUID',
    );
    expect(
      messageOf(() => validateDto(UpdateStatusDto, { docId: crypto.randomUUID(), status: 'read' })),
    ).toMatch(/^BAD_REQUEST: status must be one of the following values: processing, done, fail$/);
  });

  it('refuses unknown fields', () => {
    expect(messageOf(() => validateDto(ReceivedListDto, { messagetype: 'edoc', page: 2 }))).toBe(
      'BAD_REQUEST: property page should not exist',
    );
  });

  it('accepts a well-formed body', () => {
    const dto = validateDto(ReceivedListDto, { messagetype: 'status', limit: 5 });
    expect(dto).toBeInstanceOf(ReceivedListDto);
    expect(dto.limit).toBe(5);
  });
});
