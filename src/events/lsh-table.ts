// LSH banding over MinHash signatures: documents that agree on every row of some band share a bucket.
// Buckets are capped (most recent kept), so a lookup costs at most bands × cap whatever the archive size.
import { combine32, KEY_MASK } from './hash.ts';
import { IntKeyMap } from './int-key-map.ts';
import type { Signature } from './minhash.ts';
import { removeFromList } from './posting-index.ts';

const combine = combine32;

export interface LshTableOptions {
  bands: number;
  rows: number;
  /** Most recent entries kept per bucket. */
  bucketCap: number;
}

export class LshTable<T extends object> {
  readonly bands: number;
  readonly rows: number;
  readonly bucketCap: number;
  /** One map for all bands (the band is mixed into the key); a bucket of one is stored without an array. */
  private readonly buckets = new IntKeyMap<T | T[]>();

  constructor(options: LshTableOptions) {
    this.bands = options.bands;
    this.rows = options.rows;
    this.bucketCap = options.bucketCap;
  }

  /** The bucket key of every band of `sig` (computed once, reused by add and remove). */
  keys(sig: Signature): Int32Array {
    const out = new Int32Array(this.bands);
    for (let band = 0; band < this.bands; band++) {
      let h = 0x51ed27 + band;
      const start = band * this.rows;
      for (let r = 0; r < this.rows; r++) h = combine(h, sig[start + r]);
      out[band] = h & KEY_MASK;
    }
    return out;
  }

  add(entry: T, keys: Int32Array): void {
    const buckets = this.buckets;
    for (let b = 0; b < keys.length; b++) {
      const key = keys[b];
      const bucket = buckets.get(key);
      if (bucket === undefined) buckets.set(key, entry);
      else if (!Array.isArray(bucket)) buckets.set(key, [bucket, entry]);
      else {
        bucket.push(entry);
        if (bucket.length > this.bucketCap) bucket.shift();
      }
    }
  }

  remove(entry: T, keys: Int32Array): void {
    const buckets = this.buckets;
    for (let b = 0; b < keys.length; b++) {
      const key = keys[b];
      const bucket = buckets.get(key);
      if (bucket === undefined) continue;
      if (!Array.isArray(bucket)) {
        if (bucket === entry) buckets.delete(key);
        continue;
      }
      if (!removeFromList(bucket, entry)) continue;
      if (bucket.length === 1) buckets.set(key, bucket[0]);
    }
  }

  /** Calls `visit` for every entry sharing a bucket with the keys (an entry may be visited once per band). */
  forEachCandidate(keys: Int32Array, visit: (entry: T) => void): void {
    for (let b = 0; b < keys.length; b++) {
      const bucket = this.buckets.get(keys[b]);
      if (bucket === undefined) continue;
      if (!Array.isArray(bucket)) visit(bucket);
      else for (let i = 0; i < bucket.length; i++) visit(bucket[i]);
    }
  }

  /** Number of non-empty buckets (for tests and memory estimates). */
  bucketCount(): number {
    return this.buckets.size;
  }
}
