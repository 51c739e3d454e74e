import { describe, expect, it } from 'vitest';
import { decideMisfires } from './misfire.ts';
import { retryDelayMs } from './backoff.ts';

describe('misfire policy', () => {
  const due = [1000, 2000, 3000];
  it('coalesces due fires within grace into one run of the latest', () => {
    expect(decideMisfires({ due, now: 3500, graceMs: 1000, coalesce: true })).toEqual([
      { action: 'run', scheduledFor: 3000, reason: expect.stringMatching(/coalesced 3 due fires/) },
    ]);
  });
  it('skips once when everything is beyond grace', () => {
    const [d] = decideMisfires({ due, now: 10_000, graceMs: 1000, coalesce: true });
    expect(d.action).toBe('skip');
  });
  it('without coalescing decides each fire on its own', () => {
    expect(
      decideMisfires({ due: [1000, 2000, 3000], now: 4500, graceMs: 2600, coalesce: false }).map(
        (d) => d.action,
      ),
    ).toEqual(['skip', 'run', 'run']);
  });
  it('a single on-time fire runs without a reason, even with a zero grace', () => {
    expect(decideMisfires({ due: [1000], now: 1005, graceMs: 0, coalesce: true })).toEqual([
      { action: 'run', scheduledFor: 1000, reason: null },
    ]);
    expect(decideMisfires({ due: [1000], now: 3000, graceMs: 0, coalesce: true })[0].action).toBe('skip');
  });
});

describe('retry backoff', () => {
  const policy = { attempts: 5, backoffMs: 1000, factor: 2, maxDelayMs: 5000, jitter: 0.5 };
  it('doubles per attempt and caps', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((a) => retryDelayMs(policy, a, mid))).toEqual([1000, 2000, 4000, 5000]);
  });
  it('spreads by the jitter share', () => {
    expect(retryDelayMs(policy, 1, () => 0)).toBe(500);
    expect(retryDelayMs(policy, 1, () => 1)).toBe(1500);
  });
});
