// Two processes' buses on the real Redis: events cross over once (not echoed back), cancels reach everyone.
import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ExecutionLogCapture } from '../../../logger.ts';
import { testLogger } from '../../testing/engine-harness.ts';
import { waitFor } from '../../testing/wait.ts';
import type { ExecutionEvent } from '../../types.ts';
import { BridgedEventBus, ClusterBus } from './cluster-bus.ts';
import { closeRedisClient, createRedisClient } from './redis-connections.ts';
import { clusterKeys } from './redis-keys.ts';
import { randomRedisPrefix, testRedisUrl } from './testing.ts';

const logger = testLogger(new ExecutionLogCapture());

describe('ClusterBus', () => {
  const clients: Redis[] = [];
  const buses: ClusterBus[] = [];
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.stop()));
    await Promise.all(clients.splice(0).map((c) => closeRedisClient(c)));
  });

  async function node(keys: ReturnType<typeof clusterKeys>) {
    const publisher = createRedisClient(testRedisUrl(), 'producer', logger);
    const subscriber = createRedisClient(testRedisUrl(), 'subscriber', logger);
    clients.push(publisher, subscriber);
    const bus = new BridgedEventBus();
    const cancels: string[] = [];
    const cluster = new ClusterBus({
      publisher,
      subscriber,
      eventsChannel: keys.events,
      cancelChannel: keys.cancel,
      logger,
      onRemoteEvent: (e) => bus.deliverRemote(e),
      onCancel: (id) => cancels.push(id),
    });
    bus.onLocalEvent = (e) => cluster.publishEvent(e);
    await cluster.start();
    buses.push(cluster);
    const seen: ExecutionEvent[] = [];
    bus.subscribe((e) => seen.push(e));
    return { bus, cluster, seen, cancels };
  }

  it('delivers a local event once locally and once in every other process, in order', async () => {
    const keys = clusterKeys(randomRedisPrefix('cb'));
    const a = await node(keys);
    const b = await node(keys);
    for (let i = 1; i <= 3; i++) {
      a.bus.emit({ type: 'log', executionId: 'x', ts: i, level: 'info', msg: `line ${i}` });
    }
    await waitFor(() => b.seen.length === 3, 5_000, 'events in b');
    expect(b.seen.map((e) => (e as { msg: string }).msg)).toEqual(['line 1', 'line 2', 'line 3']);
    await new Promise((r) => setTimeout(r, 100));
    expect(a.seen).toHaveLength(3); // not echoed back to its origin
    expect(b.seen).toHaveLength(3);
  });

  it('carries cancel requests to every process', async () => {
    const keys = clusterKeys(randomRedisPrefix('cb'));
    const a = await node(keys);
    const b = await node(keys);
    await a.cluster.publishCancel('exec-1');
    await waitFor(
      () => b.cancels.includes('exec-1') && a.cancels.includes('exec-1'),
      5_000,
      'cancel delivered',
    );
  });
});
