// A map from 30-bit non-negative integer keys to values, as open addressing over a typed key array
// (int-key-table.ts). LSH band keys are looked up ~70 times per placed article, mostly for buckets of one
// entry; a JS Map spends most of that time hashing and chasing its chains.
import { EMPTY_KEY, IntKeyTable } from './int-key-table.ts';

export class IntKeyMap<V> extends IntKeyTable {
  declare private values: (V | undefined)[];

  constructor(initialCapacity = 1024) {
    super(initialCapacity);
  }

  get(key: number): V | undefined {
    const at = this.find(key);
    return at < 0 ? undefined : this.values[at];
  }

  set(key: number, value: V): void {
    // Checked here, before a lookup: -1 would match an empty slot.
    if (key < 0 || key > 0x3fffffff) throw new RangeError(`IntKeyMap key out of range: ${key}`);
    const at = this.find(key);
    // Claim before reading this.values: it may grow the table and replace the array.
    const slot = at < 0 ? this.claim(key) : at;
    this.values[slot] = value;
  }

  delete(key: number): boolean {
    const at = this.find(key);
    if (at < 0) return false;
    this.deleteAt(at);
    return true;
  }

  protected allocateValues(capacity: number): void {
    this.values = new Array<V | undefined>(capacity).fill(undefined);
  }

  protected moveValue(from: number, to: number): void {
    this.values[to] = this.values[from];
  }

  protected clearValue(slot: number): void {
    this.values[slot] = undefined;
  }

  protected reinsert(oldKeys: Int32Array): void {
    const oldValues = this.values;
    this.allocateValues(this.keys.length);
    for (let i = 0; i < oldKeys.length; i++)
      if (oldKeys[i] !== EMPTY_KEY) this.set(oldKeys[i], oldValues[i] as V);
  }
}
