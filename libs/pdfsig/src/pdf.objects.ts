// The PDF object syntax (ISO 32000-1 §7.3) that signing and verification need: parse one object at an offset,
// keeping the byte offsets of strings (the /Contents hole of a signature), and write objects back.
import { DxError } from '#contracts';

export class PdfName {
  constructor(readonly name: string) {}
}
export class PdfRef {
  constructor(
    readonly num: number,
    readonly gen: number,
  ) {}
}
export class PdfString {
  constructor(
    /** The decoded bytes. */
    readonly bytes: Buffer,
    readonly hex: boolean,
    /** Offsets of the whole token in the file, delimiters included (set when parsed from a file). */
    readonly start = -1,
    readonly end = -1,
  ) {}
  /** Text strings are PDFDocEncoding (≈ latin1) or UTF-16BE with a BOM. */
  text(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) {
      const body = Buffer.from(b.subarray(2, b.length - (b.length % 2)));
      return body.swap16().toString('utf16le');
    }
    return b.toString('latin1');
  }
}
export type PdfDict = Map<string, PdfValue>;
export type PdfValue = number | boolean | null | PdfName | PdfRef | PdfString | PdfValue[] | PdfDict;

export const malformed = (why: string): DxError =>
  new DxError('PDF_MALFORMED', `the PDF cannot be read: ${why}`);

const WS = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIM = new Set([...'()<>[]{}/%'].map((c) => c.charCodeAt(0)));

export class PdfLexer {
  constructor(
    readonly buf: Buffer,
    public pos = 0,
  ) {}

  skipSpace(): void {
    const b = this.buf;
    while (this.pos < b.length) {
      if (WS.has(b[this.pos])) this.pos++;
      else if (b[this.pos] === 0x25 /* % */) {
        while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      } else break;
    }
  }

  /** A regular token (number, keyword), or '' at a delimiter. */
  word(): string {
    this.skipSpace();
    const s = this.pos;
    while (this.pos < this.buf.length && !WS.has(this.buf[this.pos]) && !DELIM.has(this.buf[this.pos]))
      this.pos++;
    return this.buf.toString('latin1', s, this.pos);
  }

  peekWord(): string {
    const p = this.pos;
    const w = this.word();
    this.pos = p;
    return w;
  }

  value(depth = 0): PdfValue {
    if (depth > 64) throw malformed('objects nested too deeply');
    this.skipSpace();
    const b = this.buf;
    const c = b[this.pos];
    if (c === undefined) throw malformed('unexpected end of file');
    if (c === 0x3c /* < */ && b[this.pos + 1] === 0x3c) return this.dict(depth);
    if (c === 0x3c) return this.hexString();
    if (c === 0x28 /* ( */) return this.literalString();
    if (c === 0x5b /* [ */) {
      this.pos++;
      const arr: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (b[this.pos] === 0x5d) {
          this.pos++;
          return arr;
        }
        arr.push(this.value(depth + 1));
      }
    }
    if (c === 0x2f /* / */) return this.name();
    const w = this.word();
    if (w === 'true') return true;
    if (w === 'false') return false;
    if (w === 'null') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(w))
      throw malformed(`unexpected token ${JSON.stringify(w)} at ${this.pos}`);
    const n = Number(w);
    // "12 0 R" is a reference: look ahead without consuming when it is not.
    if (/^\d+$/.test(w)) {
      const save = this.pos;
      const gen = this.word();
      if (/^\d+$/.test(gen) && this.word() === 'R') return new PdfRef(n, Number(gen));
      this.pos = save;
    }
    return n;
  }

  private dict(depth: number): PdfDict {
    this.pos += 2;
    const d: PdfDict = new Map();
    for (;;) {
      this.skipSpace();
      if (this.buf[this.pos] === 0x3e && this.buf[this.pos + 1] === 0x3e) {
        this.pos += 2;
        return d;
      }
      if (this.buf[this.pos] !== 0x2f) throw malformed(`a dictionary key expected at ${this.pos}`);
      const key = this.name().name;
      d.set(key, this.value(depth + 1));
    }
  }

  private name(): PdfName {
    this.pos++;
    const raw = this.word();
    return new PdfName(
      raw.replace(/#([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
    );
  }

  private hexString(): PdfString {
    const start = this.pos;
    const close = this.buf.indexOf(0x3e, start);
    if (close < 0) throw malformed('unterminated hex string');
    const digits = this.buf.toString('latin1', start + 1, close).replace(/\s+/g, '');
    if (!/^[0-9A-Fa-f]*$/.test(digits)) throw malformed(`not a hex string at ${start}`);
    this.pos = close + 1;
    return new PdfString(
      Buffer.from(digits.length % 2 ? digits + '0' : digits, 'hex'),
      true,
      start,
      this.pos,
    );
  }

  private literalString(): PdfString {
    const start = this.pos;
    const b = this.buf;
    const out: number[] = [];
    let depth = 0;
    let p = start + 1;
    for (; p < b.length; p++) {
      const c = b[p];
      if (c === 0x5c /* \ */) {
        const n = b[++p];
        const esc: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 };
        if (n in esc) out.push(esc[n]);
        else if (n >= 0x30 && n <= 0x37) {
          let oct = '';
          while (oct.length < 3 && b[p] >= 0x30 && b[p] <= 0x37) oct += String.fromCharCode(b[p++]);
          p--;
          out.push(parseInt(oct, 8) & 0xff);
        } else if (n === 0x0d || n === 0x0a) {
          if (n === 0x0d && b[p + 1] === 0x0a) p++;
        } else out.push(n);
        continue;
      }
      if (c === 0x28) depth++;
      if (c === 0x29) {
        if (depth === 0) break;
        depth--;
      }
      out.push(c);
    }
    if (p >= b.length) throw malformed('unterminated string');
    this.pos = p + 1;
    return new PdfString(Buffer.from(out), false, start, this.pos);
  }
}

/** `N G obj <value> endobj` at `offset`; the value only (streams are not needed here). */
export function parseIndirect(buf: Buffer, offset: number): { num: number; gen: number; value: PdfValue } {
  const lx = new PdfLexer(buf, offset);
  const num = lx.word();
  const gen = lx.word();
  if (!/^\d+$/.test(num) || !/^\d+$/.test(gen) || lx.word() !== 'obj') {
    throw malformed(`no object at offset ${offset}`);
  }
  return { num: Number(num), gen: Number(gen), value: lx.value() };
}

export function serialize(v: PdfValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toFixed(6)));
  if (v instanceof PdfName)
    return (
      '/' +
      v.name.replace(/[^!-~]|[()<>[\]{}/%#]/g, (c) => '#' + c.charCodeAt(0).toString(16).padStart(2, '0'))
    );
  if (v instanceof PdfRef) return `${v.num} ${v.gen} R`;
  if (v instanceof PdfString) return `<${v.bytes.toString('hex')}>`;
  if (Array.isArray(v)) return `[${v.map(serialize).join(' ')}]`;
  return `<< ${[...v].map(([k, x]) => `${serialize(new PdfName(k))} ${serialize(x)}`).join(' ')} >>`;
}

/** A text string: plain when printable ASCII, else UTF-16BE with a byte order mark. */
export function textString(s: string): PdfString {
  if (/^[\x20-\x7e]*$/.test(s)) return new PdfString(Buffer.from(s, 'latin1'), false);
  return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]), true);
}

export const nameOf = (v: PdfValue | undefined): string | undefined =>
  v instanceof PdfName ? v.name : undefined;
export const isDict = (v: PdfValue | undefined): v is PdfDict => v instanceof Map;
