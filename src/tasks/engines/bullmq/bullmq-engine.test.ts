// What only the distributed engine does, with two engines on one PostgreSQL schema and one Redis prefix
// standing for two processes: events and cancels cross over, live workers are counted, and a job handed
// over by BullMQ for a dead worker's execution is recovered.
import { Queue } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ExecutionLogCapture } from '../../../logger.ts';
import { createPostgresTestStore, type DisposableStore } from '../../../store/testing.ts';
import { createTaskRegistry, defineTask } from '../../registry.ts';
import { testLogger } from '../../testing/engine-harness.ts';
import { TERMINAL_STATUSES } from '../../../store/types.ts';
import { sleep, waitFor, waitForStatus } from '../../testing/wait.ts';
import type { ExecutionEvent, TaskRegistry } from '../../types.ts';
import { BullmqEngine } from './bullmq-engine.ts';
import { jobOptionsFor, queueNameFor } from './job-options.ts';
import { closeRedisClient, createRedisClient } from './redis-connections.ts';
import { dropRedisPrefix, randomRedisPrefix, testRedisUrl } from './testing.ts';

const TERMINAL = TERMINAL_STATUSES;

describe('bullmq engine across processes', () => {
  let store: DisposableStore;
  let registry: TaskRegistry;
  let prefix: string;
  const engines: BullmqEngine[] = [];

  beforeEach(async () => {
    store = await createPostgresTestStore();
    registry = createTaskRegistry();
    prefix = randomRedisPrefix('be');
    registry.register(
      defineTask({
        name: 't.steps',
        payload: z.object({ steps: z.number() }),
        overlap: 'allow',
        concurrency: 2,
        retry: { attempts: 2, backoffMs: 10 },
        async handler(p, ctx) {
          for (let i = 1; i <= p.steps; i++) {
            await sleep(50, ctx.signal);
            ctx.progress(i, p.steps, `step ${i}`);
          }
          return { steps: p.steps };
        },
      }),
    );
  });

  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.stop(0)));
    await dropRedisPrefix(testRedisUrl(), prefix);
    await store.destroy();
  });

  async function engine(runTasks: boolean, leaseMs = 5_000): Promise<BullmqEngine> {
    const capture = new ExecutionLogCapture();
    const e = new BullmqEngine({
      store,
      registry,
      logger: testLogger(capture),
      capture,
      redisUrl: testRedisUrl(),
      prefix,
      concurrency: 4,
      leaseMs,
      abandonMs: 200,
      runTasks,
    });
    engines.push(e);
    await e.start();
    return e;
  }

  it("an API process sees a worker's status and progress events, and its cancel stops the task there", async () => {
    const worker = await engine(true);
    const api = await engine(false);
    const seen: ExecutionEvent[] = [];
    api.subscribe((e) => seen.push(e));
    const { execution } = await api.enqueue('t.steps', { steps: 3 }, { trigger: 'api' });
    await waitForStatus(store, execution.id, ['succeeded']);
    await waitFor(
      () => seen.some((e) => e.type === 'status' && e.execution.status === 'succeeded'),
      5_000,
      'final event',
    );
    const statuses = seen
      .filter((e) => e.type === 'status')
      .map((e) => (e as { execution: { status: string } }).execution.status);
    expect(statuses).toEqual(['queued', 'running', 'succeeded']); // queued from itself, the rest from the worker
    expect(seen.filter((e) => e.type === 'progress').map((e) => (e as { current: number }).current)).toEqual([
      1, 2, 3,
    ]);

    const { execution: long } = await api.enqueue('t.steps', { steps: 1000 }, { trigger: 'api' });
    await waitFor(
      async () => (await store.executions.get(long.id))?.progressCurrent,
      10_000,
      'the long task to run',
    );
    expect(worker.runningCount).toBe(1);
    const requested = Date.now();
    await api.cancel(long.id);
    const done = await waitForStatus(store, long.id, TERMINAL);
    expect(done.status).toBe('cancelled');
    // Over pub/sub, not at the worker's next heartbeat (every leaseMs / 3 = 1.7 s).
    expect(Date.now() - requested).toBeLessThan(1_000);
  });

  it('counts live worker processes for the whole cluster', async () => {
    const api = await engine(false);
    expect((await api.stats()).workers).toBe(0);
    await engine(true);
    const second = await engine(true);
    expect((await api.stats()).workers).toBe(2);
    await second.stop(0);
    expect((await api.stats()).workers).toBe(1);
  });

  it("recovers a dead worker's execution when BullMQ hands its job to another worker", async () => {
    await engine(true, 5_000);
    // A worker that died mid-task: its record is running under a lease that runs out shortly, and its
    // job is back on the queue (what BullMQ's stalled check does once the dead worker's lock expires).
    const orphan = await store.executions.create({
      task: 't.steps',
      payload: { steps: 1 },
      trigger: 'api',
      maxAttempts: 2,
    });
    await store.executions.markRunning(orphan.id, {
      owner: 'dead:1',
      now: Date.now(),
      leaseMs: 400,
      host: 'dead',
      pid: 1,
    });
    const redis = createRedisClient(testRedisUrl(), 'consumer', testLogger(new ExecutionLogCapture()));
    const queue = new Queue(queueNameFor('t.steps'), { connection: redis, prefix });
    try {
      await queue.add('t.steps', { executionId: orphan.id }, jobOptionsFor(orphan, Date.now()));
    } finally {
      await queue.close();
      await closeRedisClient(redis);
    }
    const interrupted = await waitForStatus(store, orphan.id, TERMINAL);
    expect(interrupted.status).toBe('failed');
    expect(interrupted.error?.type).toBe('interrupted');
    // Recorded by the job's new worker (the store sweep says "the process running it ...").
    expect(interrupted.error?.message).toMatch(/its worker \(dead:1\) stopped/);
    // Not before the dead worker's lease ran out: a live owner renews it, and keeps its task.
    expect(interrupted.finishedAt!).toBeGreaterThanOrEqual(interrupted.leaseExpiresAt!);
    const retry = await waitFor(
      async () =>
        (await store.executions.list({ task: 't.steps', status: 'succeeded' })).items.find(
          (e) => e.retryOf === orphan.id,
        ),
      10_000,
      'the recovery retry',
    );
    expect(retry.trigger).toBe('recovery');
    expect(retry.attempt).toBe(2);
  });

  it('puts back on its queue only a queued execution whose job never reached Redis', async () => {
    const api = await engine(false);
    const queued = await Promise.all(
      [1, 2].map(async () => (await api.enqueue('t.steps', { steps: 1 }, { trigger: 'api' })).execution),
    );
    // Recorded, but the process died before adding its job.
    const lost = await store.executions.create({
      task: 't.steps',
      payload: { steps: 1 },
      trigger: 'api',
      maxAttempts: 1,
    });
    expect(await api.reconcile(true)).toBe(1);
    expect(await api.reconcile(true)).toBe(0);
    await engine(true);
    for (const e of [...queued, lost])
      expect((await waitForStatus(store, e.id, TERMINAL)).status).toBe('succeeded');
  });
});
