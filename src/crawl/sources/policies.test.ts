import { describe, expect, it } from 'vitest';
import { articleContentHash, contentHash } from './content-hash.ts';
import { filterByMaxAge, isLikelyOutage, isWithinMaxAge } from './crawl-policy.ts';
import { decideRedirect, permanentTarget } from './redirect-policy.ts';
import {
  DAY,
  HOUR,
  MINUTE,
  adaptiveIntervalMs,
  entriesPerWeek,
  failureBackoffMs,
  nextCheckAfterFailure,
  nextCheckAt,
  shouldAutoDisable,
} from './schedule-policy.ts';
import { normalizeUrl } from './url-normalize.ts';

describe('normalizeUrl', () => {
  it('lowercases scheme and host, drops default ports and fragments', () => {
    expect(normalizeUrl('HTTP://News.Example.COM:80/Path/A?x=1#top')).toBe(
      'http://news.example.com/Path/A?x=1',
    );
    expect(normalizeUrl('https://example.com:443')).toBe('https://example.com/');
    expect(normalizeUrl('https://example.com:8443/a')).toBe('https://example.com:8443/a');
  });

  it('drops tracking parameters and sorts the rest', () => {
    expect(normalizeUrl('https://e.com/a?utm_source=x&b=2&fbclid=1&a=1&UTM_Medium=y&gclid=z&spm=1.2')).toBe(
      'https://e.com/a?a=1&b=2',
    );
    expect(normalizeUrl('https://e.com/a?utm_source=x')).toBe('https://e.com/a');
    expect(normalizeUrl('https://e.com/a?b=2&a=1')).toBe(normalizeUrl('https://e.com/a?a=1&b=2'));
  });

  it('leaves non-URLs alone', () => {
    expect(normalizeUrl('  not a url ')).toBe('not a url');
  });
});

describe('content hashes', () => {
  it('hash bytes, and article text insensitive to case and whitespace', () => {
    expect(contentHash('abc')).toMatch(/^[0-9a-f]{64}$/);
    expect(articleContentHash('Title', 'Some  text\n here')).toBe(
      articleContentHash('title', 'some text here'),
    );
    expect(articleContentHash('Title', 'a')).not.toBe(articleContentHash('Title', 'b'));
  });
});

describe('next check', () => {
  const now = Date.UTC(2024, 2, 5);

  it('uses the fixed interval', () => {
    expect(nextCheckAt({ now, mode: 'fixed', intervalMs: 30 * MINUTE })).toBe(now + 30 * MINUTE);
  });

  it('adapts to about 7 days ÷ entries per week, clamped to 5 min – 24 h', () => {
    expect(adaptiveIntervalMs(7)).toBe(DAY);
    expect(adaptiveIntervalMs(14)).toBe(12 * HOUR);
    expect(adaptiveIntervalMs(100_000)).toBe(5 * MINUTE);
    expect(adaptiveIntervalMs(0)).toBe(DAY);
    expect(adaptiveIntervalMs(1)).toBe(DAY);
    // 4 weeks of one entry per hour = 168 per week → one hour.
    const hourly = Array.from({ length: 24 * 28 }, (_, i) => now - i * HOUR);
    expect(entriesPerWeek(hourly, now)).toBeCloseTo(168, 0);
    expect(nextCheckAt({ now, mode: 'adaptive', recentPublishedAt: hourly })).toBe(now + HOUR);
  });

  it('is never shorter than the feed TTL, Cache-Control max-age or Retry-After', () => {
    const busy = Array.from({ length: 28 * 24 * 60 }, (_, i) => now - i * MINUTE);
    expect(nextCheckAt({ now, mode: 'adaptive', recentPublishedAt: busy })).toBe(now + 5 * MINUTE);
    expect(nextCheckAt({ now, mode: 'adaptive', recentPublishedAt: busy, ttlMinutes: 60 })).toBe(now + HOUR);
    expect(nextCheckAt({ now, mode: 'adaptive', recentPublishedAt: busy, maxAgeMs: 2 * HOUR })).toBe(
      now + 2 * HOUR,
    );
    expect(nextCheckAt({ now, mode: 'fixed', intervalMs: 10 * MINUTE, retryAfterMs: 3 * HOUR })).toBe(
      now + 3 * HOUR,
    );
  });

  it('backs off exponentially with jitter, capped at 24 h', () => {
    const mid = () => 0.5;
    expect(failureBackoffMs(1, { random: mid })).toBe(5 * MINUTE);
    expect(failureBackoffMs(2, { random: mid })).toBe(10 * MINUTE);
    expect(failureBackoffMs(4, { random: mid })).toBe(40 * MINUTE);
    expect(failureBackoffMs(50, { random: mid })).toBe(DAY);
    expect(failureBackoffMs(50, { random: () => 1 })).toBe(DAY);
    const low = failureBackoffMs(3, { random: () => 0 });
    const high = failureBackoffMs(3, { random: () => 0.999 });
    expect(low).toBeLessThan(20 * MINUTE);
    expect(high).toBeGreaterThan(20 * MINUTE);
    expect(nextCheckAfterFailure(now, 1, 6 * HOUR, { random: mid })).toBe(now + 6 * HOUR);
  });

  it('auto-disables only after a long failure period, with a reason', () => {
    expect(shouldAutoDisable({ consecutiveFailures: 30, failingSince: now - 3 * DAY }, now).disable).toBe(
      false,
    );
    expect(shouldAutoDisable({ consecutiveFailures: 5, failingSince: now - 30 * DAY }, now).disable).toBe(
      false,
    );
    const d = shouldAutoDisable({ consecutiveFailures: 40, failingSince: now - 15 * DAY }, now);
    expect(d).toEqual({ disable: true, reason: 'failing for 15 days (40 consecutive failures)' });
    expect(
      shouldAutoDisable({ consecutiveFailures: 40, failingSince: now - 15 * DAY }, now, { disableAfterMs: 0 })
        .disable,
    ).toBe(false);
  });
});

