import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, waitFor, type TestApp } from '../../test/helpers/app.ts';

describe('tasks API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('lists registered tasks with their policies and payload schema', async () => {
    const res = await t.http.inject({ method: 'GET', url: '/api/tasks' });
    expect(res.statusCode).toBe(200);
    const sleep = res.json().items.find((x: { name: string }) => x.name === 'diagnostics.sleep');
    expect(sleep).toMatchObject({
      name: 'diagnostics.sleep',
      concurrency: 8,
      overlap: 'allow',
      retry: { attempts: 3, backoffMs: 200 },
    });
    expect(sleep.payloadSchema.properties.ms.type).toBe('integer');
    expect(res.json().items.map((x: { name: string }) => x.name)).toContain('maintenance.cleanup');
  });

  it('answers 202 with the execution id before the task runs, recording the API caller', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/api/tasks/diagnostics.sleep/run',
      payload: { payload: { ms: 300, steps: 3 } },
    });
    expect(res.statusCode).toBe(202);
    const { executionId, status } = res.json();
    expect(status).toBe('queued');
    const now = await t.http.inject({ method: 'GET', url: `/api/executions/${executionId}` });
    expect(['queued', 'running']).toContain(now.json().status);
    const done = await waitFor(async () => {
      const r = (await t.http.inject({ method: 'GET', url: `/api/executions/${executionId}` })).json();
      return r.status === 'succeeded' ? r : undefined;
    });
    expect(done).toMatchObject({ trigger: 'api', triggeredBy: '127.0.0.1', result: { slept: 300 } });
  });

  it('deduplicates by idempotency key while the first is active', async () => {
    const body = { payload: { ms: 400, steps: 2 }, idempotencyKey: 'same-key' };
    const a = await t.http.inject({ method: 'POST', url: '/api/tasks/diagnostics.sleep/run', payload: body });
    const b = await t.http.inject({ method: 'POST', url: '/api/tasks/diagnostics.sleep/run', payload: body });
    expect(a.statusCode).toBe(202);
    expect(b.json()).toMatchObject({ executionId: a.json().executionId, deduplicated: true });
  });

  it('honours delayMs', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/api/tasks/diagnostics.noop/run',
      payload: { delayMs: 60_000 },
    });
    const e = (
      await t.http.inject({ method: 'GET', url: `/api/executions/${res.json().executionId}` })
    ).json();
    expect(e.status).toBe('queued');
    expect(Date.parse(e.runAt) - Date.parse(e.createdAt)).toBe(60_000);
  });

  it('runs with no body at all', async () => {
    const res = await t.http.inject({ method: 'POST', url: '/api/tasks/diagnostics.noop/run' });
    expect(res.statusCode).toBe(202);
  });

  it('404 for an unknown task', async () => {
    const res = await t.http.inject({ method: 'POST', url: '/api/tasks/no.such.task/run', payload: {} });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('NOT_FOUND');
    expect(res.json().error.message).toContain('no.such.task');
  });

  it('400 naming the payload field that is wrong', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/api/tasks/diagnostics.sleep/run',
      payload: { payload: { ms: 'soon' } },
    });
    expect(res.statusCode).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe('VALIDATION');
    expect(error.details).toEqual([expect.objectContaining({ path: 'payload.ms', in: 'body' })]);
  });

  it('400 naming an unknown body field and a bad delay', async () => {
    const res = await t.http.inject({
      method: 'POST',
      url: '/api/tasks/diagnostics.noop/run',
      payload: { paylod: {}, delayMs: -5 },
    });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['paylod', 'delayMs']));
  });
});
