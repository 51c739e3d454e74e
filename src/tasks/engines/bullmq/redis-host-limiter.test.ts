// The shared host limiter against the real Redis at 127.0.0.1:6379: two instances stand for two workers.
import { afterEach, describe, expect, it } from 'vitest';
import type { HostLimiter } from '../../../crawl/fetch/host-limiter.ts';
import { ExecutionLogCapture } from '../../../logger.ts';
import { testLogger } from '../../testing/engine-harness.ts';
import { RedisHostLimiter, type RedisHostLimiterOptions } from './redis-host-limiter.ts';
import { closeRedisClient, createRedisClient } from './redis-connections.ts';
import { clusterKeys } from './redis-keys.ts';
import { dropRedisPrefix, randomRedisPrefix, testRedisUrl } from './testing.ts';

const logger = testLogger(new ExecutionLogCapture());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RedisHostLimiter (shared across workers)', () => {
  const prefix = randomRedisPrefix('hl');
  const limiters: RedisHostLimiter[] = [];

  function limiter(opts: Partial<RedisHostLimiterOptions> = {}): RedisHostLimiter {
    const l = new RedisHostLimiter({ redis: testRedisUrl(), logger, prefix, pollMs: 10, ...opts });
    limiters.push(l);
    return l;
  }

  afterEach(async () => {
    await Promise.all(limiters.splice(0).map((l) => l.close()));
    await dropRedisPrefix(testRedisUrl(), prefix);
  });

  it('holds the per-host limit across two workers, and hosts are independent', async () => {
    const a = limiter({ maxConcurrentPerHost: 2 });
    const b = limiter({ maxConcurrentPerHost: 2 });
    let active = 0;
    let peak = 0;
    const request = async (l: RedisHostLimiter, host: string) => {
      const release = await l.acquire(host);
      active++;
      peak = Math.max(peak, active);
      await sleep(40);
      active--;
      release();
    };
    await Promise.all([a, b, a, b, a, b].map((l) => request(l, 'Example.COM')));
    expect(peak).toBe(2);
    // A different host is not held up by a full one.
    const r1 = await a.acquire('one.test');
    const r2 = await b.acquire('one.test');
    const started = Date.now();
    const other = await a.acquire('two.test');
    expect(Date.now() - started).toBeLessThan(200);
    [r1, r2, other].forEach((r) => r());
  });

  it('keeps the minimum gap between request starts to a host across workers', async () => {
    const ttl = 60_000;
    const a = limiter({ maxConcurrentPerHost: 10, minDelayMs: 80, slotTtlMs: ttl });
    const b = limiter({ maxConcurrentPerHost: 10, minDelayMs: 80, slotTtlMs: ttl });
    const releases = await Promise.all([a, b, a, b].map((l) => l.acquire('slow.test')));
    // Each held slot's score is its start on Redis's clock plus the TTL: the gap the limiter promises is on
    // that clock (when a caller hears back adds round-trip jitter). No renewal runs within a 60 s TTL.
    const client = createRedisClient(testRedisUrl(), 'producer', logger);
    const scored = await client.zrange(clusterKeys(prefix).hostSlots('slow.test'), '0', '-1', 'WITHSCORES');
    await closeRedisClient(client);
    releases.forEach((r) => r());
    const starts = scored.filter((_, i) => i % 2 === 1).map((score) => Number(score) - ttl);
    expect(starts).toHaveLength(4);
    for (let i = 1; i < starts.length; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(80);
  });

  it("frees a dead worker's slot after its time to live, but not while the holder renews it", async () => {
    const holder = limiter({ maxConcurrentPerHost: 1, slotTtlMs: 300 });
    const other = limiter({ maxConcurrentPerHost: 1, slotTtlMs: 300 });
    const release = await holder.acquire('site.test');
    // Renewed while held: still taken after three times its TTL.
    const waiting = other.acquire('site.test', AbortSignal.timeout(900));
    await expect(waiting).rejects.toThrow();
    release();
    const again = await other.acquire('site.test', AbortSignal.timeout(500));
    // The holder dies (no release, no more renewals): the slot frees itself.
    await other.close();
    const survivor = limiter({ maxConcurrentPerHost: 1, slotTtlMs: 300 });
    const before = Date.now();
    const got = await survivor.acquire('site.test', AbortSignal.timeout(3_000));
    const waited = Date.now() - before;
    expect(waited).toBeGreaterThanOrEqual(150);
    expect(waited).toBeLessThan(2_000);
    got();
    again(); // releasing after close is harmless
  });

  it('stops waiting when the signal aborts', async () => {
    // The crawler's fetcher takes it as its host limiter.
    const a: HostLimiter = limiter({ maxConcurrentPerHost: 1 });
    const release = await a.acquire('busy.test');
    const controller = new AbortController();
    const waiting = a.acquire('busy.test', controller.signal);
    setTimeout(() => controller.abort(new Error('gave up')), 50);
    await expect(waiting).rejects.toThrow('gave up');
    release();
  });
});
