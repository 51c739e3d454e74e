import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RateLimiter, type Permit } from './rate-limiter.ts';

describe('RateLimiter', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function track(p: Promise<Permit>) {
    const state: { permit?: Permit; error?: unknown } = {};
    p.then(
      (permit) => (state.permit = permit),
      (error) => (state.error = error),
    );
    return state;
  }

  it('limits requests in flight and serves waiters in order', async () => {
    const limiter = new RateLimiter({ maxConcurrent: 2, requestsPerMinute: 0, tokensPerMinute: 0 });
    const a = track(limiter.acquire(10));
    const b = track(limiter.acquire(10));
    const c = track(limiter.acquire(10));
    const d = track(limiter.acquire(10));
    await vi.advanceTimersByTimeAsync(0);
    expect([!!a.permit, !!b.permit, !!c.permit, !!d.permit]).toEqual([true, true, false, false]);
    b.permit?.release();
    b.permit?.release(); // twice is harmless
    await vi.advanceTimersByTimeAsync(0);
    expect([!!c.permit, !!d.permit]).toEqual([true, false]);
    expect(limiter.stats()).toMatchObject({ active: 2, queued: 1 });
    limiter.close();
  });

  it('holds requests beyond requests-per-minute until the window moves', async () => {
    const limiter = new RateLimiter({ maxConcurrent: 10, requestsPerMinute: 2, tokensPerMinute: 0 });
    const first = [track(limiter.acquire(1)), track(limiter.acquire(1))];
    const third = track(limiter.acquire(1));
    await vi.advanceTimersByTimeAsync(0);
    for (const s of first) s.permit?.release();
    expect(third.permit).toBeUndefined();
    await vi.advanceTimersByTimeAsync(59_000);
    expect(third.permit).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1_100);
    expect(third.permit).toBeDefined();
    limiter.close();
  });

  it('budgets tokens per minute with the estimate, then with the actual count', async () => {
    const limiter = new RateLimiter({ maxConcurrent: 10, requestsPerMinute: 0, tokensPerMinute: 1000 });
    const a = track(limiter.acquire(800));
    const b = track(limiter.acquire(300)); // 800 + 300 > 1000: waits
    await vi.advanceTimersByTimeAsync(0);
    expect(a.permit).toBeDefined();
    expect(b.permit).toBeUndefined();
    a.permit?.release(600); // reconciled: 600 + 300 fits
    await vi.advanceTimersByTimeAsync(0);
    expect(b.permit).toBeDefined();
    const c = track(limiter.acquire(200)); // 900 + 200 > 1000: until the first entry leaves the window
    await vi.advanceTimersByTimeAsync(30_000);
    expect(c.permit).toBeUndefined();
    await vi.advanceTimersByTimeAsync(31_000);
    expect(c.permit).toBeDefined();
    limiter.close();
  });

  it('lets a request larger than the whole budget run alone', async () => {
    const limiter = new RateLimiter({ maxConcurrent: 10, requestsPerMinute: 0, tokensPerMinute: 100 });
    const big = track(limiter.acquire(5000));
    await vi.advanceTimersByTimeAsync(0);
    expect(big.permit).toBeDefined();
    limiter.close();
  });

  it('pauses everyone after a 429', async () => {
    const limiter = new RateLimiter({ maxConcurrent: 10, requestsPerMinute: 0, tokensPerMinute: 0 });
    limiter.pauseFor(2_000);
    const a = track(limiter.acquire(1));
    await vi.advanceTimersByTimeAsync(1_900);
    expect(a.permit).toBeUndefined();
    await vi.advanceTimersByTimeAsync(200);
    expect(a.permit).toBeDefined();
    limiter.close();
  });

  it('drops a waiter whose signal fires, and rejects waiters on close', async () => {
    const limiter = new RateLimiter({ maxConcurrent: 1, requestsPerMinute: 0, tokensPerMinute: 0 });
    const held = track(limiter.acquire(1));
    const ctrl = new AbortController();
    const aborted = track(limiter.acquire(1, ctrl.signal));
    const closed = track(limiter.acquire(1));
    await vi.advanceTimersByTimeAsync(0);
    ctrl.abort(new Error('stop'));
    await vi.advanceTimersByTimeAsync(0);
    expect((aborted.error as Error).message).toBe('stop');
    expect(limiter.stats().queued).toBe(1);
    limiter.close();
    await vi.advanceTimersByTimeAsync(0);
    expect((closed.error as Error).message).toMatch(/closed/);
    held.permit?.release();
  });
});
