// Redis clients for the BullMQ engine. Three roles, three clients:
// - producer: queue.add, publish, small reads; fails a command after a few retries so an API request
//   is not held forever when Redis is away (the execution record stays queued and is re-added later);
// - consumer: the workers' regular commands; BullMQ requires maxRetriesPerRequest: null here (each
//   Worker also duplicates it for its blocking fetch);
// - subscriber: pub/sub only (a subscribed client cannot run other commands).
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

export type RedisRole = 'producer' | 'consumer' | 'subscriber';

export function createRedisClient(url: string, role: RedisRole, logger: Logger): Redis {
  const options: RedisOptions = {
    connectionName: `newsdesk:${role}:${process.pid}`,
    maxRetriesPerRequest: role === 'producer' ? 3 : null,
    // Commands issued in the same tick leave in one write: under load, far fewer system calls.
    enableAutoPipelining: role !== 'subscriber',
    // Reconnect forever with a capped delay; a worker must survive a Redis restart.
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  };
  const client = new Redis(url, options);
  let reported = false;
  client.on('error', (err: Error) => {
    // ioredis emits an error per failed reconnect; say it once per outage.
    if (!reported) logger.warn({ err: err.message, role }, 'redis: connection problem');
    reported = true;
  });
  client.on('ready', () => {
    if (reported) logger.info({ role }, 'redis: connection restored');
    reported = false;
  });
  return client;
}

/** Close a client: QUIT when connected (flushes pending replies), disconnect otherwise. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'end') return;
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  client.disconnect();
}
