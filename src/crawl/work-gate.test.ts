// The crawl's counting gate: a bounded number of holders, waiters served in arrival order, a place freed
// whatever the outcome.
import { describe, expect, it } from 'vitest';
import { WorkGate } from './work-gate.ts';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('WorkGate', () => {
  it('lets `limit` holders in at once and the rest in arrival order, freeing places after failures', async () => {
    const gate = new WorkGate(2);
    const order: number[] = [];
    let inside = 0;
    let peak = 0;
    const job = (n: number, fail = false) =>
      gate.run(async () => {
        peak = Math.max(peak, ++inside);
        order.push(n);
        await tick();
        inside--;
        if (fail) throw new Error(`job ${n}`);
        return n;
      });
    const results = await Promise.allSettled([job(1, true), job(2), job(3, true), job(4), job(5)]);
    expect(peak).toBe(2);
    expect(order).toEqual([1, 2, 3, 4, 5]);
    expect(results.map((r) => r.status)).toEqual([
      'rejected',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    // Every place came back: two more run together.
    await Promise.all([job(6), job(7)]);
    expect(inside).toBe(0);
    expect(peak).toBe(2);
  });
});
