import { linkDigest } from './chain.digest.js';

export interface LinkRow {
  seq: number;
  prevDigest: string;
  recordDigest: string;
  digest: string;
}

/**
 * Walks a hash chain in seq order and names what breaks it. An identity gap whose links still hold is a rolled
 * back transaction, not a deletion; a row the next one skips (it links past it) was inserted.
 */
export class LinkChecker {
  private head: { seq: number; digest: string };
  /** Recent accepted digests → seq, to recognise rows that the chain links past. */
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly label: string,
    start: { seq: number; digest: string },
  ) {
    this.head = start;
  }

  check(row: LinkRow): string[] {
    const problems: string[] = [];
    const at = `${this.label}seq ${row.seq}`;
    if (linkDigest(row.prevDigest, row.recordDigest) !== row.digest) {
      problems.push(`altered: ${at} (its digest is not SHA-256(prev_digest || record_digest))`);
    }
    if (row.prevDigest !== this.head.digest) {
      const linkedTo = this.recent.get(row.prevDigest);
      if (linkedTo !== undefined) {
        problems.push(`inserted: ${this.label}seq ${range(linkedTo + 1, this.head.seq)}`);
      } else if (row.seq > this.head.seq + 1) {
        problems.push(`deleted: ${this.label}seq ${range(this.head.seq + 1, row.seq - 1)}`);
      } else {
        problems.push(`altered: ${at} does not link to ${this.label}seq ${this.head.seq}`);
      }
    }
    this.head = { seq: row.seq, digest: row.digest };
    this.recent.set(row.digest, row.seq);
    if (this.recent.size > 256) this.recent.delete(this.recent.keys().next().value as string);
    return problems;
  }
}

const range = (a: number, b: number): string => (a >= b ? String(a) : `${a}..${b}`);
