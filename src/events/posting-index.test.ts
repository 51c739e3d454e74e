import { describe, expect, it } from 'vitest';
import { PostingIndex, removeFromList } from './posting-index.ts';

describe('PostingIndex', () => {
  it('removes values at the head, in the middle or absent, and drops a key whose list empties', () => {
    const list = ['a', 'b', 'c'];
    expect(removeFromList(list, 'a')).toBe(true);
    expect(removeFromList(list, 'c')).toBe(true);
    expect(removeFromList(list, 'x')).toBe(false);
    expect(list).toEqual(['b']);

    const index = new PostingIndex<number, string>(2);
    index.add(1, 'a');
    index.add(1, 'b');
    index.add(1, 'c');
    expect(index.get(1)).toEqual(['b', 'c']);
    index.remove(1, 'c');
    index.remove(1, 'b');
    expect(index.get(1)).toEqual([]);
    expect(index.keyCount).toBe(0);
  });
});
