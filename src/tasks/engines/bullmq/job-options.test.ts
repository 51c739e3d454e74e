import { describe, expect, it } from 'vitest';
import { BULL_PRIORITY_MAX, bullPriority, jobOptionsFor } from './job-options.ts';

describe('job options', () => {
  it('maps newsdesk priority (higher first) onto BullMQ priority (lower first), always prioritised', () => {
    expect(bullPriority(10)).toBeLessThan(bullPriority(0));
    expect(bullPriority(0)).toBeLessThan(bullPriority(-5));
    expect(bullPriority(1e12)).toBe(1); // never 0, which would mean "no priority" and jump the queue
    expect(bullPriority(-1e12)).toBe(BULL_PRIORITY_MAX);
    expect(Number.isInteger(bullPriority(2.6))).toBe(true);
  });

  it('uses the execution id as job id and the run-at time as delay; BullMQ never retries on its own', () => {
    const opts = jobOptionsFor({ id: 'e1', priority: 10, runAt: 5_000 }, 4_000);
    expect(opts).toMatchObject({
      jobId: 'e1',
      delay: 1_000,
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: true,
    });
    expect(jobOptionsFor({ id: 'e2', priority: 0, runAt: 1_000 }, 4_000).delay).toBe(0);
  });
});
