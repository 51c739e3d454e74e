import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, waitFor, type TestApp } from '../../test/helpers/app.ts';
import { defineTask } from '../tasks/registry.ts';

describe('executions API', () => {
  let t: TestApp;
  const get = (url: string) => t.http.inject({ method: 'GET', url });
  const run = async (task: string, payload: unknown) => {
    const res = await t.http.inject({ method: 'POST', url: `/api/tasks/${task}/run`, payload: { payload } });
    expect(res.statusCode).toBe(202);
    return res.json().executionId as string;
  };
  const settled = (id: string) =>
    waitFor(async () => {
      const e = (await get(`/api/executions/${id}`)).json();
      return ['succeeded', 'failed', 'cancelled', 'timed_out', 'skipped'].includes(e.status) ? e : undefined;
    });

  let okId: string;
  let failedId: string;

  beforeAll(async () => {
    t = await createTestApp();
    okId = await run('diagnostics.sleep', { ms: 20, steps: 2 });
    failedId = await run('diagnostics.sleep', { ms: 10, steps: 1, fail: 'permanent' });
    await settled(okId);
    await settled(failedId);
  });
  afterAll(() => t.close());

  it('lists newest first with total, limit and offset', async () => {
    const res = await get('/api/executions?limit=1');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(body.items).toHaveLength(1);
    expect(body.items[0].id).toBe(failedId);
    const next = (await get('/api/executions?limit=1&offset=1')).json();
    expect(next.items[0].id).toBe(okId);
  });

  it('filters by task, status list, trigger and time range', async () => {
    const failed = (await get('/api/executions?status=failed,timed_out')).json();
    expect(failed.items.map((e: { id: string }) => e.id)).toEqual([failedId]);
    expect((await get('/api/executions?task=diagnostics.noop')).json().total).toBe(0);
    expect((await get('/api/executions?trigger=api')).json().total).toBe(2);
    expect((await get('/api/executions?trigger=schedule')).json().total).toBe(0);
    const future = encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString());
    expect((await get(`/api/executions?from=${future}`)).json().total).toBe(0);
    expect((await get(`/api/executions?to=${future}`)).json().total).toBe(2);
  });

  it('rejects bad filters with 400 naming the parameter', async () => {
    for (const [query, field] of [
      ['status=done', 'status'],
      ['status=,', 'status'],
      ['trigger=cron', 'trigger'],
      ['from=yesterday', 'from'],
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['offset=-1', 'offset'],
    ]) {
      const res = await get(`/api/executions?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json().error.details[0]).toMatchObject({ path: field, in: 'querystring' });
    }
  });

  it('returns one execution with ISO-8601 times carrying the zone offset', async () => {
    const e = (await get(`/api/executions/${failedId}`)).json();
    expect(e).toMatchObject({
      status: 'failed',
      error: { type: 'PermanentFailure', message: 'failing permanently as asked' },
      counters: { processed: 1, success: 1, failed: 0 },
      progress: { current: 1, total: 1 },
    });
    expect(e.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
    expect(e.error.stack).toContain('PermanentFailure');
  });

  it('404 for an unknown execution id, on every route', async () => {
    for (const url of ['/api/executions/nope', '/api/executions/nope/logs', '/api/executions/nope/events']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe('NOT_FOUND');
    }
    const cancel = await t.http.inject({ method: 'POST', url: '/api/executions/nope/cancel' });
    expect(cancel.statusCode).toBe(404);
  });

  it('serves stored logs, paged with afterId', async () => {
    const res = await get(`/api/executions/${okId}/logs`);
    expect(res.statusCode).toBe(200);
    const { items } = res.json();
    expect(items.map((l: { msg: string }) => l.msg)).toContain('slept 20 ms in 2 steps');
    const after = (await get(`/api/executions/${okId}/logs?afterId=${items.at(-1).id}`)).json();
    expect(after.items).toEqual([]);
  });

  it('cancels a running execution (202) and records it as cancelled', async () => {
    const id = await run('diagnostics.sleep', { ms: 5000, steps: 50 });
    await waitFor(async () => (await get(`/api/executions/${id}`)).json().status === 'running');
    const res = await t.http.inject({ method: 'POST', url: `/api/executions/${id}/cancel` });
    expect(res.statusCode).toBe(202);
    expect(res.json().cancelRequested).toBe(true);
    const done = await settled(id);
    expect(done.status).toBe('cancelled');
  });

  it('cancels a queued execution at once', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/api/tasks/diagnostics.noop/run',
      payload: { delayMs: 60_000 },
    });
    const id = res.json().executionId;
    const cancel = await t.http.inject({ method: 'POST', url: `/api/executions/${id}/cancel` });
    expect(cancel.statusCode).toBe(202);
    expect(cancel.json().status).toBe('cancelled');
  });

  it('409 when cancelling an execution that already finished', async () => {
    const res = await t.http.inject({ method: 'POST', url: `/api/executions/${okId}/cancel` });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'CONFLICT' });
    expect(res.json().error.message).toContain('succeeded');
  });

  it('lists a result with long arrays cut to their length; the execution itself has it whole', async () => {
    const lines = Array.from({ length: 1000 }, (_, i) => ({ source: `s${i}`, status: 'ok' }));
    t.app.registry.register(
      defineTask({
        name: 'test.many_lines',
        description: 'Returns a crawl-sized result.',
        payload: z.object({}),
        async handler() {
          return { succeeded: 1000, sources: lines, few: [1, 2], nested: { deep: lines } };
        },
      }),
    );
    const id = await run('test.many_lines', {});
    await settled(id);
    const [listed] = (await get('/api/executions?task=test.many_lines')).json().items;
    expect(listed.resultTruncated).toBe(true);
    expect(listed.result).toEqual({
      succeeded: 1000,
      sources: { truncated: true, length: 1000 },
      few: [1, 2],
      nested: { deep: { truncated: true, length: 1000 } },
    });
    const whole = (await get(`/api/executions/${id}`)).json();
    expect(whole.resultTruncated).toBeUndefined();
    expect(whole.result.sources).toHaveLength(1000);
    // A small result is listed as it is.
    const [small] = (await get('/api/executions?status=succeeded&task=diagnostics.sleep')).json().items;
    expect(small.resultTruncated).toBeUndefined();
    expect(small.result).toEqual({ slept: 20 });
  });

  it('stats: counts and durations per task and status over a window', async () => {
    const res = await get('/api/executions/stats?window=1h');
    expect(res.statusCode).toBe(200);
    const rows = res.json().items;
    const ok = rows.find((r: { status: string }) => r.status === 'succeeded');
    expect(ok).toMatchObject({ task: 'diagnostics.sleep', count: 1 });
    expect(ok.avgDurationMs).toBeGreaterThanOrEqual(20);
    expect(rows.find((r: { status: string }) => r.status === 'failed')).toMatchObject({ count: 1 });
    expect((await get('/api/executions/stats?window=forever')).statusCode).toBe(400);
  });
});
