// Test and benchmark helpers for the BullMQ engine: a Redis URL, random key prefixes and their cleanup,
// and the engine factory the contract suite runs against (PostgreSQL store + Redis at 127.0.0.1:6379).
import { randomBytes } from 'node:crypto';
import { ExecutionLogCapture } from '../../../logger.ts';
import type { EngineFactory } from '../../testing/engine-harness.ts';
import { testLogger } from '../../testing/engine-harness.ts';
import { BullmqEngine } from './bullmq-engine.ts';
import { closeRedisClient, createRedisClient } from './redis-connections.ts';
import { deleteKeysWithPrefix } from './redis-keys.ts';

export const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379';

export function testRedisUrl(): string {
  return process.env.NEWSDESK_TEST_REDIS_URL || DEFAULT_TEST_REDIS_URL;
}

/** A prefix no other test run uses, e.g. t-lx3k2a-5f9c1e0a. */
export function randomRedisPrefix(tag = 't'): string {
  return `${tag}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** Delete every key under `prefix` and close the client used for it. */
export async function dropRedisPrefix(url: string, prefix: string): Promise<number> {
  const client = createRedisClient(url, 'producer', testLogger(new ExecutionLogCapture()));
  try {
    return await deleteKeysWithPrefix(client, prefix);
  } finally {
    await closeRedisClient(client);
  }
}

export const bullmqFactory: EngineFactory = {
  name: 'bullmq',
  storeKind: 'postgres',
  async create({ store, registry, leaseMs = 5_000, abandonMs = 300, concurrency = 4 }) {
    const capture = new ExecutionLogCapture();
    const url = testRedisUrl();
    const prefix = randomRedisPrefix();
    const engine = new BullmqEngine({
      store,
      registry,
      logger: testLogger(capture),
      capture,
      redisUrl: url,
      prefix,
      concurrency,
      leaseMs,
      abandonMs,
    });
    let stopped: Promise<void> | undefined;
    try {
      await engine.start();
    } catch (err) {
      await engine.stop(0).catch(() => undefined);
      await dropRedisPrefix(url, prefix);
      throw err;
    }
    return {
      engine,
      stop: (graceMs = 0) =>
        (stopped ??= (async () => {
          await engine.stop(graceMs);
          await dropRedisPrefix(url, prefix);
        })()),
    };
  },
};
