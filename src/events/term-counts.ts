// Counts per term hash in an open-addressing table (int-key-table.ts): the window's document frequencies
// are updated ~200 times per placed article, and a JS Map of numbers was the single largest cost there.
// Keys are 30-bit term hashes (non-negative).
import { EMPTY_KEY, IntKeyTable } from './int-key-table.ts';

export class TermCounts extends IntKeyTable {
  declare private counts: Int32Array;

  constructor(initialCapacity = 1024) {
    super(initialCapacity);
  }

  get(key: number): number {
    const at = this.find(key);
    return at < 0 ? 0 : this.counts[at];
  }

  /** Add `delta` (may be negative) to the count of `key`; a count reaching zero removes the key. */
  add(key: number, delta: number): void {
    const at = this.find(key);
    if (at < 0) {
      if (delta <= 0) return;
      // Claim first: it may grow the table and replace the counts array.
      const slot = this.claim(key);
      this.counts[slot] = delta;
      return;
    }
    const count = this.counts[at] + delta;
    if (count > 0) this.counts[at] = count;
    else this.deleteAt(at);
  }

  protected allocateValues(capacity: number): void {
    this.counts = new Int32Array(capacity);
  }

  protected moveValue(from: number, to: number): void {
    this.counts[to] = this.counts[from];
  }

  protected clearValue(slot: number): void {
    this.counts[slot] = 0;
  }

  protected reinsert(oldKeys: Int32Array): void {
    const oldCounts = this.counts;
    this.allocateValues(this.keys.length);
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== EMPTY_KEY) this.add(oldKeys[i], oldCounts[i]);
  }
}
