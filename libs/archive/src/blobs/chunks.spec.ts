import { describe, it, expect } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { rechunk } from './chunks.js';

const collect = async (it: AsyncIterable<Buffer>): Promise<Buffer[]> => {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return out;
};

describe('rechunk', () => {
  it('cuts bytes in memory into views of the same memory, the last piece shorter', async () => {
    const bytes = randomBytes(10);
    const pieces = await collect(rechunk(bytes, 4));
    expect(pieces.map((p) => p.length)).toEqual([4, 4, 2]);
    expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
    // Views, not copies: the bus message's bytes are not duplicated on the way into the store.
    expect(pieces.every((p) => p.buffer === bytes.buffer)).toBe(true);
  });

  it('joins and splits arriving pieces into exact chunks', async () => {
    const bytes = randomBytes(23);
    async function* arriving(): AsyncGenerator<Uint8Array> {
      yield bytes.subarray(0, 3);
      yield bytes.subarray(3, 4);
      yield bytes.subarray(4, 19);
      yield new Uint8Array(0);
      yield bytes.subarray(19);
    }
    const pieces = await collect(rechunk(arriving(), 5));
    expect(pieces.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
    expect(Buffer.concat(pieces).equals(bytes)).toBe(true);
  });

  it('yields nothing for no bytes, and refuses a chunk size below one', async () => {
    expect(await collect(rechunk(Buffer.alloc(0), 4))).toEqual([]);
    expect(await collect(rechunk([Buffer.alloc(0)], 4))).toEqual([]);
    await expect(collect(rechunk(Buffer.alloc(3), 0))).rejects.toThrow(RangeError);
  });
});
