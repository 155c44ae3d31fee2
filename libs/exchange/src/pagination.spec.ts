import { describe, it, expect } from '@jest/globals';
import {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  deliveryCursor,
  isDocId,
  messageTypes,
  pageLimit,
  requireDocId,
} from './pagination.js';

describe('paging helpers', () => {
  it('defaults the page size and refuses sizes outside 1..MAX', () => {
    expect(pageLimit(undefined)).toBe(DEFAULT_PAGE_SIZE);
    expect(pageLimit(1)).toBe(1);
    expect(pageLimit(MAX_PAGE_SIZE)).toBe(MAX_PAGE_SIZE);
    for (const bad of [0, -1, MAX_PAGE_SIZE + 1, 2.5]) {
      expect(() => pageLimit(bad)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    }
  });

  it('takes an inbox cursor as a delivery id and starts from 0 without one', () => {
    expect(deliveryCursor(undefined)).toBe('0');
    expect(deliveryCursor('')).toBe('0');
    expect(deliveryCursor('42')).toBe('42');
    expect(() => deliveryCursor('42; DROP TABLE delivery')).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
  });

  it('lists one message type or both', () => {
    expect(messageTypes('status')).toEqual(['status']);
    expect(messageTypes(undefined)).toEqual(['edoc', 'status']);
    expect(() => messageTypes('fax' as 'edoc')).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
  });

  it('recognises DocIds (UUIDs) and lower-cases them', () => {
    const id = 'A3F0C2D4-1B2C-4D5E-8F90-0123456789AB';
    expect(isDocId(id)).toBe(true);
    expect(requireDocId(id)).toBe(id.toLowerCase());
    expect(isDocId('000.00.00.G22,2015/09/30,7816/VPCP-TTĐT')).toBe(false);
    expect(() => requireDocId('nope', 'after')).toThrow(/after must be a DocId/);
  });
});
