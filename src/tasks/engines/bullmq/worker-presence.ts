// Which worker processes are alive: each renews its entry in a sorted set (score = expiry in ms);
// an entry that is not renewed (the process died) simply expires.
import type { Redis } from 'ioredis';

export class WorkerPresence {
  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly id: string,
    private readonly ttlMs: number,
  ) {}

  async beat(now = Date.now()): Promise<void> {
    await this.client.zadd(this.key, now + this.ttlMs, this.id);
  }

  async leave(): Promise<void> {
    await this.client.zrem(this.key, this.id);
  }
}

/** Live worker processes of the cluster. */
export async function countLiveWorkers(client: Redis, key: string, now = Date.now()): Promise<number> {
  const replies = await client.multi().zremrangebyscore(key, '-inf', now).zcard(key).exec();
  const card = replies?.[1];
  if (!card || card[0]) throw card?.[0] ?? new Error('redis: no reply to ZCARD');
  return Number(card[1]);
}
