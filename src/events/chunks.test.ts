import { describe, expect, it } from 'vitest';
import { splitInChunks } from './chunks.ts';

describe('splitInChunks', () => {
  const items = Array.from({ length: 11 }, (_, i) => i);

  it('cuts in chunks of the size, the first one smaller when asked', () => {
    expect(splitInChunks(items, 4).map((c) => c.length)).toEqual([4, 4, 3]);
    expect(splitInChunks(items, 4, 2).map((c) => c.length)).toEqual([2, 4, 4, 1]);
    expect(splitInChunks(items, 4, 2).flat()).toEqual(items);
  });

  it('never makes the first chunk larger than the others or empty', () => {
    expect(splitInChunks(items, 4, 9).map((c) => c.length)).toEqual([4, 4, 3]);
    expect(splitInChunks(items, 4, 0).map((c) => c.length)).toEqual([1, 4, 4, 2]);
    expect(splitInChunks([], 4, 2)).toEqual([]);
  });
});
