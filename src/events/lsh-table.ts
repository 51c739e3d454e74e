// LSH banding over MinHash signatures: documents that agree on every row of some band share a bucket.
// Buckets are capped (most recent kept), so a lookup costs at most bands × cap whatever the archive size.
import { combine32, KEY_MASK } from './hash.ts';
import type { Signature } from './minhash.ts';

export interface LshTableOptions {
  bands: number;
  rows: number;
  /** Most recent entries kept per bucket. */
  bucketCap: number;
}

export class LshTable<T> {
  readonly bands: number;
  readonly rows: number;
  readonly bucketCap: number;
  private readonly tables: Map<number, T[]>[];

  constructor(options: LshTableOptions) {
    this.bands = options.bands;
    this.rows = options.rows;
    this.bucketCap = options.bucketCap;
    this.tables = Array.from({ length: options.bands }, () => new Map<number, T[]>());
  }

  private bandKey(sig: Signature, band: number): number {
    let h = band + 1;
    const start = band * this.rows;
    for (let r = 0; r < this.rows; r++) h = combine32(h, sig[start + r]);
    return h & KEY_MASK;
  }

  add(entry: T, sig: Signature): void {
    for (let b = 0; b < this.bands; b++) {
      const table = this.tables[b];
      const key = this.bandKey(sig, b);
      const bucket = table.get(key);
      if (!bucket) table.set(key, [entry]);
      else {
        bucket.push(entry);
        if (bucket.length > this.bucketCap) bucket.shift();
      }
    }
  }

  remove(entry: T, sig: Signature): void {
    for (let b = 0; b < this.bands; b++) {
      const table = this.tables[b];
      const key = this.bandKey(sig, b);
      const bucket = table.get(key);
      if (!bucket) continue;
      const at = bucket.indexOf(entry);
      if (at >= 0) bucket.splice(at, 1);
      if (bucket.length === 0) table.delete(key);
    }
  }

  /** Calls `visit` for every entry sharing a bucket with `sig` (an entry may be visited once per band). */
  forEachCandidate(sig: Signature, visit: (entry: T) => void): void {
    for (let b = 0; b < this.bands; b++) {
      const bucket = this.tables[b].get(this.bandKey(sig, b));
      if (bucket) for (let i = 0; i < bucket.length; i++) visit(bucket[i]);
    }
  }

  /** Number of non-empty buckets (for tests and memory estimates). */
  bucketCount(): number {
    let n = 0;
    for (const table of this.tables) n += table.size;
    return n;
  }
}
