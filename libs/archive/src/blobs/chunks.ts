/** Anything the blob store can take in: the bytes at hand, or pieces of any size as they arrive. */
export type ByteSource = Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>;

const view = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/**
 * Cuts a source into pieces of exactly `size` bytes (the last one shorter). Bytes already in memory are cut
 * into views of the same memory, never copied; arriving pieces are joined only up to one chunk.
 */
export async function* rechunk(source: ByteSource, size: number): AsyncGenerator<Buffer> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer`);
  if (source instanceof Uint8Array) {
    for (let at = 0; at < source.byteLength; at += size) {
      yield view(source.subarray(at, Math.min(at + size, source.byteLength)));
    }
    return;
  }
  let held: Buffer[] = [];
  let heldBytes = 0;
  for await (const piece of source) {
    let rest = view(piece);
    while (rest.length) {
      const take = Math.min(size - heldBytes, rest.length);
      held.push(rest.subarray(0, take));
      heldBytes += take;
      rest = rest.subarray(take);
      if (heldBytes === size) {
        yield held.length === 1 ? held[0] : Buffer.concat(held, heldBytes);
        held = [];
        heldBytes = 0;
      }
    }
  }
  if (heldBytes) yield held.length === 1 ? held[0] : Buffer.concat(held, heldBytes);
}
