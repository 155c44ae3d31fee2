// Reading the revision structure of a PDF: the last cross-reference section and the chain of /Prev sections
// (classic xref tables, which is what an incremental update appends), and objects by number.
import {
  isDict,
  malformed,
  parseIndirect,
  PdfLexer,
  PdfRef,
  type PdfDict,
  type PdfValue,
} from './pdf.objects.js';

export interface PdfRevisionInfo {
  /** Offset of the last cross-reference section (the value after the last `startxref`). */
  startxref: number;
  /** The newest trailer (with /Root, /Size, maybe /Info and /ID). */
  trailer: PdfDict;
  /** Object number → offset, newest revision wins. */
  offsets: Map<number, { offset: number; gen: number }>;
}

export function readRevisions(pdf: Buffer): PdfRevisionInfo {
  const tail = pdf.toString('latin1', Math.max(0, pdf.length - 2048));
  const m = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(tail);
  if (!m) throw malformed('no startxref / %%EOF at the end of the file');
  const startxref = Number(m[1]);
  const offsets = new Map<number, { offset: number; gen: number }>();
  let trailer: PdfDict | undefined;
  const seen = new Set<number>();
  for (let at: number | undefined = startxref; at !== undefined;) {
    if (seen.has(at) || at >= pdf.length) throw malformed(`bad cross-reference offset ${at}`);
    seen.add(at);
    const section = readXrefTable(pdf, at);
    for (const [num, e] of section.entries) if (!offsets.has(num)) offsets.set(num, e);
    trailer ??= section.trailer;
    const prev = section.trailer.get('Prev');
    at = typeof prev === 'number' ? prev : undefined;
  }
  return { startxref, trailer: trailer!, offsets };
}

function readXrefTable(
  pdf: Buffer,
  at: number,
): { entries: Map<number, { offset: number; gen: number }>; trailer: PdfDict } {
  const lx = new PdfLexer(pdf, at);
  if (lx.word() !== 'xref') {
    // Cross-reference streams (PDF 1.5) would need a stream decoder; the signer writes classic tables.
    throw malformed(
      'only classic cross-reference tables are supported (this file uses a cross-reference stream)',
    );
  }
  const entries = new Map<number, { offset: number; gen: number }>();
  for (;;) {
    const first = lx.peekWord();
    if (first === 'trailer') break;
    const start = Number(lx.word());
    const count = Number(lx.word());
    if (!Number.isInteger(start) || !Number.isInteger(count))
      throw malformed('bad cross-reference subsection');
    for (let i = 0; i < count; i++) {
      const offset = Number(lx.word());
      const gen = Number(lx.word());
      const kind = lx.word();
      if (kind === 'n' && !entries.has(start + i)) entries.set(start + i, { offset, gen });
      else if (kind !== 'n' && kind !== 'f') throw malformed('bad cross-reference entry');
    }
  }
  lx.word(); // trailer
  const trailer = lx.value();
  if (!isDict(trailer)) throw malformed('the trailer is not a dictionary');
  return { entries, trailer };
}

export class PdfObjects {
  constructor(
    readonly pdf: Buffer,
    readonly rev: PdfRevisionInfo,
  ) {}

  get(ref: PdfRef): PdfValue {
    const e = this.rev.offsets.get(ref.num);
    if (!e) throw malformed(`object ${ref.num} is not in the cross-reference table`);
    const o = parseIndirect(this.pdf, e.offset);
    if (o.num !== ref.num) throw malformed(`the cross-reference entry of object ${ref.num} is wrong`);
    return o.value;
  }

  /** Follows a reference (once); direct values are returned as they are. */
  resolve(v: PdfValue | undefined): PdfValue | undefined {
    return v instanceof PdfRef ? this.get(v) : v;
  }

  dict(v: PdfValue | undefined, what: string): PdfDict {
    const d = this.resolve(v);
    if (!isDict(d)) throw malformed(`${what} is not a dictionary`);
    return d;
  }
}
