import { describe, expect, it } from 'vitest';
import { EventLoopPacer } from './event-loop.ts';

const busy = (ms: number) => {
  const end = performance.now() + ms;
  while (performance.now() < end);
};

describe('EventLoopPacer', () => {
  it('lets a timer run during a long chain of already-resolved awaits', async () => {
    const pacer = new EventLoopPacer(5);
    let timerFiredAt = -1;
    let step = 0;
    setTimeout(() => (timerFiredAt = step), 0);
    for (; step < 40; step++) {
      busy(1);
      await Promise.resolve();
      await pacer.pace();
    }
    // Without yields the timer would only fire after the last step.
    expect(timerFiredAt).toBeGreaterThanOrEqual(0);
    expect(timerFiredAt).toBeLessThan(20);
  });

  it('does not yield while the slice has budget left', async () => {
    const pacer = new EventLoopPacer(10_000);
    let fired = false;
    setImmediate(() => (fired = true));
    for (let i = 0; i < 100; i++) await pacer.pace();
    expect(fired).toBe(false);
  });
});
