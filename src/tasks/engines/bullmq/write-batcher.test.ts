import { describe, expect, it } from 'vitest';
import { Coalescer, ItemFailure } from './write-batcher.ts';

describe('Coalescer', () => {
  it('sends the first call at once and gathers calls that arrive while batches are in flight', async () => {
    const batches: number[][] = [];
    const gates: Array<() => void> = [];
    const c = new Coalescer<number, number>(
      async (items) => {
        batches.push(items);
        await new Promise<void>((r) => gates.push(r));
        return items.map((i) => i * 10);
      },
      { maxBatch: 3, maxInFlight: 1 },
    );
    const results = [1, 2, 3, 4, 5].map((i) => c.call(i));
    expect(batches).toEqual([[1]]);
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    expect(batches).toEqual([[1], [2, 3, 4]]);
    gates.shift()!();
    await new Promise((r) => setTimeout(r, 0));
    gates.shift()!();
    expect(await Promise.all(results)).toEqual([10, 20, 30, 40, 50]);
    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('an item failure rejects only its own call; a thrown error rejects the batch', async () => {
    let fail = false;
    const c = new Coalescer<number, number>(
      async (items) => {
        if (fail) throw new Error('store down');
        return items.map((i) => (i === 2 ? new ItemFailure(new Error('conflict')) : i));
      },
      { maxInFlight: 1 },
    );
    const [a, b] = [c.call(1), c.call(2)];
    await expect(a).resolves.toBe(1);
    await expect(b).rejects.toThrow('conflict');
    fail = true;
    await expect(c.call(3)).rejects.toThrow('store down');
  });
});
