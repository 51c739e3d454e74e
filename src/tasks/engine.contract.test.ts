// One contract for every engine: same tests, same results.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PermanentFailure, RetryAfter } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { storeFactories } from '../store/testing.ts';
import { TERMINAL_STATUSES, type Execution } from '../store/types.ts';
import { createTaskRegistry, defineTask } from './registry.ts';
import { engineFactories } from './testing/engine-factories.ts';
import { sleep, waitFor, waitForStatus } from './testing/wait.ts';
import type { EngineUnderTest } from './testing/engine-harness.ts';
import type { ExecutionEvent, TaskRegistry } from './types.ts';

const TERMINAL = TERMINAL_STATUSES;

describe.each(engineFactories)('task engine contract: $name', (factory) => {
  let store: Store & { destroy(): Promise<void> };
  let registry: TaskRegistry;
  let under: EngineUnderTest | undefined;
  const extra: EngineUnderTest[] = [];

  beforeEach(async () => {
    const sf = storeFactories.find((f) => f.name === factory.storeKind)!;
    store = await sf.create();
    registry = createTaskRegistry();
  });

  afterEach(async () => {
    for (const e of [under, ...extra.splice(0)]) await e?.stop(0);
    under = undefined;
    await store.destroy();
  });

  async function start(opts: { leaseMs?: number; abandonMs?: number; concurrency?: number } = {}) {
    under = await factory.create({ store, registry, ...opts });
    return under.engine;
  }

  it('runs a task to success with progress, counters, logs and status events in order', async () => {
    registry.register(
      defineTask({
        name: 't.ok',
        payload: z.object({ n: z.number() }),
        async handler(p, ctx) {
          ctx.progress(1, 2, 'half');
          ctx.count({ processed: 2, success: 1, failed: 1 });
          ctx.log.info({ n: p.n }, 'working on it');
          return { doubled: p.n * 2 };
        },
      }),
    );
    const engine = await start();
    const events: ExecutionEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const { execution } = await engine.enqueue('t.ok', { n: 21 }, { trigger: 'api', triggeredBy: 'tester' });
    expect(execution.status).toBe('queued');
    const done = await waitForStatus(store, execution.id, TERMINAL);
    expect(done.status).toBe('succeeded');
    expect(done.result).toEqual({ doubled: 42 });
    expect(done.counters).toEqual({ processed: 2, success: 1, failed: 1 });
    expect(done.progressCurrent).toBe(1);
    expect(done.progressTotal).toBe(2);
    expect(done.trigger).toBe('api');
    expect(done.triggeredBy).toBe('tester');
    expect(done.durationMs).toBeGreaterThanOrEqual(0);
    const logs = await store.executions.listLogs(execution.id);
    expect(logs.map((l) => l.msg)).toContain('working on it');
    await waitFor(() =>
      events.some(
        (e) => e.type === 'status' && e.execution.id === execution.id && e.execution.status === 'succeeded',
      ),
    );
    const statuses = events
      .filter((e) => e.type === 'status' && e.execution.id === execution.id)
      .map((e) => (e as { execution: Execution }).execution.status);
    expect(statuses).toEqual(['queued', 'running', 'succeeded']);
    expect(
      events.some((e) => e.type === 'progress' && e.executionId === execution.id && e.message === 'half'),
    ).toBe(true);
  });

  it('rejects an invalid payload at enqueue, naming the field', async () => {
    registry.register(
      defineTask({
        name: 't.typed',
        payload: z.object({ url: z.string().url() }),
        handler: async () => null,
      }),
    );
    const engine = await start();
    await expect(engine.enqueue('t.typed', { url: 'nope' }, { trigger: 'api' })).rejects.toThrow(/url/);
    await expect(engine.enqueue('t.missing', {}, { trigger: 'api' })).rejects.toThrow(/not found/);
  });

  it('validates the payload again when the job starts (a record from an older release fails clearly)', async () => {
    registry.register(
      defineTask({
        name: 't.typed',
        payload: z.object({ url: z.string() }),
        retry: { attempts: 3, backoffMs: 10 },
        handler: async () => null,
      }),
    );
    const bad = await store.executions.create({
      task: 't.typed',
      payload: { url: 42 },
      trigger: 'api',
      maxAttempts: 3,
    });
    await start();
    const done = await waitForStatus(store, bad.id, TERMINAL);
    expect(done.status).toBe('failed');
    expect(done.error?.type).toBe('ValidationError');
    expect(done.error?.message).toMatch(/url/);
    const all = await store.executions.list({ task: 't.typed' });
    expect(all.total).toBe(1); // no retry for a payload that can never be valid
  });

  it('retries with backoff and records each attempt, then succeeds', async () => {
    let calls = 0;
    registry.register(
      defineTask({
        name: 't.flaky',
        payload: z.object({}),
        retry: { attempts: 3, backoffMs: 50, jitter: 0 },
        async handler() {
          calls++;
          if (calls < 3) throw new Error(`boom ${calls}`);
          return 'ok';
        },
      }),
    );
    const engine = await start();
    const { execution } = await engine.enqueue('t.flaky', {}, { trigger: 'api' });
    const final = await waitFor(async () => {
      const page = await store.executions.list({ task: 't.flaky', status: 'succeeded' });
      return page.items[0];
    });
    expect(final.attempt).toBe(3);
    expect(final.trigger).toBe('retry');
    const first = await store.executions.get(execution.id);
    expect(first?.status).toBe('failed');
    expect(first?.error?.message).toBe('boom 1');
    expect(first?.error?.stack).toContain('boom 1');
    const second = (await store.executions.list({ task: 't.flaky', status: 'failed' })).items.find(
      (e) => e.attempt === 2,
    )!;
    expect(second.retryOf).toBe(execution.id);
    expect(final.retryOf).toBe(second.id);
    // backoff: the 3rd attempt waited at least 2 × 50 ms after the 2nd failed
    expect(final.startedAt! - second.finishedAt!).toBeGreaterThanOrEqual(90);
  });

  it('retries a failed schedule fire as an ordinary execution that names the fire it repeats', async () => {
    let calls = 0;
    registry.register(
      defineTask({
        name: 't.fire',
        payload: z.object({}),
        retry: { attempts: 2, backoffMs: 10, jitter: 0 },
        async handler() {
          if (++calls === 1) throw new Error('first attempt fails');
        },
      }),
    );
    const engine = await start();
    const scheduledFor = Date.UTC(2026, 10, 30, 1, 0, 0);
    const { execution } = await engine.enqueue(
      't.fire',
      {},
      { trigger: 'schedule', scheduleId: 'sched-1', scheduledFor },
    );
    const retry = await waitFor(async () => {
      const page = await store.executions.list({ task: 't.fire', status: 'succeeded' });
      return page.items[0];
    });
    expect(retry).toMatchObject({
      trigger: 'retry',
      retryOf: execution.id,
      scheduleId: 'sched-1',
      scheduledFor,
    });
    expect((await store.executions.get(execution.id))?.status).toBe('failed');
  });

  it('stops retrying on PermanentFailure', async () => {
    registry.register(
      defineTask({
        name: 't.perm',
        payload: z.object({}),
        retry: { attempts: 5, backoffMs: 10 },
        handler: async () => {
          throw new PermanentFailure('bad input');
        },
      }),
    );
    const engine = await start();
    const { execution } = await engine.enqueue('t.perm', {}, { trigger: 'api' });
    const done = await waitForStatus(store, execution.id, TERMINAL);
    expect(done.error?.type).toBe('PermanentFailure');
    await sleep(200);
    expect((await store.executions.list({ task: 't.perm' })).total).toBe(1);
  });

  it('RetryAfter sets the time of the next attempt', async () => {
    registry.register(
      defineTask({
        name: 't.later',
        payload: z.object({}),
        retry: { attempts: 2, backoffMs: 10 },
        handler: async (_p, ctx) => {
          if (ctx.attempt === 1) throw new RetryAfter(400);
          return 'done';
        },
      }),
    );
    const engine = await start();
    const { execution } = await engine.enqueue('t.later', {}, { trigger: 'api' });
    const first = await waitForStatus(store, execution.id, TERMINAL);
    const retry = await waitFor(
      async () => (await store.executions.list({ task: 't.later', status: 'succeeded' })).items[0],
    );
    expect(retry.runAt - first.finishedAt!).toBeGreaterThanOrEqual(390);
    expect(retry.startedAt! - first.finishedAt!).toBeGreaterThanOrEqual(380);
  });

  it('times out a slow handler through its signal and records timed_out', async () => {
    registry.register(
      defineTask({
        name: 't.slow',
        payload: z.object({}),
        timeoutMs: 100,
        handler: (_p, ctx) => sleep(5_000, ctx.signal),
      }),
    );
    const engine = await start();
    const { execution } = await engine.enqueue('t.slow', {}, { trigger: 'api' });
    const done = await waitForStatus(store, execution.id, TERMINAL);
    expect(done.status).toBe('timed_out');
    expect(done.error?.type).toBe('TimeoutError');
    expect(done.durationMs).toBeLessThan(2_000);
  });

  it('cancels a running execution and a queued one', async () => {
    registry.register(
      defineTask({
        name: 't.long',
        payload: z.object({}),
        overlap: 'allow',
        concurrency: 1,
        handler: (_p, ctx) => sleep(10_000, ctx.signal),
      }),
    );
    const engine = await start();
    const { execution: a } = await engine.enqueue('t.long', {}, { trigger: 'api' });
    const { execution: b } = await engine.enqueue('t.long', {}, { trigger: 'api' });
    await waitForStatus(store, a.id, ['running']);
    const cancelledQueued = await engine.cancel(b.id);
    expect(cancelledQueued.status).toBe('cancelled');
    await engine.cancel(a.id);
    const done = await waitForStatus(store, a.id, TERMINAL);
    expect(done.status).toBe('cancelled');
    await expect(engine.cancel(a.id)).rejects.toThrow(/already cancelled/);
    await expect(engine.cancel('no-such-id')).rejects.toThrow(/not found/);
  });

  it('frees the slot of a handler that ignores its signal', async () => {
    registry.register(
      defineTask({ name: 't.stubborn', payload: z.object({}), timeoutMs: 100, handler: () => sleep(3_000) }),
    );
    registry.register(defineTask({ name: 't.next', payload: z.object({}), handler: async () => 'ran' }));
    const engine = await start({ concurrency: 1, abandonMs: 100 });
    const { execution } = await engine.enqueue('t.stubborn', {}, { trigger: 'api' });
    const { execution: next } = await engine.enqueue('t.next', {}, { trigger: 'api' });
    const done = await waitForStatus(store, execution.id, TERMINAL, 2_000);
    expect(done.status).toBe('timed_out');
    expect(done.error?.message).toMatch(/abandoned/);
    expect((await waitForStatus(store, next.id, TERMINAL, 2_000)).status).toBe('succeeded');
  });

  it('records a trigger that overlaps an active run as skipped, with the reason', async () => {
    registry.register(
      defineTask({
        name: 't.maint',
        payload: z.object({}),
        overlap: 'skip',
        handler: (_p, ctx) => sleep(500, ctx.signal),
      }),
    );
    const engine = await start();
    const first = await engine.enqueue('t.maint', {}, { trigger: 'schedule' });
    const second = await engine.enqueue('t.maint', {}, { trigger: 'api' });
    expect(second.skipped).toBe(true);
    expect(second.execution.status).toBe('skipped');
    expect(second.execution.reason).toContain(first.execution.id);
    expect((await waitForStatus(store, first.execution.id, TERMINAL)).status).toBe('succeeded');
  });

  it("'queue' overlap runs triggers one after another, never at once", async () => {
    let active = 0;
    let maxActive = 0;
    registry.register(
      defineTask({
        name: 't.serial',
        payload: z.object({}),
        overlap: 'queue',
        concurrency: 4,
        async handler() {
          active++;
          maxActive = Math.max(maxActive, active);
          await sleep(60);
          active--;
        },
      }),
    );
    const engine = await start({ concurrency: 4 });
    const ids = [];
    for (let i = 0; i < 3; i++)
      ids.push((await engine.enqueue('t.serial', {}, { trigger: 'api' })).execution.id);
    for (const id of ids) {
      const done = await waitForStatus(store, id, TERMINAL);
      expect(done.error?.message ?? done.status).toBe('succeeded');
    }
    expect(maxActive).toBe(1);
  });

  it('a manual run goes ahead of queued bulk work', async () => {
    const order: string[] = [];
    let unblock!: () => void;
    const blocked = new Promise<void>((resolve) => (unblock = resolve));
    registry.register(defineTask({ name: 't.blocker', payload: z.object({}), handler: () => blocked }));
    registry.register(
      defineTask({
        name: 't.work',
        payload: z.object({ tag: z.string() }),
        overlap: 'allow',
        concurrency: 1,
        async handler(p) {
          order.push(p.tag);
        },
      }),
    );
    const engine = await start({ concurrency: 1 });
    const blocker = await engine.enqueue('t.blocker', {}, { trigger: 'schedule' });
    // The only slot is taken before any work is queued: everything below waits behind the blocker.
    await waitForStatus(store, blocker.execution.id, ['running']);
    for (let i = 0; i < 3; i++) await engine.enqueue('t.work', { tag: `bulk${i}` }, { trigger: 'chain' });
    await engine.enqueue('t.work', { tag: 'manual' }, { trigger: 'manual' });
    unblock();
    await waitFor(() => order.length === 4, 5_000, 'all work');
    expect(order[0]).toBe('manual');
  });

  it('returns the active execution for a repeated idempotency key', async () => {
    registry.register(
      defineTask({
        name: 't.idem',
        payload: z.object({}),
        overlap: 'allow',
        concurrency: 2,
        handler: () => sleep(200),
      }),
    );
    const engine = await start();
    const a = await engine.enqueue('t.idem', {}, { trigger: 'api', idempotencyKey: 'k1' });
    const b = await engine.enqueue('t.idem', {}, { trigger: 'api', idempotencyKey: 'k1' });
    expect(b.deduplicated).toBe(true);
    expect(b.execution.id).toBe(a.execution.id);
  });

  it('follow-up tasks record their parent', async () => {
    registry.register(
      defineTask({ name: 't.child', payload: z.object({ v: z.number() }), handler: async (p) => p.v }),
    );
    registry.register(
      defineTask({
        name: 't.parent',
        payload: z.object({}),
        async handler(_p, ctx) {
          const r = await ctx.enqueue('t.child', { v: 7 });
          return { child: r.execution.id };
        },
      }),
    );
    const engine = await start();
    const { execution } = await engine.enqueue('t.parent', {}, { trigger: 'api' });
    const parent = await waitForStatus(store, execution.id, TERMINAL);
    const childId = (parent.result as { child: string }).child;
    const child = await waitForStatus(store, childId, TERMINAL);
    expect(child.parentId).toBe(execution.id);
    expect(child.trigger).toBe('chain');
    expect(child.result).toBe(7);
  });

  it('graceful stop lets short work finish and records long work as interrupted, with a retry queued', async () => {
    registry.register(defineTask({ name: 't.short', payload: z.object({}), handler: () => sleep(100) }));
    registry.register(
      defineTask({
        name: 't.endless',
        payload: z.object({}),
        retry: { attempts: 2, backoffMs: 10 },
        handler: (_p, ctx) => sleep(60_000, ctx.signal),
      }),
    );
    const engine = await start();
    const { execution: s } = await engine.enqueue('t.short', {}, { trigger: 'api' });
    const { execution: l } = await engine.enqueue('t.endless', {}, { trigger: 'api' });
    await waitForStatus(store, l.id, ['running']);
    await waitForStatus(store, s.id, ['running', 'succeeded']);
    await under!.stop(300);
    under = undefined;
    expect((await store.executions.get(s.id))?.status).toBe('succeeded');
    const long = await store.executions.get(l.id);
    expect(long?.status).toBe('failed');
    expect(long?.error?.type).toBe('interrupted');
    const retry = (await store.executions.list({ task: 't.endless', status: 'queued' })).items[0];
    expect(retry?.retryOf).toBe(l.id);
    expect((await store.executions.countByStatus(['running'])).running ?? 0).toBe(0);
  });

  it('recovers executions whose lease expired (their process died) and retries them', async () => {
    registry.register(
      defineTask({
        name: 't.recover',
        payload: z.object({}),
        retry: { attempts: 2, backoffMs: 10 },
        handler: async () => 'second life',
      }),
    );
    // A "dead process" claimed the execution and never came back.
    const orphan = await store.executions.create({
      task: 't.recover',
      payload: {},
      trigger: 'api',
      maxAttempts: 2,
    });
    const [claimed] = await store.executions.claim({
      owner: 'dead-host:1',
      now: Date.now(),
      leaseMs: 50,
      limit: 1,
      excludeTasks: [],
      host: 'dead-host',
      pid: 1,
    });
    expect(claimed.id).toBe(orphan.id);
    await sleep(80);
    await start();
    const interrupted = await waitForStatus(store, orphan.id, TERMINAL);
    expect(interrupted.status).toBe('failed');
    expect(interrupted.error?.type).toBe('interrupted');
    const retried = await waitFor(
      async () => (await store.executions.list({ task: 't.recover', status: 'succeeded' })).items[0],
    );
    expect(retried.trigger).toBe('recovery');
    expect(retried.retryOf).toBe(orphan.id);
    expect(retried.result).toBe('second life');
    expect((await store.executions.countByStatus(['running'])).running ?? 0).toBe(0);
  });
});
