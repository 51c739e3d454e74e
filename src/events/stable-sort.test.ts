import { describe, expect, it } from 'vitest';
import { stableSort } from './stable-sort.ts';
import { prng } from './testdata/synthetic.ts';

describe('stableSort', () => {
  it('orders like the built-in stable sort, ties included, short and long lists', () => {
    const random = prng(7);
    const byKey = (a: { key: number }, b: { key: number }) => a.key - b.key;
    for (const length of [0, 1, 2, 5, 32, 33, 64, 65, 97, 200, 1000]) {
      for (let trial = 0; trial < 20; trial++) {
        // Few distinct keys: many ties, whose order only a stable sort keeps.
        const items = Array.from({ length }, (_, at) => ({ key: Math.floor(random() * 6), at }));
        const expected = [...items].sort(byKey);
        const sorted = stableSort(items, byKey);
        expect(sorted).toBe(items);
        expect(sorted.map((x) => x.at)).toEqual(expected.map((x) => x.at));
      }
    }
  });
});
