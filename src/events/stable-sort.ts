// Sorting the lists grouping sorts once or twice per article (candidates, matches, an event's entities).
// V8's Array.prototype.sort copies every array it sorts into a new work array first; at 100,000 articles
// that is tens of MB of young garbage, and so more collections, for lists of a few dozen items. Here short
// lists are insertion-sorted in place and longer ones merge-sorted through one reused buffer.

/** Lists up to this length are insertion-sorted; longer ones are sorted in runs of it, then merged. */
const RUN = 32;

/** The merge buffer, shared by every call (sorting never re-enters: comparators do not sort). */
let buffer: unknown[] = [];

/** Sorts `items` in place, stable (equal items keep their order), like `items.sort(compare)`. */
export function stableSort<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  const n = items.length;
  for (let lo = 0; lo < n; lo += RUN) insertionSort(items, lo, Math.min(lo + RUN, n), compare);
  if (n <= RUN) return items;
  if (buffer.length < n) buffer = new Array(n);
  let from = items;
  let to = buffer as T[];
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width)
      merge(from, to, lo, Math.min(lo + width, n), Math.min(lo + 2 * width, n), compare);
    [from, to] = [to, from];
  }
  if (from !== items) for (let i = 0; i < n; i++) items[i] = from[i];
  // The buffer must not keep the items alive.
  buffer.fill(undefined, 0, n);
  return items;
}

function insertionSort<T>(items: T[], lo: number, hi: number, compare: (a: T, b: T) => number): void {
  for (let i = lo + 1; i < hi; i++) {
    const item = items[i];
    let j = i - 1;
    while (j >= lo && compare(items[j], item) > 0) {
      items[j + 1] = items[j];
      j--;
    }
    items[j + 1] = item;
  }
}

/** Merges the sorted runs from[lo, mid) and from[mid, hi) into to[lo, hi); ties take the left run first. */
function merge<T>(from: T[], to: T[], lo: number, mid: number, hi: number, compare: (a: T, b: T) => number) {
  let i = lo;
  let j = mid;
  for (let k = lo; k < hi; k++) {
    if (i < mid && (j >= hi || compare(from[i], from[j]) <= 0)) to[k] = from[i++];
    else to[k] = from[j++];
  }
}
