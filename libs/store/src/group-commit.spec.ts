import { describe, expect, it } from '@jest/globals';
import { GroupCommit } from './group-commit.js';
import { valuesPlaceholders } from './sql-values.js';

describe('GroupCommit', () => {
  it('writes items that arrive together in one batch, in arrival order, each caller getting its own result', async () => {
    const batches: number[][] = [];
    const gc = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      return items.map((i) => i * 10);
    });
    const results = await Promise.all([1, 2, 3, 4].map((i) => gc.submit(i)));
    expect(results).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
  });

  it('gathers what arrives while a batch is being written into the next batch, at most maxBatch each', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const firstHeld = new Promise<void>((r) => (release = r));
    const gc = new GroupCommit<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await firstHeld;
      return items;
    }, 3);
    const first = gc.submit(0);
    await new Promise((r) => setImmediate(r));
    const rest = [1, 2, 3, 4, 5].map((i) => gc.submit(i));
    release();
    expect(await Promise.all([first, ...rest])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(batches).toEqual([[0], [1, 2, 3], [4, 5]]);
  });

  it('retries a failed batch item by item, so only the item that cannot be written fails', async () => {
    const gc = new GroupCommit<number, number>(async (items) => {
      if (items.includes(2)) throw new Error(`cannot write 2 (batch of ${items.length})`);
      return items;
    });
    const settled = await Promise.allSettled([1, 2, 3].map((i) => gc.submit(i)));
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('cannot write 2 (batch of 1)'));
  });

  it('never hands out results that do not match the items: a short answer is retried item by item', async () => {
    const calls: number[][] = [];
    const gc = new GroupCommit<number, number>(async (items) => {
      calls.push(items);
      return items.length > 1 ? [items[0]] : items;
    });
    expect(await Promise.all([gc.submit(1), gc.submit(2)])).toEqual([1, 2]);
    expect(calls).toEqual([[1, 2], [1], [2]]);
  });
});

describe('valuesPlaceholders', () => {
  it('numbers parameters row after row', () => {
    expect(valuesPlaceholders(2, 3)).toBe('($1, $2, $3), ($4, $5, $6)');
    expect(valuesPlaceholders(1, 1)).toBe('($1)');
  });
});
