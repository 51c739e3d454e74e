// A manual clock: advance() fires due timers in time order and awaits what they return.
import type { Clock } from '../clock.ts';

interface Timer {
  id: number;
  at: number;
  fn: () => unknown;
}

export class FakeClock implements Clock {
  private timers: Timer[] = [];
  private seq = 0;
  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  setTimer(fn: () => unknown, ms: number): unknown {
    const timer = { id: ++this.seq, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimer(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Jump without firing timers (downtime). */
  set(to: number): void {
    this.current = to;
  }

  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.timers.shift();
      this.current = Math.max(this.current, next.at);
      await next.fn();
    }
    this.current = end;
  }
}
