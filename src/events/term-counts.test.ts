import { describe, expect, it } from 'vitest';
import { TermCounts } from './term-counts.ts';
import { prng } from './testdata/synthetic.ts';

describe('TermCounts', () => {
  it('counts like a Map through growth, decrements and deletions', () => {
    const counts = new TermCounts(4);
    const reference = new Map<number, number>();
    const random = prng(42);
    for (let step = 0; step < 50_000; step++) {
      // A small key space forces long probe runs and many deletions in the middle of them.
      const key = (Math.floor(random() * 3_000) * 7919) & 0x3fffffff;
      const delta = random() < 0.55 ? 1 : -1;
      counts.add(key, delta);
      const next = (reference.get(key) ?? 0) + delta;
      if (next > 0) reference.set(key, next);
      else reference.delete(key);
    }
    expect(counts.size).toBe(reference.size);
    for (let k = 0; k < 3_000; k++) {
      const key = (k * 7919) & 0x3fffffff;
      expect(counts.get(key), String(key)).toBe(reference.get(key) ?? 0);
    }
  });
});
