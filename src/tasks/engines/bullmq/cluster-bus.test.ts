// Two processes' buses on the real Redis: events cross over once (not echoed back), cancels reach everyone.
import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ExecutionLogCapture } from '../../../logger.ts';
import { testLogger } from '../../testing/engine-harness.ts';
import { waitFor } from '../../testing/wait.ts';
import { newExecutionRow, toExecution } from '../../../store/repos/execution-rows.ts';
import type { Execution } from '../../../store/types.ts';
import type { ExecutionEvent } from '../../types.ts';
import { BridgedEventBus, ClusterBus } from './cluster-bus.ts';
import { closeRedisClient, createRedisClient } from './redis-connections.ts';
import { clusterKeys } from './redis-keys.ts';
import { randomRedisPrefix, testRedisUrl } from './testing.ts';

const logger = testLogger(new ExecutionLogCapture());

function execution(id: string): Execution {
  const row = newExecutionRow({ task: 'diagnostics.noop', payload: {}, trigger: 'api', maxAttempts: 1 });
  return { ...toExecution(row), id };
}

function describeEvent(e: ExecutionEvent): string {
  if (e.type === 'status') return `${e.execution.id} ${e.execution.status}`;
  if (e.type === 'log') return `${e.executionId} log ${e.msg}`;
  return `${e.executionId} progress`;
}

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

  it('sends only the final status of an execution that changed twice within one batch', async () => {
    const keys = clusterKeys(randomRedisPrefix('cb'));
    const a = await node(keys);
    const b = await node(keys);
    const running = { ...execution('x'), status: 'running' as const };
    a.bus.emit({ type: 'status', execution: running });
    a.bus.emit({ type: 'status', execution: { ...running, status: 'succeeded' } });
    // A log line between two status events keeps both: remote watchers see the line while it ran.
    a.bus.emit({ type: 'status', execution: { ...execution('y'), status: 'running' } });
    a.bus.emit({ type: 'log', executionId: 'y', ts: 1, level: 'info', msg: 'working' });
    a.bus.emit({ type: 'status', execution: { ...execution('y'), status: 'succeeded' } });
    await waitFor(() => b.seen.length === 4, 5_000, 'events in b');
    await new Promise((r) => setTimeout(r, 100));
    expect(b.seen.map(describeEvent)).toEqual(['x succeeded', 'y running', 'y log working', 'y succeeded']);
    expect(a.seen).toHaveLength(5); // local subscribers still see every event
  });

  it('keeps events from other processes away from local-only subscribers', async () => {
    const keys = clusterKeys(randomRedisPrefix('cb'));
    const a = await node(keys);
    const b = await node(keys);
    const localToB: ExecutionEvent[] = [];
    b.bus.subscribe((e) => localToB.push(e), { localOnly: true });
    a.bus.emit({ type: 'log', executionId: 'from-a', ts: 1, level: 'info', msg: 'a' });
    b.bus.emit({ type: 'log', executionId: 'from-b', ts: 2, level: 'info', msg: 'b' });
    await waitFor(() => b.seen.length === 2, 5_000, 'both events in b');
    expect(localToB.map(describeEvent)).toEqual(['from-b log b']);
  });

  it('reads batches in the format of older releases', async () => {
    const keys = clusterKeys(randomRedisPrefix('cb'));
    const b = await node(keys);
    const publisher = createRedisClient(testRedisUrl(), 'producer', logger);
    clients.push(publisher);
    const legacy = {
      o: 'older-process',
      e: [{ type: 'log', executionId: 'z', ts: 1, level: 'info', msg: 'hi' }],
    };
    await publisher.publish(keys.events, JSON.stringify(legacy));
    await waitFor(() => b.seen.length === 1, 5_000, 'legacy event in b');
    expect(describeEvent(b.seen[0])).toBe('z log hi');
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
