import { describe, it, expect } from '@jest/globals';
import { CsvError, parseCsv } from './csv.js';

describe('parseCsv', () => {
  it('splits plain records and keeps empty fields', () => {
    expect(parseCsv('a,b,c\n1,,3\n')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1', '', '3'] },
    ]);
  });

  it('handles quoted commas, doubled quotes and line breaks inside quotes', () => {
    const text = 'id,name\r\n1,"Sở Y tế, tỉnh ""Nghệ An"""\r\n2,"line one\r\nline two"\r\n3,x';
    const rows = parseCsv(text);
    expect(rows).toEqual([
      { line: 1, fields: ['id', 'name'] },
      { line: 2, fields: ['1', 'Sở Y tế, tỉnh "Nghệ An"'] },
      { line: 3, fields: ['2', 'line one\r\nline two'] },
      { line: 5, fields: ['3', 'x'] },
    ]);
  });

  it('drops a BOM, skips blank lines, accepts LF, CRLF and CR endings', () => {
    expect(parseCsv('\uFEFFa,b\n\n1,2\r\n\r\n3,4\r5,6')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['1', '2'] },
      { line: 5, fields: ['3', '4'] },
      { line: 6, fields: ['5', '6'] },
    ]);
  });

  it('reads an empty quoted field and a trailing empty field', () => {
    expect(parseCsv('"",x,\n')).toEqual([{ line: 1, fields: ['', 'x', ''] }]);
  });

  it('reports malformed quoting with its line', () => {
    expect(() => parseCsv('a\n"open\nstill open')).toThrow(new CsvError(2, 'unterminated quoted field'));
    expect(() => parseCsv('a,b\n1,x"y"\n')).toThrow('line 2: quote inside an unquoted field');
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow('line 2: unexpected character after a closing quote');
  });
});
