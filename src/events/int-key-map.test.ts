import { describe, expect, it } from 'vitest';
import { IntKeyMap } from './int-key-map.ts';
import { prng } from './testdata/synthetic.ts';

describe('IntKeyMap', () => {
  it('behaves like a Map through growth, overwrites and deletions inside probe runs', () => {
    const map = new IntKeyMap<string>(4);
    const reference = new Map<number, string>();
    const random = prng(7);
    for (let step = 0; step < 50_000; step++) {
      // A small key space forces long probe runs and many deletions in the middle of them.
      const key = (Math.floor(random() * 3_000) * 7919) & 0x3fffffff;
      if (random() < 0.55) {
        map.set(key, `v${step}`);
        reference.set(key, `v${step}`);
      } else {
        expect(map.delete(key)).toBe(reference.delete(key));
      }
    }
    expect(map.size).toBe(reference.size);
    for (let k = 0; k < 3_000; k++) {
      const key = (k * 7919) & 0x3fffffff;
      expect(map.get(key), String(key)).toBe(reference.get(key));
    }
  });

  it('refuses keys outside 0..2^30-1 (the empty-slot marker is -1)', () => {
    const map = new IntKeyMap<number>();
    expect(() => map.set(-1, 1)).toThrow(RangeError);
    expect(() => map.set(2 ** 30, 1)).toThrow(RangeError);
    map.set(2 ** 30 - 1, 1);
    expect(map.get(2 ** 30 - 1)).toBe(1);
  });
});
