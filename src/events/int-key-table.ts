// Open addressing over a typed array of 30-bit non-negative integer keys (-1 marks an empty slot): linear
// probing, backward-shift delete. Subclasses keep the values in a parallel array of their own kind and say
// how to move and clear one (TermCounts: counts in an Int32Array; IntKeyMap: any values in a JS array).

export const EMPTY_KEY = -1;

export abstract class IntKeyTable {
  protected keys: Int32Array;
  protected mask: number;
  protected used = 0;

  constructor(initialCapacity: number) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.keys = new Int32Array(capacity).fill(EMPTY_KEY);
    this.mask = capacity - 1;
    this.allocateValues(capacity);
  }

  /** Keys present. */
  get size(): number {
    return this.used;
  }

  /** A value array for `capacity` slots, replacing the current one. */
  protected abstract allocateValues(capacity: number): void;
  protected abstract moveValue(from: number, to: number): void;
  protected abstract clearValue(slot: number): void;
  /** Re-inserts the entries of the previous arrays after a grow. */
  protected abstract reinsert(oldKeys: Int32Array): void;

  protected slot(key: number): number {
    return (Math.imul(key, 0x9e3779b1) >>> 0) & this.mask;
  }

  /** The slot holding `key`, or -1. */
  protected find(key: number): number {
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) return i;
      if (k === EMPTY_KEY) return -1;
    }
  }

  /** Claims an empty slot for `key` (absent and in range, checked by the caller); grows when half full. */
  protected claim(key: number): number {
    if ((this.used + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    let i = this.slot(key);
    while (keys[i] !== EMPTY_KEY) i = (i + 1) & this.mask;
    keys[i] = key;
    this.used++;
    return i;
  }

  protected deleteAt(hole: number): void {
    const keys = this.keys;
    const mask = this.mask;
    keys[hole] = EMPTY_KEY;
    this.clearValue(hole);
    this.used--;
    // Shift later members of the probe run back so lookups never stop at the hole.
    for (let i = (hole + 1) & mask; keys[i] !== EMPTY_KEY; i = (i + 1) & mask) {
      const home = this.slot(keys[i]);
      const between = hole <= i ? home > hole && home <= i : home > hole || home <= i;
      if (between) continue;
      keys[hole] = keys[i];
      this.moveValue(i, hole);
      keys[i] = EMPTY_KEY;
      this.clearValue(i);
      hole = i;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const capacity = oldKeys.length * 2;
    this.keys = new Int32Array(capacity).fill(EMPTY_KEY);
    this.mask = capacity - 1;
    this.used = 0;
    this.reinsert(oldKeys);
  }
}
