import { describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { streamedEdocAnswer } from './base64-answer.js';
import { ok } from './sdk-answer.js';

async function text(r: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const p of r) parts.push(p);
  return Buffer.concat(parts).toString('utf8');
}

describe('getEdoc JSON answer streamed', () => {
  it('is exactly the JSON answer of the whole package, whatever the chunk sizes', async () => {
    const meta = {
      docId: 'd1',
      sha256: 'ab',
      trace: [{ OrganId: '000.00.00.H41', Timestamp: 't"x' }],
      view: 'original' as const,
    };
    for (const size of [0, 1, 2, 3, 1000, 65_537]) {
      const bytes = randomBytes(size);
      const cuts = [0, 1, 5, 7, 1024, 4099].filter((c) => c < size);
      const chunks = [...cuts, size].slice(1).map((end, i) => bytes.subarray([0, ...cuts.slice(1)][i], end));
      const got = await text(streamedEdocAnswer(meta, chunks.length ? chunks : [bytes]));
      expect(JSON.parse(got)).toEqual(ok({ data: { ...meta, content: bytes.toString('base64') } }));
    }
  });
});
