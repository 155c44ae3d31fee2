// getEdoc's SDK JSON shape for a large package: the answer is written as it is read, the package base64-encoded
// a chunk at a time, so the gateway never holds the package (nor its 4/3 larger base64) whole.
import { Readable } from 'node:stream';
import type { EdocContent } from '#sdk-client';
import { ok } from './sdk-answer.js';

/**
 * The bytes of `ok({ data: { ...meta, content: base64(source) } })`, streamed: the JSON around `content` is
 * written before and after it, and the base64 is cut at multiples of 3 bytes so the pieces join exactly.
 */
export function streamedEdocAnswer(
  meta: Omit<EdocContent, 'content'>,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Readable {
  const MARK = '\u0000content\u0000';
  const json = JSON.stringify(ok<EdocContent>({ data: { ...meta, content: MARK } }));
  const [head, tail] = json.split(JSON.stringify(MARK));
  async function* pieces(): AsyncGenerator<Buffer> {
    yield Buffer.from(`${head}"`, 'utf8');
    let carry = Buffer.alloc(0);
    for await (const chunk of source) {
      const bytes = carry.length ? Buffer.concat([carry, chunk]) : Buffer.from(chunk);
      const whole = bytes.length - (bytes.length % 3);
      if (whole) yield Buffer.from(bytes.subarray(0, whole).toString('base64'), 'latin1');
      carry = Buffer.from(bytes.subarray(whole));
    }
    if (carry.length) yield Buffer.from(carry.toString('base64'), 'latin1');
    yield Buffer.from(`"${tail}`, 'utf8');
  }
  return Readable.from(pieces(), { highWaterMark: 1 });
}
