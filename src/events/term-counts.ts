// Counts per term hash in an open-addressing table of typed arrays: the window's document frequencies are
// updated ~200 times per placed article, and a JS Map of numbers was the single largest cost there.
// Keys are 30-bit term hashes (non-negative); -1 marks an empty slot. Linear probing, backward-shift delete.

const EMPTY = -1;

export class TermCounts {
  private keys: Int32Array;
  private counts: Int32Array;
  private mask: number;
  private used = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.keys = new Int32Array(capacity).fill(EMPTY);
    this.counts = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** Number of terms with a non-zero count. */
  get size(): number {
    return this.used;
  }

  private slot(key: number): number {
    return (Math.imul(key, 0x9e3779b1) >>> 0) & this.mask;
  }

  get(key: number): number {
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) return this.counts[i];
      if (k === EMPTY) return 0;
    }
  }

  /** Add `delta` (may be negative) to the count of `key`; a count reaching zero removes the key. */
  add(key: number, delta: number): void {
    const keys = this.keys;
    let i = this.slot(key);
    for (; ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) break;
      if (k === EMPTY) {
        if (delta <= 0) return;
        keys[i] = key;
        this.counts[i] = delta;
        if (++this.used * 2 > keys.length) this.grow();
        return;
      }
    }
    const count = this.counts[i] + delta;
    if (count > 0) this.counts[i] = count;
    else this.deleteAt(i);
  }

  private deleteAt(hole: number): void {
    const keys = this.keys;
    const counts = this.counts;
    const mask = this.mask;
    keys[hole] = EMPTY;
    this.used--;
    // Shift later members of the probe run back so lookups never stop at the hole.
    for (let i = (hole + 1) & mask; keys[i] !== EMPTY; i = (i + 1) & mask) {
      const home = this.slot(keys[i]);
      const between = hole <= i ? home > hole && home <= i : home > hole || home <= i;
      if (between) continue;
      keys[hole] = keys[i];
      counts[hole] = counts[i];
      keys[i] = EMPTY;
      hole = i;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldCounts = this.counts;
    this.keys = new Int32Array(oldKeys.length * 2).fill(EMPTY);
    this.counts = new Int32Array(oldKeys.length * 2);
    this.mask = this.keys.length - 1;
    this.used = 0;
    for (let i = 0; i < oldKeys.length; i++) if (oldKeys[i] !== EMPTY) this.add(oldKeys[i], oldCounts[i]);
  }
}
