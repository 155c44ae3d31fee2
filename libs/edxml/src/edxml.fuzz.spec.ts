// Property-based fuzzing of parseEdxml: whatever the bytes, it returns a package or throws EdxmlError (a
// stable code), never another exception, and never hangs. Inputs are random bytes and mutated SDK samples
// (byte flips, truncation, duplicated elements); sizes are bounded so the suite stays fast.
import { describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { EdxmlError, parseEdxml, validateEdxml } from './index.js';
import { SAMPLES, readSample } from '../../../test/support/samples.js';

const samples = readdirSync(SAMPLES)
  .filter((f) => f.endsWith('.edxml'))
  .sort()
  .map(readSample);

/** Parses, then validates what parsed; only an EdxmlError may escape. */
function outcome(bytes: Buffer): 'package' | string {
  try {
    const pkg = parseEdxml(bytes);
    validateEdxml(pkg);
    return 'package';
  } catch (e) {
    if (e instanceof EdxmlError) return e.code;
    throw new Error(`parseEdxml threw a ${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? e}`, {
      cause: e,
    });
  }
}

type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; element: number; times: number }
  | { kind: 'insert'; at: number; text: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('duplicate' as const),
    element: fc.nat(),
    times: fc.integer({ min: 1, max: 3 }),
  }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.constantFrom(
      '<',
      '>',
      '&',
      '&amp;',
      ']]>',
      '<![CDATA[',
      '<!--',
      '<?x?>',
      '"',
      '\u0000',
      '<a>',
      '</a>',
    ),
  }),
);

/** Applies one mutation to the bytes; element duplication copies a whole `<edXML:X>…</edXML:X>` block. */
function mutate(bytes: Buffer, m: Mutation): Buffer {
  if (bytes.length === 0) return bytes;
  switch (m.kind) {
    case 'flip': {
      const out = Buffer.from(bytes);
      out[m.at % out.length] = m.value;
      return out;
    }
    case 'truncate':
      return bytes.subarray(0, m.at % bytes.length);
    case 'insert': {
      const at = m.at % bytes.length;
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.text, 'utf8'), bytes.subarray(at)]);
    }
    case 'duplicate': {
      const xml = bytes.toString('latin1'); // byte-preserving
      const blocks = [...xml.matchAll(/<(edXML:\w+)\b[^>]*>[\s\S]*?<\/\1>/g)];
      if (blocks.length === 0) return bytes;
      const b = blocks[m.element % blocks.length];
      const end = b.index + b[0].length;
      return Buffer.from(xml.slice(0, end) + b[0].repeat(m.times) + xml.slice(end), 'latin1');
    }
  }
}

describe('parseEdxml fuzzing', () => {
  it('reads every SDK sample (the seeds of the mutations)', () => {
    expect(samples.length).toBeGreaterThan(5);
    for (const s of samples) expect(outcome(s)).toMatch(/^(package|EDXML_[A-Z_]+)$/);
  });

  it('random bytes: a package or an EdxmlError, nothing else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => {
        expect(outcome(Buffer.from(bytes))).toMatch(/^(package|EDXML_[A-Z_]+)$/);
      }),
      { numRuns: 100 },
    );
  });

  it('random text with XML punctuation: a package or an EdxmlError, nothing else', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 20 }),
      fc.constantFrom(
        '<',
        '>',
        '</',
        '/>',
        '<edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">',
      ),
      fc.constantFrom('<edXML:edXMLEnvelope>', '<edXML:edXMLHeader>', '<edXML:MessageHeader>', '&#0;', '&x;'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (parts) => {
        expect(outcome(Buffer.from(parts.join(''), 'utf8'))).toMatch(/^(package|EDXML_[A-Z_]+)$/);
      }),
      { numRuns: 100 },
    );
  });

  it('mutated SDK samples (byte flips, truncation, duplicated elements): a package or an EdxmlError', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: samples.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (index, mutations) => {
          const bytes = mutations.reduce(mutate, samples[index]);
          const started = Date.now();
          expect(outcome(bytes)).toMatch(/^(package|EDXML_[A-Z_]+)$/);
          expect(Date.now() - started).toBeLessThan(2000); // never hangs
        },
      ),
      { numRuns: 300 },
    );
  });
});
