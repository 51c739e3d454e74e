import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ExecutionLogCapture } from '../logger.ts';
import type { Store } from '../store/store.ts';
import { storeFactories } from '../store/testing.ts';
import { EmbeddedEngine } from './engines/embedded/embedded-engine.ts';
import { createTaskRegistry, defineTask } from './registry.ts';
import { createScheduleService } from './schedule-service.ts';
import { Scheduler } from './scheduler.ts';
import { nextFireTimes } from './cron.ts';
import { testLogger } from './testing/engine-harness.ts';
import { FakeClock } from './testing/fake-clock.ts';
import type { ScheduleService } from './types.ts';

const T0 = Date.UTC(2026, 10, 29, 0, 0, 0); // 2026-11-29T00:00:00Z
const MIN = 60_000;

describe('scheduler', () => {
  let store: Store & { destroy(): Promise<void> };
  let clock: FakeClock;
  let engine: EmbeddedEngine;
  let service: ScheduleService;
  const schedulers: Scheduler[] = [];

  beforeEach(async () => {
    store = await storeFactories.find((f) => f.name === 'sqlite')!.create();
    clock = new FakeClock(T0);
    const registry = createTaskRegistry();
    registry.register(
      defineTask({
        name: 'job.tick',
        payload: z.object({ tag: z.string().optional() }),
        overlap: 'allow',
        concurrency: 100,
        handler: async () => null,
      }),
    );
    registry.register(defineTask({ name: 'job.maint', payload: z.object({}), handler: async () => null }));
    const capture = new ExecutionLogCapture();
    // Records only: this engine does not run tasks, so we can see exactly what the scheduler enqueued.
    engine = new EmbeddedEngine({
      store,
      registry,
      logger: testLogger(capture),
      capture,
      concurrency: 1,
      leaseMs: 5000,
      abandonMs: 100,
      runTasks: false,
      now: () => clock.now(),
    });
    service = createScheduleService({
      store,
      registry,
      engine,
      defaultTimezone: 'Asia/Shanghai',
      defaultMisfireGraceMs: 5 * MIN,
      now: () => clock.now(),
      onChange: async () => {
        for (const s of schedulers) await s.refresh();
      },
    });
  });

  afterEach(async () => {
    for (const s of schedulers.splice(0)) await s.stop();
    await store.destroy();
  });

  async function startScheduler(): Promise<Scheduler> {
    const s = new Scheduler({
      store,
      engine,
      logger: testLogger(new ExecutionLogCapture()),
      clock,
      refreshMs: 5_000,
    });
    schedulers.push(s);
    await s.start();
    return s;
  }

  async function fires(task = 'job.tick') {
    const page = await store.executions.list({ task, limit: 500 });
    return page.items.sort((a, b) => (a.scheduledFor ?? 0) - (b.scheduledFor ?? 0));
  }

  it('fires a seconds-field schedule at each fire time, recording schedule and scheduled time', async () => {
    const sched = await service.create({
      name: 'every5s',
      task: 'job.tick',
      cron: '*/5 * * * * *',
      payload: { tag: 'x' },
    });
    await startScheduler();
    await clock.advance(20_000);
    const list = await fires();
    expect(list.map((e) => e.scheduledFor)).toEqual([T0 + 5000, T0 + 10000, T0 + 15000, T0 + 20000]);
    expect(
      list.every((e) => e.trigger === 'schedule' && e.scheduleId === sched.id && e.triggeredBy === 'every5s'),
    ).toBe(true);
    expect(list[0].payload).toEqual({ tag: 'x' });
    const stored = await service.get(sched.id);
    expect(stored.nextRunAt).toBe(T0 + 25000);
    expect(stored.lastRunAt).toBe(T0 + 20000);
  });

  it('computes fire times in the schedule time zone', async () => {
    const sh = await service.create({
      name: 'sh',
      task: 'job.tick',
      cron: '0 2 * * *',
      timezone: 'Asia/Shanghai',
    });
    const ny = await service.create({
      name: 'ny',
      task: 'job.tick',
      cron: '0 2 * * *',
      timezone: 'America/New_York',
    });
    expect(sh.nextRunAt).toBe(Date.UTC(2026, 10, 29, 18, 0)); // 02:00 +08:00 on the 30th
    expect(ny.nextRunAt).toBe(Date.UTC(2026, 10, 29, 7, 0)); // 02:00 -05:00 on the 29th
    // Across the European DST change (2027-03-28), 03:00 Berlin moves from 02:00Z to 01:00Z.
    const runs = nextFireTimes('0 3 * * *', 'Europe/Berlin', Date.UTC(2027, 2, 26, 12), 2);
    expect(runs.map((t) => new Date(t).toISOString())).toEqual([
      '2027-03-27T02:00:00.000Z',
      '2027-03-28T01:00:00.000Z',
    ]);
  });

  it('takes a runtime edit into account for the next fire, without a restart', async () => {
    const sched = await service.create({
      name: 'edit-me',
      task: 'job.tick',
      cron: '0 * * * *',
      timezone: 'UTC',
    });
    await startScheduler();
    await clock.advance(5 * MIN);
    expect(await fires()).toHaveLength(0);
    await service.update(sched.id, { cron: '*/10 * * * * *' });
    await clock.advance(30_000);
    expect((await fires()).length).toBe(3);
    await service.update(sched.id, { enabled: false });
    await clock.advance(60_000);
    expect((await fires()).length).toBe(3);
  });

  it('coalesces fires missed during downtime into one run and says so', async () => {
    await service.create({
      name: 'minutely',
      task: 'job.tick',
      cron: '* * * * *',
      timezone: 'UTC',
      coalesce: true,
      misfireGraceMs: 5 * MIN,
    });
    const s = await startScheduler();
    await clock.advance(MIN);
    expect(await fires()).toHaveLength(1);
    await s.stop();
    clock.set(T0 + 11 * MIN + 1000); // down for ten minutes
    await startScheduler();
    const list = await fires();
    expect(list).toHaveLength(2);
    expect(list[1].scheduledFor).toBe(T0 + 11 * MIN);
    expect(list[1].reason).toMatch(/coalesced 10 due fires/);
  });

  it('skips missed fires beyond the grace window, visibly', async () => {
    await service.create({
      name: 'hourly',
      task: 'job.tick',
      cron: '0 * * * *',
      timezone: 'UTC',
      coalesce: false,
      misfireGraceMs: 90 * MIN,
    });
    const s = await startScheduler();
    await s.stop();
    clock.set(T0 + 3 * 60 * MIN + 30 * MIN); // 03:30: fires at 01:00 (150 min late) skipped; 02:00 (90 min late) runs? no: > grace? exactly 90 → runs; 03:00 runs
    await startScheduler();
    const list = await fires();
    expect(list.map((e) => [new Date(e.scheduledFor!).toISOString().slice(11, 16), e.status])).toEqual([
      ['01:00', 'skipped'],
      ['02:00', 'queued'],
      ['03:00', 'queued'],
    ]);
    expect(list[0].reason).toMatch(/beyond the misfire grace/);
  });

  it('two schedulers on one database fire each time exactly once', async () => {
    await service.create({ name: 'dup', task: 'job.tick', cron: '* * * * * *', timezone: 'UTC' });
    const a = await startScheduler();
    await startScheduler();
    await clock.advance(10_000);
    const list = await fires();
    const times = list.map((e) => e.scheduledFor);
    expect(new Set(times).size).toBe(times.length);
    expect(times.length).toBe(10);
    expect(a.stats().isLeader || schedulers[1].stats().isLeader).toBe(true);
  });

  it('records an overlapping scheduled fire as skipped', async () => {
    await service.create({ name: 'maint', task: 'job.maint', cron: '* * * * *', timezone: 'UTC' });
    await startScheduler();
    await clock.advance(2 * MIN); // the first fire stays queued (nothing runs tasks here)
    const list = await fires('job.maint');
    expect(list.map((e) => e.status)).toEqual(['queued', 'skipped']);
    expect(list[1].reason).toMatch(/still queued/);
  });

  it('rejects an invalid cron or time zone with a clear message', async () => {
    await expect(service.create({ name: 'bad', task: 'job.tick', cron: '61 * * * *' })).rejects.toThrow(
      /invalid cron "61 \* \* \* \*": Invalid value for minute: 61/,
    );
    await expect(service.create({ name: 'bad', task: 'job.tick', cron: '* * *' })).rejects.toThrow(
      /expected 5 fields/,
    );
    await expect(
      service.create({ name: 'bad', task: 'job.tick', cron: '* * * * *', timezone: 'Mars/Olympus' }),
    ).rejects.toThrow(/invalid time zone "Mars\/Olympus"/);
    await expect(service.create({ name: 'bad', task: 'no.task', cron: '* * * * *' })).rejects.toThrow(
      /unknown task/,
    );
    expect(await store.schedules.list()).toHaveLength(0);
  });
});
