// A map from 30-bit non-negative integer keys to values, as open addressing over a typed key array (linear
// probing, backward-shift delete). LSH band keys are looked up ~70 times per placed article, mostly for
// buckets of one entry; a JS Map spends most of that time hashing and chasing its chains.

const EMPTY = -1;

export class IntKeyMap<V> {
  private keys: Int32Array;
  private values: (V | undefined)[];
  private mask: number;
  private used = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity * 2) capacity *= 2;
    this.keys = new Int32Array(capacity).fill(EMPTY);
    this.values = new Array<V | undefined>(capacity).fill(undefined);
    this.mask = capacity - 1;
  }

  get size(): number {
    return this.used;
  }

  private slot(key: number): number {
    return (Math.imul(key, 0x9e3779b1) >>> 0) & this.mask;
  }

  get(key: number): V | undefined {
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) return this.values[i];
      if (k === EMPTY) return undefined;
    }
  }

  set(key: number, value: V): void {
    if (key < 0 || key > 0x3fffffff) throw new RangeError(`IntKeyMap key out of range: ${key}`);
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) {
        this.values[i] = value;
        return;
      }
      if (k === EMPTY) {
        keys[i] = key;
        this.values[i] = value;
        if (++this.used * 2 > keys.length) this.grow();
        return;
      }
    }
  }

  delete(key: number): boolean {
    const keys = this.keys;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const k = keys[i];
      if (k === key) {
        this.deleteAt(i);
        return true;
      }
      if (k === EMPTY) return false;
    }
  }

  private deleteAt(hole: number): void {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    keys[hole] = EMPTY;
    values[hole] = undefined;
    this.used--;
    // Shift later members of the probe run back so lookups never stop at the hole.
    for (let i = (hole + 1) & mask; keys[i] !== EMPTY; i = (i + 1) & mask) {
      const home = this.slot(keys[i]);
      const between = hole <= i ? home > hole && home <= i : home > hole || home <= i;
      if (between) continue;
      keys[hole] = keys[i];
      values[hole] = values[i];
      keys[i] = EMPTY;
      values[i] = undefined;
      hole = i;
    }
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Int32Array(oldKeys.length * 2).fill(EMPTY);
    this.values = new Array<V | undefined>(oldKeys.length * 2).fill(undefined);
    this.mask = this.keys.length - 1;
    this.used = 0;
    for (let i = 0; i < oldKeys.length; i++)
      if (oldKeys[i] !== EMPTY) this.set(oldKeys[i], oldValues[i] as V);
  }
}
