import { describe, it, expect } from '@jest/globals';
import { createHash } from 'node:crypto';
import { canonicalJson, GENESIS_DIGEST, linkDigest, recordDigest } from './chain.digest.js';
import { LinkChecker } from './chain.links.js';

describe('canonicalJson / recordDigest', () => {
  it('is independent of key order at every level and drops undefined, as jsonb read back needs', () => {
    const a = { b: 1, a: { y: [1, { d: 'đ', c: null }], x: 'x' }, u: undefined };
    const b = { a: { x: 'x', y: [1, { c: null, d: 'đ' }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"x":"x","y":[1,{"c":null,"d":"đ"}]},"b":1}');
    expect(recordDigest(a)).toBe(recordDigest(b));
    expect(recordDigest({ ...b, b: 2 })).not.toBe(recordDigest(b));
  });

  it('links as SHA-256 over the raw bytes of prev_digest then record_digest', () => {
    const r = recordDigest({ kind: 'package' });
    const expected = createHash('sha256')
      .update(Buffer.concat([Buffer.alloc(32), Buffer.from(r, 'hex')]))
      .digest('hex');
    expect(linkDigest(GENESIS_DIGEST, r)).toBe(expected);
  });
});

describe('LinkChecker', () => {
  const chain = (n: number) => {
    const rows = [];
    let prev = GENESIS_DIGEST;
    for (let seq = 1; seq <= n; seq++) {
      const recordDigest = createHash('sha256').update(String(seq)).digest('hex');
      const digest = linkDigest(prev, recordDigest);
      rows.push({ seq, prevDigest: prev, recordDigest, digest });
      prev = digest;
    }
    return rows;
  };
  const walk = (rows: ReturnType<typeof chain>) => {
    const c = new LinkChecker('', { seq: 0, digest: GENESIS_DIGEST });
    return rows.flatMap((r) => c.check(r));
  };

  it('accepts an intact chain, and a seq gap whose links hold (a rolled back append)', () => {
    expect(walk(chain(5))).toEqual([]);
    expect(walk(chain(5).map((r) => (r.seq > 2 ? { ...r, seq: r.seq + 3 } : r)))).toEqual([]);
  });

  it('names deleted, inserted and altered rows', () => {
    const rows = chain(6);
    expect(walk(rows.filter((r) => r.seq !== 3 && r.seq !== 4))).toEqual(['deleted: seq 3..4']);
    const forged = { seq: 3, prevDigest: rows[1].digest, recordDigest: 'ab'.repeat(32), digest: '' };
    forged.digest = linkDigest(forged.prevDigest, forged.recordDigest);
    const inserted = [...rows.slice(0, 2), forged, ...rows.slice(2).map((r) => ({ ...r, seq: r.seq + 1 }))];
    expect(walk(inserted)).toEqual(['inserted: seq 3']);
    const altered = rows.map((r) => (r.seq === 4 ? { ...r, recordDigest: 'cd'.repeat(32) } : r));
    expect(walk(altered)).toEqual([
      'altered: seq 4 (its digest is not SHA-256(prev_digest || record_digest))',
    ]);
  });
});
