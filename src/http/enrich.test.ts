// Enrichment routes on a real app over a temp SQLite file, with a local OpenAI-compatible server.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { finished, seedArticles } from '../enrich/testing/app-harness.ts';
import { fake, startFakeLlmServer, type FakeLlmServer } from '../enrich/testing/fake-llm-server.ts';
import { loadSecurityFixtures } from '../enrich/testing/fixtures.ts';

const fixtures = loadSecurityFixtures();

describe('enrichment API', () => {
  let server: FakeLlmServer;
  let t: TestApp;
  const send = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    t.http.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });

  beforeAll(async () => {
    server = await startFakeLlmServer();
    t = await createTestApp({
      seedSchedules: false,
      env: {
        NEWSDESK_LLM_BASE_URL: server.baseURL,
        NEWSDESK_LLM_API_KEY: 'sk-secret-key',
        NEWSDESK_LLM_MODEL: 'fake-small',
        NEWSDESK_LLM_MODEL_SUMMARY: 'fake-large',
        NEWSDESK_LLM_MODE: 'steps',
        NEWSDESK_LLM_PRICES: JSON.stringify({
          'fake-small': { inputPer1M: 1, outputPer1M: 2 },
          'fake-large': { inputPer1M: 5, outputPer1M: 10 },
        }),
        NEWSDESK_LLM_RETRY_ATTEMPTS: '1',
        NEWSDESK_LLM_DAILY_BUDGET_USD: '50',
      },
    });
  });
  beforeEach(() => server.reset());
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  it('re-processes one article: 202 with the execution id, 404 for an unknown article', async () => {
    const { ids } = await seedArticles(t, [fixtures.enBreach]);
    const res = await send('POST', `/api/articles/${ids[0]}/enrich`);
    expect(res.statusCode, res.body).toBe(202);
    const { executionId, status } = res.json();
    expect(status).toBe('queued');
    const e = await finished(t, executionId);
    expect(e.task).toBe('enrich.article');
    expect(e.trigger).toBe('api');
    expect(e.status, JSON.stringify(e.error)).toBe('succeeded');
    // Steps mode: translate, summary, classify, entities, each with its model.
    expect(server.requests.map((r) => r.body.model).sort()).toEqual([
      'fake-large',
      'fake-small',
      'fake-small',
      'fake-small',
    ]);
    const usage = await t.app.store.llmUsage.usageForArticle(ids[0]);
    expect(Object.keys(usage.bySteps).sort()).toEqual(['classify', 'entities', 'summary', 'translate']);
    expect(usage.calls.find((c) => c.step === 'summary')?.model).toBe('fake-large');

    const missing = await send('POST', '/api/articles/nope/enrich');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  it('re-processes in bulk by state: resets failed articles to pending and starts a batch', async () => {
    const { ids } = await seedArticles(
      t,
      [fixtures.zhDataLeak, fixtures.zhVulnerability].map((f) => ({ ...f, title: `${f.title}（批量）` })),
    );
    server.respondWith(fake.serverError(500));
    const first = await t.app.engine.enqueue('enrich.articles', { articleIds: ids }, { trigger: 'manual' });
    await finished(t, first.execution.id);
    for (const id of ids) expect((await t.app.store.enrichment.get(id))?.state).toBe('failed');

    server.reset();
    const res = await send('POST', '/api/articles/enrich', { state: 'failed' });
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json();
    expect(body.reset).toBe(2);
    expect(body.execution.status).toBe('queued');
    const e = await finished(t, body.execution.executionId);
    expect(e.task).toBe('enrich.articles');
    expect(e.result).toMatchObject({ done: 2, failed: 0 });
    for (const id of ids)
      expect(await t.app.store.enrichment.get(id)).toMatchObject({ state: 'done', attempts: 1 });

    // Nothing matches: nothing reset, no run started.
    const none = await send('POST', '/api/articles/enrich', {
      state: ['skipped'],
      sourceId: 'no-such-source',
    });
    expect(none.json()).toEqual({ reset: 0, execution: null });
  });

  it('re-processes in bulk by ids and by fetch time (days or instants)', async () => {
    const old = Date.UTC(2026, 0, 10, 4); // 12:00 in Shanghai
    const { ids, sourceId } = await seedArticles(t, [
      { ...fixtures.enGeneralBank, fetchedAt: old },
      { ...fixtures.enVulnerability, title: 'Old vuln', fetchedAt: old + 1000 },
    ]);
    const byDay = await send('POST', '/api/articles/enrich', {
      since: '2026-01-10',
      until: '2026-01-10',
      sourceId,
    });
    expect(byDay.statusCode, byDay.body).toBe(202);
    expect(byDay.json().reset).toBe(2);
    await finished(t, byDay.json().execution.executionId);
    const byIds = await send('POST', '/api/articles/enrich', { ids: [ids[0]] });
    expect(byIds.json().reset).toBe(1);
    await finished(t, byIds.json().execution.executionId);
    const byInstant = await send('POST', '/api/articles/enrich', {
      since: '2026-01-10T12:00:00.500+08:00',
      sourceId,
    });
    expect(byInstant.json().reset).toBe(1);
    await finished(t, byInstant.json().execution.executionId);
  });

  it('rejects a bulk re-process without a filter or with bad values', async () => {
    for (const body of [{}, { state: 'running' }, { since: 'yesterday' }, { ids: [] }, { extra: 1 }]) {
      const res = await send('POST', '/api/articles/enrich', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION');
    }
    const reversed = await send('POST', '/api/articles/enrich', { since: '2026-02-01', until: '2026-01-01' });
    expect(reversed.statusCode).toBe(400);
  });

  it('aggregates usage per model, source and local day', async () => {
    const byModel = await send('GET', '/api/llm/usage?groupBy=model');
    expect(byModel.statusCode, byModel.body).toBe(200);
    const m = byModel.json();
    expect(m.groupBy).toBe('model');
    expect(m.timezone).toBe('Asia/Shanghai');
    expect(m.from).toMatch(/T00:00:00\.000\+08:00$/);
    expect(m.items.map((i: { key: string }) => i.key).sort()).toEqual(['fake-large', 'fake-small']);
    const costs = m.items.map((i: { costUsd: number }) => i.costUsd);
    expect(costs).toEqual([...costs].sort((a, b) => b - a)); // largest cost first
    const small = m.items.find((i: { key: string }) => i.key === 'fake-small');
    expect(small.calls).toBeGreaterThan(0);
    expect(small.failures).toBeGreaterThan(0); // the 500s of the bulk test
    expect(small.costUsd).toBeGreaterThan(0);
    expect(m.totals.calls).toBe(m.items.reduce((s: number, i: { calls: number }) => s + i.calls, 0));

    const bySource = (await send('GET', '/api/llm/usage?groupBy=source')).json();
    expect(bySource.items[0].label).toBe('Test Feed');
    const byDay = (await send('GET', '/api/llm/usage')).json();
    expect(byDay.groupBy).toBe('day');
    expect(byDay.items.map((i: { key: string }) => i.key)).toContain(
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()),
    );
    expect(byDay.totals.calls).toBe(m.totals.calls);

    const past = (await send('GET', '/api/llm/usage?from=2020-01-01&to=2020-01-31')).json();
    expect(past.items).toEqual([]);
    expect(past.to).toBe('2020-02-01T00:00:00.000+08:00');
    expect((await send('GET', '/api/llm/usage?groupBy=week')).statusCode).toBe(400);
    expect((await send('GET', '/api/llm/usage?from=2026-02-01&to=2026-01-01')).statusCode).toBe(400);
  });

  it('shows mode, models, server host (no key), budget and article states', async () => {
    const res = await send('GET', '/api/llm/status');
    expect(res.statusCode, res.body).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({
      mode: 'llm',
      problem: null,
      baseUrlHost: new URL(server.baseURL).host,
      callMode: 'steps',
      models: {
        translate: 'fake-small',
        summary: 'fake-large',
        classify: 'fake-small',
        entities: 'fake-small',
      },
      targetLanguage: 'zh',
      promptVersion: 'v1',
      paused: null,
      lastStop: null,
    });
    expect(s.categories).toEqual([
      '金融业网络安全事件',
      '重大网络安全事件',
      '重大数据泄露事件',
      '重大漏洞风险提示',
      '其他',
    ]);
    expect(s.budget.limitUsd).toBe(50);
    expect(s.budget.spentUsd).toBeGreaterThan(0);
    expect(s.articles.done).toBeGreaterThan(0);
    expect(res.body).not.toContain('sk-secret-key');
    expect(res.body).not.toContain('/v1');
  });

  it('documents the routes in the OpenAPI document', async () => {
    const res = await send('GET', '/openapi.json');
    expect(res.statusCode, res.body).toBe(200);
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/articles/{id}/enrich',
        '/api/articles/enrich',
        '/api/llm/usage',
        '/api/llm/status',
      ]),
    );
  });

  it('lists the enrichment tasks with their payload schemas', async () => {
    const tasks = (await send('GET', '/api/tasks')).json().items as { name: string }[];
    expect(tasks.map((x) => x.name)).toEqual(expect.arrayContaining(['enrich.articles', 'enrich.article']));
    const bad = await send('POST', '/api/tasks/enrich.articles/run', { payload: { limit: 0 } });
    expect(bad.statusCode).toBe(400);
  });
});
