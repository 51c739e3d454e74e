// Inverted index key → most recent members holding that key. Lists are capped so scanning a common key
// costs the same in a 1k or a 1M archive (document frequencies are kept elsewhere, uncapped).

export class PostingIndex<K, V> {
  private readonly lists = new Map<K, V[]>();

  constructor(private readonly cap: number) {}

  add(key: K, value: V): void {
    const list = this.lists.get(key);
    if (!list) this.lists.set(key, [value]);
    else {
      list.push(value);
      if (list.length > this.cap) list.shift();
    }
  }

  remove(key: K, value: V): void {
    const list = this.lists.get(key);
    if (!list || !removeFromList(list, value)) return;
    if (list.length === 0) this.lists.delete(key);
  }

  /** Up to `cap` most recent values for the key (oldest first). Do not mutate. */
  get(key: K): readonly V[] {
    return this.lists.get(key) ?? EMPTY;
  }

  /** Keys with at least one value (for tests and memory estimates). */
  get keyCount(): number {
    return this.lists.size;
  }
}

const EMPTY: readonly never[] = Object.freeze([]);

/**
 * Removes `value` from a list whose entries leave oldest first, so usually from its head (shift allocates
 * nothing, splice does). False when it is not there.
 */
export function removeFromList<V>(list: V[], value: V): boolean {
  if (list[0] === value) {
    list.shift();
    return true;
  }
  const at = list.indexOf(value);
  if (at < 0) return false;
  list.splice(at, 1);
  return true;
}
