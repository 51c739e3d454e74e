import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp, waitFor, type TestApp } from '../../test/helpers/app.ts';

describe('health, readiness, metrics, OpenAPI', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('/health answers; /ready is 200 with a migrated store and 503 once it is closed', async () => {
    t = await createTestApp({ start: false });
    const health = await t.http.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', role: 'all' });
    const ready = await t.http.inject({ method: 'GET', url: '/ready' });
    expect(ready.json()).toEqual({ status: 'ready', store: 'sqlite' });
    await t.app.store.close();
    const down = await t.http.inject({ method: 'GET', url: '/ready' });
    expect(down.statusCode).toBe(503);
    expect(down.json().status).toBe('unavailable');
  });

  it('/metrics exposes execution counters, durations, queue depth, scheduler and process metrics', async () => {
    t = await createTestApp();
    const run = async (payload: unknown) =>
      (
        await t!.http.inject({
          method: 'POST',
          url: '/api/tasks/diagnostics.sleep/run',
          payload: { payload },
        })
      ).json().executionId;
    const ids = [await run({ ms: 5, steps: 1 }), await run({ ms: 5, steps: 1, fail: 'permanent' })];
    await t.http.inject({
      method: 'POST',
      url: '/api/tasks/diagnostics.noop/run',
      payload: { delayMs: 60_000 },
    });
    await waitFor(async () => {
      const states = await Promise.all(
        ids.map(async (id) => (await t!.app.store.executions.get(id))?.status),
      );
      return states.every((s) => s === 'succeeded' || s === 'failed');
    });
    const res = await t.http.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    const text = res.body;
    expect(text).toContain('newsdesk_executions_total{task="diagnostics.sleep",status="succeeded"} 1');
    expect(text).toContain('newsdesk_executions_total{task="diagnostics.sleep",status="failed"} 1');
    expect(text).toMatch(
      /newsdesk_execution_duration_seconds_count\{task="diagnostics.sleep",status="succeeded"\} 1/,
    );
    expect(text).toContain('newsdesk_queue_depth{status="queued"} 1');
    expect(text).toContain('newsdesk_queue_depth{status="running"} 0');
    expect(text).toContain('newsdesk_workers 1');
    expect(text).toMatch(/newsdesk_scheduler_lag_seconds\{quantile="0.99"\}/);
    expect(text).toContain('newsdesk_scheduler_leader 1');
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('GET /api/events hands non-stream requests to a registered JSON list handler', async () => {
    t = await createTestApp({
      start: false,
      http: {
        eventsList: {
          querystring: z.object({ q: z.string().optional() }),
          handler: async (request) => ({ items: [], q: (request.query as { q?: string }).q ?? null }),
        },
      },
    });
    const res = await t.http.inject({
      method: 'GET',
      url: '/api/events?q=cve',
      headers: { accept: 'application/json' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ items: [], q: 'cve' });
  });

  it('two apps in one process keep separate registries', async () => {
    t = await createTestApp({ start: false });
    const other = await createTestApp({ start: false });
    try {
      expect((await other.http.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
      expect((await t.http.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('/openapi.json is an OpenAPI 3.1 document listing every route with its schemas; /docs serves the UI', async () => {
    t = await createTestApp({ start: false });
    const res = await t.http.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.title).toBe('newsdesk API');
    const expected: Record<string, string[]> = {
      '/health': ['get'],
      '/ready': ['get'],
      '/metrics': ['get'],
      '/api/tasks': ['get'],
      '/api/tasks/{name}/run': ['post'],
      '/api/executions': ['get'],
      '/api/executions/stats': ['get'],
      '/api/executions/{id}': ['get'],
      '/api/executions/{id}/logs': ['get'],
      '/api/executions/{id}/cancel': ['post'],
      '/api/executions/{id}/events': ['get'],
      '/api/events': ['get'],
      '/api/stream': ['get'],
      '/api/schedules': ['get', 'post'],
      '/api/schedules/preview': ['post'],
      '/api/schedules/{id}': ['get', 'patch', 'delete'],
      '/api/schedules/{id}/next': ['get'],
      '/api/schedules/{id}/run': ['post'],
    };
    for (const [path, methods] of Object.entries(expected)) {
      expect(doc.paths[path], path).toBeDefined();
      for (const m of methods) expect(doc.paths[path][m], `${m} ${path}`).toBeDefined();
    }
    expect(Object.keys(doc.paths).some((p) => p.startsWith('/docs'))).toBe(false);
    const list = doc.paths['/api/executions'].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['task', 'status', 'trigger', 'from', 'to', 'limit', 'offset']),
    );
    const run = doc.paths['/api/tasks/{name}/run'].post;
    expect(run.requestBody.content['application/json'].schema.properties).toHaveProperty('idempotencyKey');
    expect(run.responses['202']).toBeDefined();
    expect(run.responses['404']).toBeDefined();
    // Structural validity: path templates declare their params, operations have responses, refs resolve.
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(item)) {
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path} responses`).toBeGreaterThan(0);
        const declared = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'path');
        expect(declared.map((p: { name: string }) => p.name).sort(), `${method} ${path} params`).toEqual(
          [...templated].sort(),
        );
        for (const p of declared) expect(p.required).toBe(true);
      }
    }
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1]);
    for (const ref of refs) {
      const target = ref.split('/').reduce((node: any, key) => node?.[key], doc);
      expect(target, ref).toBeDefined();
    }
    const ui = await t.http.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger');
  });
});
