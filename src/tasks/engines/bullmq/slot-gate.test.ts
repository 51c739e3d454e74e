import { describe, expect, it } from 'vitest';
import { SlotGate } from './slot-gate.ts';

describe('SlotGate', () => {
  it('caps slots, serves waiters first come first served, and reports full/room changes', async () => {
    const gate = new SlotGate(2);
    const changes: boolean[] = [];
    gate.onChange = (full) => changes.push(full);
    expect(gate.tryAcquire()).toBe(true);
    expect(gate.tryAcquire()).toBe(true);
    expect(gate.tryAcquire()).toBe(false);
    expect(changes).toEqual([true]);
    const order: string[] = [];
    const a = gate.acquire().then(() => order.push('a'));
    const b = gate.acquire().then(() => order.push('b'));
    gate.release(); // handed to a: still full, no change reported
    gate.release(); // handed to b
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    expect(gate.inUse).toBe(2);
    expect(changes).toEqual([true]);
    gate.release();
    expect(changes).toEqual([true, false]);
    expect(gate.tryAcquire()).toBe(true);
    expect(changes).toEqual([true, false, true]);
  });

  it('a waiter whose signal aborts leaves the line', async () => {
    const gate = new SlotGate(1);
    gate.tryAcquire();
    const controller = new AbortController();
    const waiting = gate.acquire(controller.signal);
    controller.abort(new Error('stopping'));
    await expect(waiting).rejects.toThrow('stopping');
    gate.release();
    expect(gate.inUse).toBe(0);
    expect(() => gate.release()).toThrow(/more often/);
  });
});