describe('permanent redirect promotion', () => {
  const perm = (from: string, to: string) => ({ from, to, permanent: true });
  const temp = (from: string, to: string) => ({ from, to, permanent: false });

  it('promotes only after the same permanent redirect repeats three times', () => {
    const hops = [perm('http://a/feed', 'https://a/feed')];
    let d = decideRedirect(hops, undefined);
    expect(d).toEqual({ memory: { target: 'https://a/feed', count: 1 } });
    d = decideRedirect(hops, d.memory);
    expect(d.promoteTo).toBeUndefined();
    d = decideRedirect(hops, d.memory);
    expect(d.promoteTo).toBe('https://a/feed');
  });

  it('never promotes temporary redirects, and a change of target or a direct answer resets the count', () => {
    expect(decideRedirect([temp('http://a/', 'http://b/')], { target: 'http://b/', count: 2 })).toEqual({});
    expect(decideRedirect([perm('http://a/', 'http://b/')], { target: 'http://c/', count: 2 })).toEqual({
      memory: { target: 'http://b/', count: 1 },
    });
    expect(decideRedirect([], { target: 'http://b/', count: 2 })).toEqual({});
    // Permanent then temporary: the stable part of the chain is the permanent hop.
    expect(permanentTarget([perm('http://a/', 'http://b/'), temp('http://b/', 'http://c/')])).toBe(
      'http://b/',
    );
    expect(permanentTarget([temp('http://a/', 'http://b/'), perm('http://b/', 'http://c/')])).toBeUndefined();
  });
});

describe('crawl-wide decisions', () => {
  it('recognises "everything failed at the network level at once" as an outage', () => {
    const down = Array.from({ length: 5 }, () => ({ ok: false, code: 'DNS' }));
    expect(isLikelyOutage(down)).toBe(true);
    expect(isLikelyOutage([...down.slice(0, 4), { ok: false, code: 'CONNECTION' }])).toBe(true);
    expect(isLikelyOutage([...down, { ok: true }])).toBe(false);
    expect(isLikelyOutage([...down, { ok: false, code: 'UPSTREAM_HTTP_404' }])).toBe(false);
    expect(isLikelyOutage(down.slice(0, 2))).toBe(false);
    expect(isLikelyOutage([...down, { ok: true }], { failureRatio: 0.8 })).toBe(true);
  });

  it('filters entries older than maxFetchDays and keeps undated ones', () => {
    const now = Date.UTC(2024, 2, 10);
    const entries = [{ publishedAt: now - 1 * DAY }, { publishedAt: now - 4 * DAY }, {}];
    expect(filterByMaxAge(entries, now, 3)).toEqual([{ publishedAt: now - DAY }, {}]);
    expect(isWithinMaxAge(now - 100 * DAY, now, 0)).toBe(true);
  });
});
