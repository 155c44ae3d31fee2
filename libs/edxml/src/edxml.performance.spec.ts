// Big attachments (tens of MB occur) must cost linear time: one 8x bigger package may not cost 32x more.
import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildEdxml, parseEdxml, validateEdxml, type EdxmlDocument } from './index.js';
import { SAMPLES } from '../../../test/support/samples.js';

function packageOf(megabytes: number): Buffer {
  const doc = parseEdxml(readFileSync(path.join(SAMPLES, 'edoc_new.edxml'))) as EdxmlDocument;
  doc.attachments[0].ContentTransferEncoded = randomBytes(megabytes * 786_432).toString('base64');
  return buildEdxml(doc);
}

/** Best of three runs of parse + validate + build, in milliseconds. */
function cost(bytes: Buffer): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const pkg = parseEdxml(bytes);
    expect(validateEdxml(pkg)).toEqual([]);
    expect(buildEdxml(pkg).length).toBe(bytes.length);
    best = Math.min(best, performance.now() - start);
  }
  return best;
}

describe('performance', () => {
  it('grows linearly with the attachment size', () => {
    const small = packageOf(2);
    const big = packageOf(16);
    cost(small); // warm up the JIT
    const ratio = cost(big) / cost(small);
    expect(ratio).toBeLessThan(32); // linear is about 8, quadratic about 64
  }, 120_000);
});
