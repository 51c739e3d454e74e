// Redis key names of one newsdesk cluster. BullMQ's own keys are `<prefix>:<queue>:...`; newsdesk's keys
// use `<prefix>:@...`, which no queue name can produce (task names are dotted lower case).
import type { Redis } from 'ioredis';
import { ValidationError } from '../../../errors.ts';

export const DEFAULT_REDIS_PREFIX = 'newsdesk';
const PREFIX = /^[A-Za-z0-9_.-]{1,64}$/;

export function assertValidPrefix(prefix: string): string {
  if (!PREFIX.test(prefix)) {
    throw new ValidationError(
      `invalid Redis key prefix "${prefix}": use 1-64 letters, digits, '_', '.' or '-'`,
    );
  }
  return prefix;
}

export interface ClusterKeys {
  /** BullMQ's `prefix` option. */
  bullPrefix: string;
  /** Pub/sub channel carrying execution events between processes. */
  events: string;
  /** Pub/sub channel carrying cancel requests to the process running an execution. */
  cancel: string;
  /** Sorted set: worker process id → expiry of its last heartbeat (ms). */
  workers: string;
  /** Lock so that one process per interval re-adds queued executions missing from Redis. */
  reconcileLock: string;
  /** Per-host politeness state of the shared crawl limiter. */
  hostSlots(host: string): string;
  hostNextStart(host: string): string;
}

export function clusterKeys(prefix: string): ClusterKeys {
  assertValidPrefix(prefix);
  return {
    bullPrefix: prefix,
    events: `${prefix}:@events`,
    cancel: `${prefix}:@cancel`,
    workers: `${prefix}:@workers`,
    reconcileLock: `${prefix}:@reconcile-lock`,
    hostSlots: (host) => `${prefix}:@host:${host}:slots`,
    hostNextStart: (host) => `${prefix}:@host:${host}:next`,
  };
}

/** Delete every key of a prefix (tests and benchmarks use a random prefix and clean up after). */
export async function deleteKeysWithPrefix(client: Redis, prefix: string): Promise<number> {
  assertValidPrefix(prefix);
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await client.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}
