import { describe, it, expect } from '@jest/globals';
import { csvField, formatSearchResults, SEARCH_CSV_COLUMNS } from './search.format.js';
import type { SearchItem } from './search.repository.js';

const item = (over: Partial<SearchItem> = {}): SearchItem => ({
  docId: '7d0b3c1e-0000-4000-8000-000000000002',
  documentId: '000.00.00.G22,2024/03/15,101/VPCP-TTĐT',
  from: '000.00.00.G22',
  codeNumber: '101',
  codeNotation: 'VPCP-TTĐT',
  subject: 'V/v "kết nối", liên thông\nphần mềm',
  promulgationDate: '2024/03/15',
  typeName: 'Công văn',
  priority: '0',
  dueDate: null,
  acceptedAt: '2024-03-15T02:00:00.000Z',
  recipients: [
    { organId: '000.00.01.H41', status: '03', statusAt: '2024-03-15T04:00:00.000Z' },
    { organId: '000.00.02.H41', status: null, statusAt: null },
  ],
  ...over,
});

async function text(items: SearchItem[], format: 'csv' | 'json'): Promise<string> {
  async function* gen() {
    yield* items;
  }
  let out = '';
  for await (const chunk of formatSearchResults(gen(), format)) out += chunk;
  return out;
}

describe('search result formats', () => {
  it('quotes CSV fields only when they need it (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "x"')).toBe('"say ""x"""');
    expect(csvField('two\r\nlines')).toBe('"two\r\nlines"');
    expect(csvField(null)).toBe('');
    expect(csvField(0)).toBe('0');
  });

  it('writes a CSV header and one line per item', async () => {
    expect((await text([item()], 'csv')).split('\r\n')).toEqual([
      SEARCH_CSV_COLUMNS.join(','),
      '7d0b3c1e-0000-4000-8000-000000000002,"000.00.00.G22,2024/03/15,101/VPCP-TTĐT",000.00.00.G22,' +
        '000.00.01.H41:03;000.00.02.H41:-,101,VPCP-TTĐT,2024/03/15,Công văn,0,,2024-03-15T02:00:00.000Z,' +
        '"V/v ""kết nối"", liên thông\nphần mềm"',
      '',
    ]);
    expect(await text([], 'csv')).toBe(`${SEARCH_CSV_COLUMNS.join(',')}\r\n`);
  });

  it('writes a JSON array that parses back to the items, empty or not', async () => {
    const items = [item(), item({ docId: '7d0b3c1e-0000-4000-8000-000000000003', subject: null })];
    expect(JSON.parse(await text(items, 'json'))).toEqual(items);
    expect(JSON.parse(await text([], 'json'))).toEqual([]);
  });
});
