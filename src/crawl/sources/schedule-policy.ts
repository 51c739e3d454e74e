// When to check a source next: fixed or adaptive intervals, feed hints, failure backoff.

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

export interface FeedHints {
  /** RSS <ttl> / sy:updatePeriod, minutes. */
  ttlMinutes?: number;
  /** Cache-Control max-age of the last response. */
  maxAgeMs?: number;
  /** Retry-After of the last response. */
  retryAfterMs?: number;
}

export interface NextCheckInput extends FeedHints {
  now: number;
  mode: 'fixed' | 'adaptive';
  /** Fixed mode: the configured interval. */
  intervalMs?: number;
  /** Adaptive mode: publication times seen recently (epoch ms). */
  recentPublishedAt?: readonly number[];
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** Hints from the feed are never honoured beyond this (a TTL of a month is a mistake). */
  maxHintMs?: number;
}

/** Entries per week over the last `windowMs` (default 4 weeks) of publication times. */
export function entriesPerWeek(publishedAt: readonly number[], now: number, windowMs = 4 * WEEK): number {
  const since = now - windowMs;
  const n = publishedAt.filter((t) => t > since && t <= now + HOUR).length;
  return (n * WEEK) / windowMs;
}

/** Adaptive interval: about 7 days ÷ entries per week, clamped to [min, max] (5 min – 24 h by default). */
export function adaptiveIntervalMs(perWeek: number, minMs = 5 * MINUTE, maxMs = DAY): number {
  if (!(perWeek > 0)) return maxMs;
  return Math.min(maxMs, Math.max(minMs, WEEK / perWeek));
}

/** The longest wait the source itself asked for. */
export function hintFloorMs(h: FeedHints, maxHintMs = WEEK): number {
  const floor = Math.max(h.ttlMinutes ? h.ttlMinutes * MINUTE : 0, h.maxAgeMs ?? 0, h.retryAfterMs ?? 0);
  return Math.min(floor, maxHintMs);
}

/** Epoch ms of the next check after a successful (or 304) crawl. */
export function nextCheckAt(input: NextCheckInput): number {
  const minMs = input.minIntervalMs ?? 5 * MINUTE;
  const maxMs = input.maxIntervalMs ?? DAY;
  const base =
    input.mode === 'fixed'
      ? Math.max(MINUTE, input.intervalMs ?? HOUR)
      : adaptiveIntervalMs(entriesPerWeek(input.recentPublishedAt ?? [], input.now), minMs, maxMs);
  return input.now + Math.max(base, hintFloorMs(input, input.maxHintMs));
}

export interface BackoffOptions {
  baseMs?: number;
  maxMs?: number;
  /** Fraction of the delay randomised either way (default 0.2). */
  jitter?: number;
  random?: () => number;
}

/** Exponential backoff with jitter after `consecutiveFailures` (1 = first failure), capped at 24 h. */
export function failureBackoffMs(consecutiveFailures: number, options: BackoffOptions = {}): number {
  const base = options.baseMs ?? 5 * MINUTE;
  const max = options.maxMs ?? DAY;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const n = Math.max(1, Math.floor(consecutiveFailures));
  const raw = Math.min(max, base * 2 ** Math.min(n - 1, 30));
  const spread = raw * jitter * (2 * random() - 1);
  return Math.round(Math.min(max, Math.max(base / 2, raw + spread)));
}

/** Epoch ms of the next check after a failure; Retry-After wins when longer. */
export function nextCheckAfterFailure(
  now: number,
  consecutiveFailures: number,
  retryAfterMs?: number,
  options: BackoffOptions = {},
): number {
  return now + Math.max(failureBackoffMs(consecutiveFailures, options), Math.min(retryAfterMs ?? 0, WEEK));
}

export interface DisablePolicy {
  /** Auto-disable after failing continuously for this long (default 14 days); 0 never disables. */
  disableAfterMs?: number;
  /** …and at least this many consecutive failures (default 20). */
  minFailures?: number;
}

/** Whether a long-failing source should be disabled (with the reason shown), never silently. */
export function shouldAutoDisable(
  state: { consecutiveFailures: number; failingSince?: number },
  now: number,
  policy: DisablePolicy = {},
): { disable: boolean; reason?: string } {
  const after = policy.disableAfterMs ?? 14 * DAY;
  const minFailures = policy.minFailures ?? 20;
  if (!after || state.failingSince === undefined) return { disable: false };
  if (state.consecutiveFailures >= minFailures && now - state.failingSince >= after) {
    const days = Math.round((now - state.failingSince) / DAY);
    return {
      disable: true,
      reason: `failing for ${days} days (${state.consecutiveFailures} consecutive failures)`,
    };
  }
  return { disable: false };
}
