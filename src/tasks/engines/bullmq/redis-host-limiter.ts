// Per-host crawl politeness shared by every worker of a cluster: at most N requests in flight per host and a
// minimum gap between request starts, kept in Redis. It has the shape of the crawler's HostLimiter
// (src/crawl/fetch/host-limiter.ts: acquire(host, signal) → release), so the fetcher takes it unchanged.
// A slot is a member of a per-host sorted set whose score is its expiry; the holder renews it while the
// request runs, so the slot of a worker that dies frees itself after slotTtlMs. Times come from Redis
// (TIME), so workers on machines with skewed clocks agree.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { closeRedisClient, createRedisClient } from './redis-connections.ts';
import { clusterKeys, DEFAULT_REDIS_PREFIX, type ClusterKeys } from './redis-keys.ts';

export type Release = () => void;

export interface RedisHostLimiterOptions {
  /** A client to use (not closed by close()), or a redis:// URL to open one (closed by close()). */
  redis: Redis | string;
  logger: Logger;
  prefix?: string;
  /** Requests in flight per host across the cluster (default 2). */
  maxConcurrentPerHost?: number;
  /** Minimum ms between two request starts to the same host across the cluster (default 0). */
  minDelayMs?: number;
  /** A slot not renewed for this long is free again (its worker died). Default 60 s. */
  slotTtlMs?: number;
  /** How often a caller waiting for a full host looks again (default 50 ms). */
  pollMs?: number;
}

// Returns 0 when the slot was taken, a positive wait in ms when the host's gap is not over, -1 when full.
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return -1 end
local nextStart = tonumber(redis.call('GET', KEYS[2]) or '0')
if nextStart > now then return nextStart - now end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], ttl * 2)
local gap = tonumber(ARGV[3])
if gap > 0 then redis.call('SET', KEYS[2], now + gap, 'PX', gap + 1000) end
return 0`;

// Push the expiry of held slots forward (only those still present).
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
for i = 2, #ARGV do
  if redis.call('ZSCORE', KEYS[i - 1], ARGV[i]) then
    redis.call('ZADD', KEYS[i - 1], 'XX', now + ttl, ARGV[i])
    redis.call('PEXPIRE', KEYS[i - 1], ttl * 2)
  end
end
return 0`;

interface Held {
  key: string;
  token: string;
}

export class RedisHostLimiter {
  private readonly client: Redis;
  private readonly ownsClient: boolean;
  private readonly keys: ClusterKeys;
  private readonly max: number;
  private readonly minDelayMs: number;
  private readonly slotTtlMs: number;
  private readonly pollMs: number;
  private readonly held = new Map<string, Held>();
  private readonly closing = new AbortController();
  private renewTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: RedisHostLimiterOptions) {
    this.ownsClient = typeof opts.redis === 'string';
    this.client =
      typeof opts.redis === 'string' ? createRedisClient(opts.redis, 'producer', opts.logger) : opts.redis;
    this.keys = clusterKeys(opts.prefix ?? DEFAULT_REDIS_PREFIX);
    this.max = Math.max(1, opts.maxConcurrentPerHost ?? 2);
    this.minDelayMs = Math.max(0, opts.minDelayMs ?? 0);
    this.slotTtlMs = Math.max(100, opts.slotTtlMs ?? 60_000);
    this.pollMs = Math.max(5, opts.pollMs ?? 50);
  }

  /** Resolves when a request to `host` may start; call the returned function when it ends. */
  async acquire(host: string, signal?: AbortSignal): Promise<Release> {
    const name = host.toLowerCase();
    const slots = this.keys.hostSlots(name);
    const next = this.keys.hostNextStart(name);
    const token = randomUUID();
    for (;;) {
      signal?.throwIfAborted();
      this.closing.signal.throwIfAborted();
      const wait = Number(
        await this.client.eval(ACQUIRE, 2, slots, next, token, this.max, this.minDelayMs, this.slotTtlMs),
      );
      if (wait === 0) return this.track(slots, token);
      await sleep(wait > 0 ? wait : this.pollMs, signal, this.closing.signal);
    }
  }

  /** Stop renewing and reject waiting callers. Slots still held expire on their own. */
  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort(new Error('host limiter closed'));
    clearInterval(this.renewTimer);
    this.renewTimer = undefined;
    this.held.clear();
    if (this.ownsClient) await closeRedisClient(this.client);
  }

  /** Slots this process holds right now (for tests and metrics). */
  get heldSlots(): number {
    return this.held.size;
  }

  private track(key: string, token: string): Release {
    this.held.set(token, { key, token });
    this.renewTimer ??= setInterval(() => void this.renew(), Math.max(50, Math.floor(this.slotTtlMs / 3)));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(token);
      if (this.held.size === 0) {
        clearInterval(this.renewTimer);
        this.renewTimer = undefined;
      }
      if (this.closing.signal.aborted) return;
      this.client.zrem(key, token).catch((err: Error) => {
        // The slot expires by itself; politeness errs on the slow side.
        this.opts.logger.warn({ err: err.message }, 'host limiter: could not release a slot');
      });
    };
  }

  private async renew(): Promise<void> {
    const held = [...this.held.values()];
    if (held.length === 0) return;
    try {
      await this.client.eval(
        RENEW,
        held.length,
        ...held.map((h) => h.key),
        this.slotTtlMs,
        ...held.map((h) => h.token),
      );
    } catch (err) {
      this.opts.logger.warn({ err: (err as Error).message }, 'host limiter: could not renew slots');
    }
  }
}

function sleep(ms: number, ...signals: Array<AbortSignal | undefined>): Promise<void> {
  return new Promise((resolve, reject) => {
    const active = signals.filter((s): s is AbortSignal => !!s);
    const onAbort = (signal: AbortSignal) => () => {
      clearTimeout(timer);
      cleanup();
      reject(signal.reason);
    };
    const handlers = active.map((s) => [s, onAbort(s)] as const);
    const cleanup = () => handlers.forEach(([s, h]) => s.removeEventListener('abort', h));
    const timer = setTimeout(() => {
      cleanup();
      resolve();
    }, ms);
    for (const [s, h] of handlers) {
      if (s.aborted) return h();
      s.addEventListener('abort', h, { once: true });
    }
  });
}
