// Inverted index key → most recent members holding that key. Lists are capped so scanning a common key
// costs the same in a 1k or a 1M archive; document frequency is counted separately and stays exact.

export class PostingIndex<K, V> {
  private readonly lists = new Map<K, V[]>();
  private readonly counts = new Map<K, number>();

  constructor(private readonly cap: number) {}

  add(key: K, value: V): void {
    const list = this.lists.get(key);
    if (!list) this.lists.set(key, [value]);
    else {
      list.push(value);
      if (list.length > this.cap) list.shift();
    }
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  remove(key: K, value: V): void {
    const list = this.lists.get(key);
    if (list) {
      const at = list.indexOf(value);
      if (at >= 0) list.splice(at, 1);
      if (list.length === 0) this.lists.delete(key);
    }
    const count = (this.counts.get(key) ?? 0) - 1;
    if (count > 0) this.counts.set(key, count);
    else this.counts.delete(key);
  }

  /** Up to `cap` most recent values for the key (oldest first). Do not mutate. */
  get(key: K): readonly V[] {
    return this.lists.get(key) ?? EMPTY;
  }

  /** How many values were added under the key and not removed (not capped). */
  count(key: K): number {
    return this.counts.get(key) ?? 0;
  }

  get keyCount(): number {
    return this.counts.size;
  }
}

const EMPTY: readonly never[] = Object.freeze([]);
