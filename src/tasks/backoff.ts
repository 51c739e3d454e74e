// Retry delay: exponential with jitter, capped. Pure; `random` is injectable for tests.
import type { RetryPolicy } from './types.ts';

export function retryDelayMs(
  policy: Required<RetryPolicy>,
  attempt: number,
  random: () => number = Math.random,
): number {
  // attempt is the one that just failed (1-based); the first retry waits backoffMs.
  const base = Math.min(policy.maxDelayMs, policy.backoffMs * policy.factor ** Math.max(0, attempt - 1));
  const spread = base * policy.jitter;
  return Math.max(0, Math.round(base - spread + random() * spread * 2));
}
