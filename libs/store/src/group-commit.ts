/**
 * Group commit: concurrent writes that arrive while a batch is being written wait and go together in the next
 * batch, one transaction (and one fsync, a handful of round trips) for many items instead of one each. A
 * process's consumers hand it their items one at a time and still learn their own item's result.
 *
 * `write` gets the items in arrival order and must answer one result per item in the same order. When a batch
 * fails, its items are written again one by one, so an item that cannot be written fails alone and the others
 * are not held back by it.
 */
export class GroupCommit<I, R> {
  private queue: { item: I; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private draining = false;

  constructor(
    private readonly write: (items: I[]) => Promise<R[]>,
    private readonly maxBatch = 64,
  ) {}

  submit(item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) {
        this.draining = true;
        // On the next turn, so the callers woken by the same I/O event share the first batch too.
        setImmediate(() => void this.drain());
      }
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) await this.run(this.queue.splice(0, this.maxBatch));
    this.draining = false;
  }

  private async run(batch: typeof this.queue): Promise<void> {
    try {
      const results = await this.write(batch.map((b) => b.item));
      if (results.length !== batch.length) {
        throw new Error(`group commit: ${results.length} results for ${batch.length} items`);
      }
      batch.forEach((b, i) => b.resolve(results[i]));
    } catch (e) {
      if (batch.length === 1) return batch[0].reject(e);
      for (const b of batch) {
        try {
          const [r] = await this.write([b.item]);
          b.resolve(r);
        } catch (one) {
          b.reject(one);
        }
      }
    }
  }
}
