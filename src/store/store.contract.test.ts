// The store contract: every case runs against SQLite (a temp file) and PostgreSQL (a fresh schema).
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.ts';
import { openStore } from './open-store.ts';
import type { Store } from './store.ts';
import { createBlankDatabase, storeFactories, type DisposableStore, type StoreFactory } from './testing.ts';
import type { NewExecution } from './types.ts';

describe.each(storeFactories)('store contract: $name', (factory: StoreFactory) => {
  // `store` is shared by cases that scope themselves by task name; `fresh()` empties `iso` for cases that
  // need an empty database (totals, claims).
  let store: DisposableStore;
  let iso: DisposableStore;
  const extra: Array<{ destroy?: () => Promise<void>; close?: () => Promise<void> }> = [];
  let seq = 0;
  const task = (label = 'task') => `${label}.${++seq}.${Math.random().toString(36).slice(2, 6)}`;
  const exec = (t: string, more: Partial<NewExecution> = {}): NewExecution => ({
    task: t,
    payload: { n: 1 },
    trigger: 'api',
    maxAttempts: 1,
    ...more,
  });
  const claimArgs = (now: number, more: Partial<Parameters<Store['executions']['claim']>[0]> = {}) => ({
    owner: 'worker-a',
    now,
    leaseMs: 30_000,
    limit: 10,
    excludeTasks: [] as string[],
    host: 'host-a',
    pid: 4242,
    ...more,
  });
  async function fresh(): Promise<DisposableStore> {
    await iso.reset();
    return iso;
  }
  async function secondHandle(s: DisposableStore): Promise<Store> {
    const other = await openStore(s.options);
    extra.push(other);
    return other;
  }

  beforeAll(async () => {
    [store, iso] = await Promise.all([factory.create(), factory.create()]);
  });
  afterEach(async () => {
    // Second handles first, then the fresh stores they point at.
    for (const s of extra.splice(0).reverse()) await (s.destroy ?? s.close)?.call(s);
  });
  afterAll(async () => {
    await Promise.all([store?.destroy(), iso?.destroy()]);
  });

  describe('executions', () => {
    it('creates and reads back every field', async () => {
      const t = task();
      const created = await store.executions.create(
        exec(t, {
          payload: { url: 'https://example.test/a', deep: { list: [1, 'two', null] } },
          trigger: 'schedule',
          triggeredBy: 'nightly',
          priority: 5,
          attempt: 2,
          maxAttempts: 3,
          reason: 'coalesced 2 missed fires',
          scheduleId: 'sch-1',
          scheduledFor: 1_700_000_000_000,
          parentId: 'parent-1',
          retryOf: 'prev-1',
          idempotencyKey: 'key-1',
          runAt: 1_700_000_000_500,
          createdAt: 1_700_000_000_100,
        }),
      );
      expect(created.id).toMatch(/^[0-9a-z]{16}$/);
      const got = await store.executions.get(created.id);
      expect(got).toEqual(created);
      expect(got).toMatchObject({
        task: t,
        payload: { url: 'https://example.test/a', deep: { list: [1, 'two', null] } },
        trigger: 'schedule',
        triggeredBy: 'nightly',
        status: 'queued',
        priority: 5,
        attempt: 2,
        maxAttempts: 3,
        progressCurrent: null,
        counters: { processed: 0, success: 0, failed: 0 },
        result: null,
        error: null,
        reason: 'coalesced 2 missed fires',
        scheduleId: 'sch-1',
        scheduledFor: 1_700_000_000_000,
        parentId: 'parent-1',
        retryOf: 'prev-1',
        idempotencyKey: 'key-1',
        cancelRequested: false,
        runAt: 1_700_000_000_500,
        createdAt: 1_700_000_000_100,
        startedAt: null,
        finishedAt: null,
        durationMs: null,
      });
      expect(typeof got?.createdAt).toBe('number');
    });

    it('applies defaults and returns undefined for a missing id', async () => {
      const before = Date.now();
      const e = await store.executions.create(exec(task(), { payload: null }));
      expect(e).toMatchObject({
        status: 'queued',
        priority: 0,
        attempt: 1,
        payload: null,
        triggeredBy: null,
      });
      expect(e.createdAt).toBeGreaterThanOrEqual(before);
      expect(e.runAt).toBe(e.createdAt);
      expect(await store.executions.get('nope')).toBeUndefined();
    });

    it('records a skipped execution as already finished', async () => {
      const e = await store.executions.create(exec(task(), { status: 'skipped', reason: 'already running' }));
      const got = await store.executions.get(e.id);
      expect(got).toMatchObject({ status: 'skipped', reason: 'already running', finishedAt: e.createdAt });
    });

    it('lists newest first with filters, pagination and total', async () => {
      const t = task('list');
      const base = 1_750_000_000_000;
      const ids: string[] = [];
      for (let i = 0; i < 7; i++) {
        const e = await store.executions.create(
          exec(t, {
            createdAt: base + i * 1000,
            trigger: i % 2 === 0 ? 'api' : 'schedule',
            scheduleId: i % 2 === 0 ? null : 'sch-list',
            scheduledFor: i % 2 === 0 ? null : base + i,
            status: i === 6 ? 'skipped' : 'queued',
          }),
        );
        ids.push(e.id);
      }
      // Same millisecond: creation order still decides.
      const same1 = await store.executions.create(exec(t, { createdAt: base + 10_000 }));
      const same2 = await store.executions.create(exec(t, { createdAt: base + 10_000 }));

      const all = await store.executions.list({ task: t });
      expect(all.total).toBe(9);
      expect(all.items.map((e) => e.id)).toEqual([same2.id, same1.id, ...ids.slice().reverse()]);

      const page = await store.executions.list({ task: t, limit: 3, offset: 2 });
      expect(page.total).toBe(9);
      expect(page.items.map((e) => e.id)).toEqual([ids[6], ids[5], ids[4]]);

      const scheduled = await store.executions.list({ task: t, trigger: 'schedule' });
      expect(scheduled.items.map((e) => e.id)).toEqual([ids[5], ids[3], ids[1]]);
      expect((await store.executions.list({ scheduleId: 'sch-list' })).total).toBe(3);

      expect((await store.executions.list({ task: t, status: 'skipped' })).items.map((e) => e.id)).toEqual([
        ids[6],
      ]);
      expect((await store.executions.list({ task: t, status: ['skipped', 'queued'] })).total).toBe(9);
      expect((await store.executions.list({ task: t, status: [] })).total).toBe(0);

      const window = await store.executions.list({ task: t, from: base + 2000, to: base + 4000 });
      expect(window.items.map((e) => e.id)).toEqual([ids[4], ids[3], ids[2]]);
      expect(window.total).toBe(3);

      expect((await store.executions.list({ task: 'no-such-task' })).items).toEqual([]);
    });

    it('caps page size at 500 and defaults to 50', async () => {
      const t = task('page');
      const rows = Array.from({ length: 60 }, (_, i) => exec(t, { createdAt: 1_760_000_000_000 + i }));
      await Promise.all(rows.map((r) => store.executions.create(r)));
      expect((await store.executions.list({ task: t })).items).toHaveLength(50);
      expect((await store.executions.list({ task: t, limit: 10_000 })).items).toHaveLength(60);
      expect((await store.executions.list({ task: t, limit: 0 })).items).toHaveLength(1);
    });

    it('createUnlessActive creates, then reports the active execution, then creates again once it ends', async () => {
      const s = await fresh();
      const t = task('overlap');
      const first = await s.executions.createUnlessActive(exec(t));
      expect(first.created?.task).toBe(t);
      expect(await s.executions.get(first.created!.id)).toEqual(first.created);
      const second = await s.executions.createUnlessActive(exec(t));
      expect(second.created).toBeUndefined();
      expect(second.blockedBy?.id).toBe(first.created?.id);

      const [running] = await s.executions.claim(claimArgs(Date.now()));
      expect(running.id).toBe(first.created?.id);
      const third = await s.executions.createUnlessActive(exec(t));
      expect(third.blockedBy?.id).toBe(first.created?.id);
      expect(third.blockedBy?.status).toBe('running');

      await s.executions.finish(running.id, { status: 'succeeded', finishedAt: Date.now() });
      const fourth = await s.executions.createUnlessActive(exec(t));
      expect(fourth.created).toBeDefined();
      // Another task is not blocked.
      expect((await s.executions.createUnlessActive(exec(task('other')))).created).toBeDefined();
      expect((await s.executions.list({ task: t })).total).toBe(2);
    });

    it('createUnlessActive lets exactly one of 20 concurrent callers on two handles create', async () => {
      const s = await fresh();
      const other = await secondHandle(s);
      const t = task('race');
      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? s : other).executions.createUnlessActive(exec(t)),
        ),
      );
      const created = outcomes.filter((o) => o.created);
      expect(created).toHaveLength(1);
      const winner = created[0].created!.id;
      for (const o of outcomes) if (!o.created) expect(o.blockedBy.id).toBe(winner);
      expect((await s.executions.list({ task: t })).total).toBe(1);
    });

    it('records a schedule fire once, even from concurrent handles', async () => {
      const s = await fresh();
      const other = await secondHandle(s);
      const t = task('fire');
      const fire = (more: Partial<NewExecution> = {}) =>
        exec(t, { trigger: 'schedule', scheduleId: 'sch-a', scheduledFor: 1_000, ...more });

      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? s : other).executions.createScheduledFire(fire())),
      );
      expect(results.filter((r) => r !== null)).toHaveLength(1);
      expect(await s.executions.createScheduledFire(fire())).toBeNull();
      expect(await s.executions.createScheduledFire(fire({ scheduledFor: 2_000 }))).not.toBeNull();
      expect(await s.executions.createScheduledFire(fire({ scheduleId: 'sch-b' }))).not.toBeNull();
      // A skipped fire also counts as the fire.
      expect(
        await s.executions.createScheduledFire(fire({ scheduledFor: 3_000, status: 'skipped' })),
      ).not.toBeNull();
      expect(await s.executions.createScheduledFire(fire({ scheduledFor: 3_000 }))).toBeNull();
      // Retries of a fire keep its schedule and time for the audit trail.
      const retry = await s.executions.create(fire({ trigger: 'retry', retryOf: results.find(Boolean)!.id }));
      expect(retry.scheduledFor).toBe(1_000);
      // An overlap-checked insert of an already recorded fire is a conflict, not a silent duplicate.
      await expect(
        s.executions.createUnlessActive(fire({ task: task('idle'), scheduledFor: 2_000 })),
      ).rejects.toBeInstanceOf(ConflictError);
      expect((await s.executions.list({ scheduleId: 'sch-a', trigger: 'schedule' })).total).toBe(3);
      await expect(s.executions.createScheduledFire(exec(t))).rejects.toThrow(/schedule/);
    });

    it('claims due queued executions by priority, then run time, then creation', async () => {
      const s = await fresh();
      const now = 1_800_000_000_000;
      const low = await s.executions.create(
        exec('a', { priority: 0, runAt: now - 5000, createdAt: now - 9000 }),
      );
      const high = await s.executions.create(
        exec('b', { priority: 10, runAt: now - 1000, createdAt: now - 8000 }),
      );
      const highEarlier = await s.executions.create(
        exec('c', { priority: 10, runAt: now - 2000, createdAt: now - 7000 }),
      );
      const lowSameRunAt1 = await s.executions.create(
        exec('d', { priority: 0, runAt: now - 5000, createdAt: now - 6000 }),
      );
      await s.executions.create(exec('e', { priority: 99, runAt: now + 1000, createdAt: now - 5000 })); // not due
      const excluded = await s.executions.create(
        exec('x', { priority: 50, runAt: now - 1000, createdAt: now - 4000 }),
      );

      const first = await s.executions.claim(claimArgs(now, { limit: 2, excludeTasks: ['x'] }));
      expect(first.map((e) => e.id)).toEqual([highEarlier.id, high.id]);
      expect(first[0]).toMatchObject({
        status: 'running',
        leaseOwner: 'worker-a',
        leaseExpiresAt: now + 30_000,
        startedAt: now,
        host: 'host-a',
        pid: 4242,
      });
      const second = await s.executions.claim(claimArgs(now, { excludeTasks: ['x'] }));
      expect(second.map((e) => e.id)).toEqual([low.id, lowSameRunAt1.id]);
      expect(await s.executions.claim(claimArgs(now, { excludeTasks: ['x'] }))).toEqual([]);
      expect(await s.executions.claim(claimArgs(now, { limit: 0 }))).toEqual([]);
      const rest = await s.executions.claim(claimArgs(now));
      expect(rest.map((e) => e.id)).toEqual([excluded.id]);
      expect((await s.executions.get(high.id))?.status).toBe('running');
    });

    it('never hands the same execution to two concurrent claimers', async () => {
      const s = await fresh();
      const other = await secondHandle(s);
      const now = Date.now();
      const created = new Set<string>();
      const rows = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          s.executions.create(exec(`claim.${i % 4}`, { createdAt: now - 1000 })),
        ),
      );
      for (const e of rows) created.add(e.id);

      const claimed: string[] = [];
      async function drain(handle: Store, owner: string): Promise<void> {
        for (;;) {
          const got = await handle.executions.claim(claimArgs(now, { owner, limit: 3 }));
          if (got.length === 0) {
            // The other claimer may have locked the last rows; stop only when nothing is queued.
            const left = await handle.executions.countByStatus(['queued']);
            if (left.queued === 0) return;
            continue;
          }
          for (const e of got) claimed.push(e.id);
        }
      }
      await Promise.all([drain(s, 'one'), drain(other, 'two'), drain(s, 'three'), drain(other, 'four')]);
      expect(claimed).toHaveLength(40);
      expect(new Set(claimed)).toEqual(created);
      const owners = await s.executions.list({ status: 'running', limit: 100 });
      expect(owners.total).toBe(40);
    });

    it('heartbeat extends the lease of running executions of that owner only', async () => {
      const s = await fresh();
      const now = Date.now();
      await s.executions.create(exec('hb', { createdAt: now - 100 }));
      const [mine] = await s.executions.claim(claimArgs(now, { owner: 'me', limit: 1 }));
      expect(mine.leaseExpiresAt).toBe(now + 30_000);
      const queued = await s.executions.create(exec('hb', { runAt: now + 3_600_000 }));
      await s.executions.heartbeat([mine.id, queued.id], 'me', now + 99_000);
      expect((await s.executions.get(mine.id))?.leaseExpiresAt).toBe(now + 99_000);
      expect((await s.executions.get(queued.id))?.leaseExpiresAt).toBeNull();
      await s.executions.heartbeat([mine.id], 'someone-else', now + 500_000);
      expect((await s.executions.get(mine.id))?.leaseExpiresAt).toBe(now + 99_000);
      await s.executions.heartbeat([], 'me', now); // no-op
    });

    it("release puts an owner's claimed executions back in the queue", async () => {
      const s = await fresh();
      const now = Date.now();
      await s.executions.create(exec('rel', { createdAt: now - 100 }));
      const [mine] = await s.executions.claim(claimArgs(now, { owner: 'me', limit: 1 }));
      await s.executions.release([mine.id], 'someone-else');
      expect((await s.executions.get(mine.id))?.status).toBe('running');
      await s.executions.release([mine.id], 'me');
      const back = await s.executions.get(mine.id);
      expect(back?.status).toBe('queued');
      expect(back?.leaseOwner).toBeNull();
      const [again] = await s.executions.claim(claimArgs(now, { owner: 'other', limit: 1 }));
      expect(again.id).toBe(mine.id);
    });

    it('markRunning moves one queued execution to running and leaves others alone', async () => {
      const e = await store.executions.create(exec(task('mark')));
      const now = Date.now();
      const marked = await store.executions.markRunning(e.id, {
        owner: 'bull-1',
        now,
        leaseMs: 1000,
        host: 'h2',
        pid: 7,
        worker: 'worker-7',
      });
      expect(marked).toMatchObject({
        status: 'running',
        leaseOwner: 'bull-1',
        worker: 'worker-7',
        startedAt: now,
      });
      expect(
        await store.executions.markRunning(e.id, { owner: 'x', now, leaseMs: 1, host: 'h', pid: 1 }),
      ).toBeUndefined();
      expect(
        await store.executions.markRunning('missing', { owner: 'x', now, leaseMs: 1, host: 'h', pid: 1 }),
      ).toBeUndefined();
    });

    it('stores progress and counters', async () => {
      const e = await store.executions.create(exec(task('progress')));
      await store.executions.updateProgress(e.id, {
        progressCurrent: 3,
        progressTotal: 10,
        progressMessage: 'fetching',
      });
      await store.executions.updateProgress(e.id, { counters: { processed: 3, success: 2, failed: 1 } });
      await store.executions.updateProgress(e.id, { progressCurrent: 4 });
      await store.executions.updateProgress(e.id, {});
      expect(await store.executions.get(e.id)).toMatchObject({
        progressCurrent: 4,
        progressTotal: 10,
        progressMessage: 'fetching',
        counters: { processed: 3, success: 2, failed: 1 },
      });
      await store.executions.updateProgress(e.id, { progressMessage: null });
      expect((await store.executions.get(e.id))?.progressMessage).toBeNull();
    });

    it('finishes only a running execution and records result, error and duration', async () => {
      const s = await fresh();
      const ok = await s.executions.create(exec('fin'));
      const bad = await s.executions.create(exec('fin'));
      const queued = await s.executions.create(exec('fin', { runAt: Date.now() + 3_600_000 }));
      const now = Date.now();
      await s.executions.claim(claimArgs(now));

      const done = await s.executions.finish(ok.id, {
        status: 'succeeded',
        result: { fetched: 12, items: ['a'] },
        finishedAt: now + 1234,
      });
      expect(done).toMatchObject({
        status: 'succeeded',
        result: { fetched: 12, items: ['a'] },
        error: null,
        finishedAt: now + 1234,
        durationMs: 1234,
      });
      const error = { type: 'UpstreamError', message: 'HTTP 503', stack: 'at x', code: 'UPSTREAM_HTTP' };
      const failed = await s.executions.finish(bad.id, { status: 'failed', error, finishedAt: now + 10 });
      expect(failed).toMatchObject({ status: 'failed', error, result: null, durationMs: 10 });

      // Already finished (e.g. by another process): nothing changes.
      expect(await s.executions.finish(ok.id, { status: 'failed', finishedAt: now + 9999 })).toBeUndefined();
      expect(await s.executions.get(ok.id)).toMatchObject({ status: 'succeeded', finishedAt: now + 1234 });
      expect(await s.executions.finish(queued.id, { status: 'succeeded', finishedAt: now })).toBeUndefined();
      expect((await s.executions.get(queued.id))?.status).toBe('queued');
      expect(await s.executions.finish('missing', { status: 'succeeded', finishedAt: now })).toBeUndefined();
    });

    it('lists results as lists show them when asked: long arrays cut at finish, the record keeps them whole', async () => {
      const s = await fresh();
      const big = await s.executions.create(exec('listed'));
      const small = await s.executions.create(exec('listed'));
      const now = Date.now();
      await s.executions.claim(claimArgs(now));
      const lines = Array.from({ length: 300 }, (_, i) => ({ source: `s${i}`, status: 'ok' }));
      await s.executions.finish(big.id, {
        status: 'succeeded',
        result: { succeeded: 300, sources: lines, few: [1, 2] },
        finishedAt: now + 1,
      });
      await s.executions.finish(small.id, {
        status: 'succeeded',
        result: { few: [1, 2] },
        finishedAt: now + 2,
      });

      const listed = await s.executions.list({ task: 'listed', listed: true });
      expect(listed.items.map((e) => [e.id, e.result, e.resultTruncated])).toEqual([
        [small.id, { few: [1, 2] }, undefined],
        [big.id, { succeeded: 300, sources: { truncated: true, length: 300 }, few: [1, 2] }, true],
      ]);
      expect(listed.items[1]).toMatchObject({ status: 'succeeded', task: 'listed', durationMs: 1 });
      const whole = await s.executions.list({ task: 'listed' });
      expect(whole.items[1].result).toEqual({ succeeded: 300, sources: lines, few: [1, 2] });
      expect(whole.items[1].resultTruncated).toBeUndefined();
      expect((await s.executions.get(big.id))?.result).toEqual({
        succeeded: 300,
        sources: lines,
        few: [1, 2],
      });
    });

    it('cancels a queued execution, flags a running one and leaves a finished one', async () => {
      const s = await fresh();
      const now = Date.now();
      const running = await s.executions.create(exec('c', { priority: 1, createdAt: now - 100 }));
      const finished = await s.executions.create(exec('c', { createdAt: now - 100 }));
      await s.executions.claim(claimArgs(now));
      await s.executions.finish(finished.id, { status: 'succeeded', finishedAt: now + 5 });
      const queued = await s.executions.create(exec('c', { runAt: now + 3_600_000 }));

      expect(await s.executions.requestCancel(queued.id, now + 1)).toMatchObject({
        status: 'cancelled',
        finishedAt: now + 1,
        cancelRequested: true,
      });
      expect(await s.executions.requestCancel(running.id, now + 2)).toMatchObject({
        status: 'running',
        cancelRequested: true,
        finishedAt: null,
      });
      expect(await s.executions.requestCancel(finished.id, now + 3)).toMatchObject({
        status: 'succeeded',
        cancelRequested: false,
        finishedAt: now + 5,
      });
      expect(await s.executions.requestCancel('missing', now)).toBeUndefined();
      // A cancelled queued execution is never claimed.
      expect(await s.executions.claim(claimArgs(now + 7_200_000))).toEqual([]);
    });

    it('lists running executions whose lease expired', async () => {
      const s = await fresh();
      const now = 1_900_000_000_000;
      await s.executions.create(exec('l', { createdAt: now - 10, priority: 2 }));
      await s.executions.create(exec('l', { createdAt: now - 10, priority: 1 }));
      await s.executions.create(exec('l', { createdAt: now - 10 }));
      const [a] = await s.executions.claim(claimArgs(now, { leaseMs: 1000, limit: 1 }));
      const [b] = await s.executions.claim(claimArgs(now, { leaseMs: 5000, limit: 1 }));
      expect(await s.executions.listExpiredLeases(now + 999)).toEqual([]);
      expect((await s.executions.listExpiredLeases(now + 1001)).map((e) => e.id)).toEqual([a.id]);
      expect((await s.executions.listExpiredLeases(now + 6000)).map((e) => e.id)).toEqual([a.id, b.id]);
      await s.executions.finish(a.id, { status: 'failed', finishedAt: now + 7000 });
      expect((await s.executions.listExpiredLeases(now + 8000)).map((e) => e.id)).toEqual([b.id]);
    });

    it('finds an active execution by idempotency key', async () => {
      const t = task('idem');
      const e = await store.executions.create(exec(t, { idempotencyKey: 'k1' }));
      expect((await store.executions.findActiveByIdempotencyKey(t, 'k1'))?.id).toBe(e.id);
      expect(await store.executions.findActiveByIdempotencyKey(t, 'k2')).toBeUndefined();
      expect(await store.executions.findActiveByIdempotencyKey('other', 'k1')).toBeUndefined();
      await store.executions.requestCancel(e.id, Date.now());
      expect(await store.executions.findActiveByIdempotencyKey(t, 'k1')).toBeUndefined();
    });

    it('appends and pages log lines', async () => {
      const e = await store.executions.create(exec(task('logs')));
      const other = await store.executions.create(exec(task('logs')));
      const lines = Array.from({ length: 1200 }, (_, i) => ({
        executionId: e.id,
        ts: 1000 + i,
        level: i % 2 ? 'info' : 'warn',
        msg: `line ${i} – 中文`,
        ...(i === 0 ? { data: { url: 'https://example.test', n: 1 } } : {}),
      }));
      await store.executions.appendLogs(lines);
      await store.executions.appendLogs([{ executionId: other.id, ts: 1, level: 'info', msg: 'elsewhere' }]);
      await store.executions.appendLogs([]);

      const first = await store.executions.listLogs(e.id, { limit: 2 });
      expect(first).toHaveLength(2);
      expect(first[0]).toMatchObject({ executionId: e.id, ts: 1000, level: 'warn', msg: 'line 0 – 中文' });
      expect(first[0].data).toEqual({ url: 'https://example.test', n: 1 });
      expect(first[1].data).toBeUndefined();
      expect(typeof first[0].id).toBe('number');
      const next = await store.executions.listLogs(e.id, { afterId: first[1].id, limit: 5000 });
      expect(next).toHaveLength(1198);
      expect(next[0].msg).toBe('line 2 – 中文');
      expect(next.every((l, i) => i === 0 || l.id! > next[i - 1].id!)).toBe(true);
      expect((await store.executions.listLogs(e.id)).length).toBe(1000);
      expect((await store.executions.listLogs(other.id)).map((l) => l.msg)).toEqual(['elsewhere']);
    });

    it('summarises counts and durations per task and status since a time', async () => {
      const s = await fresh();
      const now = Date.now();
      const make = async (t: string, ms: number, status: 'succeeded' | 'failed') => {
        const e = await s.executions.create(exec(t, { createdAt: now - 100 }));
        const [c] = await s.executions.claim(claimArgs(now, { limit: 1 }));
        expect(c.id).toBe(e.id);
        await s.executions.finish(e.id, { status, finishedAt: now + ms });
      };
      await make('crawl', 100, 'succeeded');
      await make('crawl', 300, 'succeeded');
      await make('crawl', 50, 'failed');
      await make('digest', 1000, 'succeeded');
      await s.executions.create(exec('crawl', { runAt: now + 3_600_000 }));
      await s.executions.create(exec('old', { createdAt: now - 86_400_000 }));

      const stats = await s.executions.stats(now - 60_000);
      expect(stats).toEqual([
        { task: 'crawl', status: 'failed', count: 1, avgDurationMs: 50, maxDurationMs: 50 },
        { task: 'crawl', status: 'queued', count: 1, avgDurationMs: null, maxDurationMs: null },
        { task: 'crawl', status: 'succeeded', count: 2, avgDurationMs: 200, maxDurationMs: 300 },
        { task: 'digest', status: 'succeeded', count: 1, avgDurationMs: 1000, maxDurationMs: 1000 },
      ]);
      expect(await s.executions.stats(now + 1000)).toEqual([]);
    });

    it('counts executions by status, zero included', async () => {
      const s = await fresh();
      const now = Date.now();
      await s.executions.create(exec('a', { createdAt: now - 100 }));
      await s.executions.create(exec('a', { createdAt: now - 100 }));
      await s.executions.create(exec('b', { runAt: now + 3_600_000 }));
      await s.executions.create(exec('b', { status: 'skipped' }));
      await s.executions.claim(claimArgs(now, { limit: 1 }));
      expect(await s.executions.countByStatus(['queued', 'running', 'skipped', 'failed'])).toEqual({
        queued: 2,
        running: 1,
        skipped: 1,
        failed: 0,
      });
      expect(await s.executions.countByStatus([])).toEqual({});
    });

    it('deletes finished executions and their logs older than a cutoff', async () => {
      const s = await fresh();
      const now = Date.now();
      const day = 86_400_000;
      const oldDone = await s.executions.create(exec('a', { createdAt: now - 40 * day }));
      const oldSkipped = await s.executions.create(
        exec('a', { createdAt: now - 40 * day, status: 'skipped' }),
      );
      const oldQueued = await s.executions.create(exec('b', { createdAt: now - 40 * day, runAt: now + day }));
      const oldRunning = await s.executions.create(exec('c', { createdAt: now - 40 * day }));
      const recent = await s.executions.create(exec('a', { createdAt: now - day }));
      await s.executions.claim(claimArgs(now - 40 * day + 10));
      await s.executions.finish(oldDone.id, { status: 'succeeded', finishedAt: now - 39 * day });
      await s.executions.claim(claimArgs(now));
      await s.executions.finish(recent.id, { status: 'failed', finishedAt: now - day + 5 });
      for (const id of [oldDone.id, oldRunning.id, recent.id]) {
        await s.executions.appendLogs([{ executionId: id, ts: now, level: 'info', msg: 'x' }]);
      }

      expect(await s.executions.deleteFinishedBefore(now - 30 * day)).toBe(2);
      expect(await s.executions.get(oldDone.id)).toBeUndefined();
      expect(await s.executions.get(oldSkipped.id)).toBeUndefined();
      expect(await s.executions.listLogs(oldDone.id)).toEqual([]);
      expect((await s.executions.get(oldQueued.id))?.status).toBe('queued');
      expect((await s.executions.get(oldRunning.id))?.status).toBe('running');
      expect(await s.executions.listLogs(oldRunning.id)).toHaveLength(1);
      expect(await s.executions.get(recent.id)).toBeDefined();
      expect(await s.executions.listLogs(recent.id)).toHaveLength(1);
      expect(await s.executions.deleteFinishedBefore(now - 30 * day)).toBe(0);
    });
  });

  describe('schedules', () => {
    it('creates, reads, lists, updates and deletes', async () => {
      const s = await fresh();
      const a = await s.schedules.create({
        name: 'b-nightly',
        task: 'maintenance.cleanup',
        cron: '0 2 * * *',
        timezone: 'Asia/Shanghai',
      });
      expect(a).toMatchObject({
        name: 'b-nightly',
        enabled: true,
        payload: null,
        coalesce: true,
        maxInstances: 1,
        description: null,
        nextRunAt: null,
        lastRunAt: null,
        lastExecutionId: null,
      });
      expect(a.misfireGraceMs).toBeGreaterThan(0);
      const b = await s.schedules.create({
        id: 'sched-fixed',
        name: 'a-crawl',
        task: 'crawl.all',
        cron: '*/10 * * * * *',
        timezone: 'UTC',
        enabled: false,
        payload: { sources: ['x'] },
        misfireGraceMs: 5000,
        coalesce: false,
        maxInstances: 3,
        description: 'every 10 s',
        nextRunAt: 123,
      });
      expect(b.id).toBe('sched-fixed');
      expect(await s.schedules.get(b.id)).toEqual(b);
      expect(await s.schedules.getByName('b-nightly')).toEqual(a);
      expect(await s.schedules.get('missing')).toBeUndefined();
      expect(await s.schedules.getByName('missing')).toBeUndefined();
      expect((await s.schedules.list()).map((x) => x.name)).toEqual(['a-crawl', 'b-nightly']);

      const updated = await s.schedules.update(b.id, {
        cron: '0 * * * *',
        enabled: true,
        payload: { sources: [] },
        coalesce: true,
        nextRunAt: 456,
        lastRunAt: 400,
        lastExecutionId: 'exec-1',
        description: null,
      });
      expect(updated).toMatchObject({
        id: b.id,
        name: 'a-crawl',
        cron: '0 * * * *',
        enabled: true,
        payload: { sources: [] },
        coalesce: true,
        misfireGraceMs: 5000,
        nextRunAt: 456,
        lastRunAt: 400,
        lastExecutionId: 'exec-1',
        description: null,
        createdAt: b.createdAt,
      });
      expect(updated!.updatedAt).toBeGreaterThan(b.updatedAt);
      expect(await s.schedules.get(b.id)).toEqual(updated);
      expect(await s.schedules.update('missing', { enabled: false })).toBeUndefined();

      expect(await s.schedules.delete(a.id)).toBe(true);
      expect(await s.schedules.delete(a.id)).toBe(false);
      expect((await s.schedules.list()).map((x) => x.name)).toEqual(['a-crawl']);
    });

    it('rejects a duplicate name with ConflictError on create and rename', async () => {
      const s = await fresh();
      await s.schedules.create({ name: 'daily', task: 't', cron: '0 0 * * *', timezone: 'UTC' });
      const other = await s.schedules.create({
        name: 'hourly',
        task: 't',
        cron: '0 * * * *',
        timezone: 'UTC',
      });
      const dup = s.schedules.create({ name: 'daily', task: 'u', cron: '0 1 * * *', timezone: 'UTC' });
      await expect(dup).rejects.toBeInstanceOf(ConflictError);
      await expect(dup).rejects.toMatchObject({ code: 'CONFLICT' });
      await expect(s.schedules.update(other.id, { name: 'daily' })).rejects.toBeInstanceOf(ConflictError);
      expect((await s.schedules.get(other.id))?.name).toBe('hourly');
    });

    it('lastChange moves forward on every create, update and delete', async () => {
      const s = await fresh();
      const other = await secondHandle(s);
      expect(await s.schedules.lastChange()).toBe(0);
      const a = await s.schedules.create({ name: 'a', task: 't', cron: '* * * * *', timezone: 'UTC' });
      const c1 = await s.schedules.lastChange();
      expect(c1).toBe(a.updatedAt);
      // Edits within the same millisecond still move it.
      await other.schedules.update(a.id, { enabled: false });
      const c2 = await s.schedules.lastChange();
      expect(c2).toBeGreaterThan(c1);
      await s.schedules.update(a.id, { enabled: true });
      const c3 = await other.schedules.lastChange();
      expect(c3).toBeGreaterThan(c2);
      await other.schedules.delete(a.id);
      expect(await s.schedules.lastChange()).toBeGreaterThan(c3);
    });
  });

  describe('locks', () => {
    it('grants a free lock, refuses other owners until expiry, renews and releases', async () => {
      const name = task('lock');
      const t0 = 1_000_000;
      expect(await store.locks.tryAcquire(name, 'a', 1000, t0)).toBe(true);
      expect(await store.locks.tryAcquire(name, 'b', 1000, t0 + 500)).toBe(false);
      // Renewal by the owner extends the lease.
      expect(await store.locks.tryAcquire(name, 'a', 1000, t0 + 900)).toBe(true);
      expect(await store.locks.tryAcquire(name, 'b', 1000, t0 + 1500)).toBe(false);
      // Expired: another owner takes over.
      expect(await store.locks.tryAcquire(name, 'b', 1000, t0 + 1901)).toBe(true);
      expect(await store.locks.tryAcquire(name, 'a', 1000, t0 + 2000)).toBe(false);
      // Only the owner can release.
      await store.locks.release(name, 'a');
      expect(await store.locks.tryAcquire(name, 'c', 1000, t0 + 2100)).toBe(false);
      await store.locks.release(name, 'b');
      expect(await store.locks.tryAcquire(name, 'c', 1000, t0 + 2100)).toBe(true);
      // Locks are independent by name.
      expect(await store.locks.tryAcquire(task('lock'), 'a', 1000, t0 + 2100)).toBe(true);
    });

    it('grants a contended lock to exactly one of many concurrent owners', async () => {
      const s = await fresh();
      const other = await secondHandle(s);
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? s : other).locks.tryAcquire('leader', `node-${i}`, 5000, now),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });

  describe('settings', () => {
    it('round-trips JSON values and returns undefined for unknown keys', async () => {
      const key = task('setting');
      expect(await store.settings.get(key)).toBeUndefined();
      const value = { categories: ['安全', 'AI'], weights: { a: 1.5 }, enabled: true, none: null };
      await store.settings.set(key, value);
      expect(await store.settings.get(key)).toEqual(value);
      await store.settings.set(key, 'plain');
      expect(await store.settings.get<string>(key)).toBe('plain');
      await store.settings.set(key, 0);
      expect(await store.settings.get(key)).toBe(0);
      await store.settings.set(key, null);
      expect(await store.settings.get(key)).toBeNull();
    });
  });

  describe('migrations', () => {
    it('are idempotent and make the store ready', async () => {
      const blank = await createBlankDatabase(factory.name);
      extra.push(blank);
      const s = await openStore(blank.options);
      extra.push(s);
      expect(await s.ready()).toBe(false);
      await s.migrate();
      await s.migrate();
      expect(await s.ready()).toBe(true);
      await s.close();
      expect(await s.ready()).toBe(false);
    });

    it('succeed when three processes migrate the same database at once', async () => {
      const blank = await createBlankDatabase(factory.name);
      extra.push(blank);
      const handles = await Promise.all([1, 2, 3].map(() => openStore(blank.options)));
      extra.push(...handles);
      await Promise.all(handles.map((h) => h.migrate()));
      for (const h of handles) expect(await h.ready()).toBe(true);
      const e = await handles[0].executions.create(exec('after-migrate'));
      expect((await handles[2].executions.get(e.id))?.task).toBe('after-migrate');
    });
  });
});
