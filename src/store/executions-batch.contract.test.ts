// The batch forms of create / markRunning / finish (used by the distributed engine under load), on both
// dialects: same outcome as the single-row forms, and rows not in the expected state are left alone.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.ts';
import { storeFactories, type DisposableStore } from './testing.ts';

describe.each(storeFactories)('executions batch writes: $name', (factory) => {
  let store: DisposableStore;
  beforeEach(async () => {
    store = await factory.create();
  });
  afterEach(async () => {
    await store.destroy();
  });

  const claim = { owner: 'w1', now: 1_000, leaseMs: 500, host: 'h', pid: 7, worker: 'w1' };

  it('createMany inserts every record in order, or none when one conflicts', async () => {
    const made = await store.executions.createMany(
      [1, 2, 3].map((n) => ({
        task: 'batch',
        payload: { n },
        trigger: 'api' as const,
        maxAttempts: 2,
        priority: n,
      })),
    );
    expect(made.map((e) => (e.payload as { n: number }).n)).toEqual([1, 2, 3]);
    for (const e of made) expect(await store.executions.get(e.id)).toEqual(e);
    const fire = {
      task: 'batch',
      payload: {},
      trigger: 'schedule' as const,
      maxAttempts: 1,
      scheduleId: 's1',
      scheduledFor: 5,
    };
    await store.executions.createScheduledFire(fire);
    const before = (await store.executions.list({ task: 'batch' })).total;
    await expect(
      store.executions.createMany([{ task: 'batch', payload: {}, trigger: 'api', maxAttempts: 1 }, fire]),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await store.executions.list({ task: 'batch' })).total).toBe(before);
  });

  it('markRunningMany claims only queued records; finishMany finishes only running ones', async () => {
    const [a, b, c] = await store.executions.createMany(
      [1, 2, 3].map((n) => ({ task: 'batch', payload: { n }, trigger: 'api' as const, maxAttempts: 1 })),
    );
    await store.executions.requestCancel(c.id, 900);
    const running = await store.executions.markRunningMany([a.id, b.id, c.id, 'missing'], claim);
    expect(running.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
    for (const e of running) {
      expect(e).toMatchObject({
        status: 'running',
        leaseOwner: 'w1',
        leaseExpiresAt: 1_500,
        startedAt: 1_000,
        pid: 7,
        worker: 'w1',
      });
    }
    expect(await store.executions.markRunningMany([a.id], claim)).toEqual([]);

    const lines = Array.from({ length: 25 }, (_, i) => i);
    const finished = await store.executions.finishMany([
      { id: a.id, status: 'succeeded', result: { ok: 1, lines }, finishedAt: 1_250 },
      { id: b.id, status: 'failed', error: { type: 'Error', message: 'boom' }, finishedAt: 1_400 },
      { id: c.id, status: 'succeeded', finishedAt: 1_400 },
    ]);
    expect(finished.map((e) => e.id).sort()).toEqual([a.id, b.id].sort());
    expect(await store.executions.get(a.id)).toMatchObject({
      status: 'succeeded',
      result: { ok: 1, lines },
      error: null,
      durationMs: 250,
    });
    // The cut copy lists show is stored by the batch too.
    const listed = (await store.executions.list({ task: 'batch', status: 'succeeded', listed: true })).items;
    expect(listed.find((e) => e.id === a.id)).toMatchObject({
      result: { ok: 1, lines: { truncated: true, length: 25 } },
      resultTruncated: true,
    });
    expect(await store.executions.get(b.id)).toMatchObject({
      status: 'failed',
      result: null,
      error: { type: 'Error', message: 'boom' },
      durationMs: 400,
    });
    expect((await store.executions.get(c.id))?.status).toBe('cancelled');
    expect(await store.executions.finishMany([{ id: a.id, status: 'failed', finishedAt: 2_000 }])).toEqual(
      [],
    );
  });
});
