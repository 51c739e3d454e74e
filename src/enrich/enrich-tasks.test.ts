// Enrichment wired into the app: tasks through the embedded engine on a temp SQLite file, against a local
// OpenAI-compatible server. Article rows, model-call records, execution outcomes and the status.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, waitFor, type TestApp } from '../../test/helpers/app.ts';
import { finished, runTask, seedArticles } from './testing/app-harness.ts';
import { fake, startFakeLlmServer, type FakeLlmServer } from './testing/fake-llm-server.ts';
import { loadSecurityFixtures } from './testing/fixtures.ts';

const fixtures = loadSecurityFixtures();
const PRICES = JSON.stringify({ '*': { inputPer1M: 1, outputPer1M: 2 } });

function llmEnv(server: FakeLlmServer, more: Record<string, string> = {}): Record<string, string> {
  return {
    NEWSDESK_LLM_BASE_URL: server.baseURL,
    NEWSDESK_LLM_API_KEY: 'sk-test-key',
    NEWSDESK_LLM_MODEL: 'fake-model',
    NEWSDESK_LLM_PRICES: PRICES,
    NEWSDESK_LLM_RETRY_ATTEMPTS: '1',
    NEWSDESK_ENRICH_RETRY_DELAY_MS: '1',
    NEWSDESK_ENRICH_MAX_ATTEMPTS: '2',
    NEWSDESK_ENRICH_BATCH_CONCURRENCY: '2',
    ...more,
  };
}

describe('enrichment tasks with a model server', () => {
  let server: FakeLlmServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await startFakeLlmServer();
    t = await createTestApp({ env: llmEnv(server) });
  });
  beforeEach(() => server.reset());
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  it('enriches pending articles: rows updated, every call recorded with cost, progress and counters', async () => {
    const { ids, sourceId } = await seedArticles(t, [
      fixtures.enBreach,
      fixtures.zhBankRansomware,
      fixtures.enVulnerability,
    ]);
    const e = await runTask(t, 'enrich.articles');
    expect(e.status, JSON.stringify(e.error)).toBe('succeeded');
    expect(e.counters).toEqual({ processed: 3, success: 3, failed: 0 });
    expect(e.progressTotal).toBe(3);
    expect(e.progressCurrent).toBe(3);
    expect([
      fixtures.enBreach.title,
      fixtures.zhBankRansomware.title,
      fixtures.enVulnerability.title,
    ]).toContain(e.progressMessage);
    const result = e.result as Record<string, number | string>;
    expect(result).toMatchObject({ mode: 'llm', processed: 3, done: 3, failed: 0, calls: 3, cached: 0 });
    expect(result.costUsd).toBeGreaterThan(0);
    expect(result.promptTokens).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[0].headers.authorization).toBe('Bearer sk-test-key');

    const en = await t.app.store.enrichment.get(ids[0]);
    expect(en).toMatchObject({
      state: 'done',
      mode: 'llm',
      language: 'en',
      titleZh: '某公司披露重大网络安全事件',
      summarySource: 'llm',
      category: '其他',
      translation: 'llm',
      promptVersion: 'v1',
      attempts: 1,
      errorCode: null,
    });
    expect(en?.summary).toContain('建议');
    expect(en?.entities).toEqual(expect.arrayContaining([{ type: 'victim', value: '某公司' }]));
    const zh = await t.app.store.enrichment.get(ids[1]);
    // Already in the target language: the title is kept, nothing translated.
    expect(zh).toMatchObject({
      language: 'zh',
      titleZh: fixtures.zhBankRansomware.title,
      translation: 'not_needed',
    });
    // CVE ids found by pattern in the text are merged in.
    const vuln = await t.app.store.enrichment.get(ids[2]);
    expect(vuln?.cves.length).toBeGreaterThan(0);

    const usage = await t.app.store.llmUsage.usageForArticle(ids[0]);
    expect(usage.calls).toHaveLength(1);
    expect(usage.calls[0]).toMatchObject({
      step: 'single',
      model: 'fake-model',
      outcome: 'ok',
      sourceId,
      executionId: e.id,
      usageEstimated: false,
    });
    expect(usage.calls[0].costUsd).toBeGreaterThan(0);
    expect(usage.bySteps.single.calls).toBe(1);
    const byModel = await t.app.store.llmUsage.aggregate({ groupBy: 'model', timeZone: 'Asia/Shanghai' });
    expect(byModel[0]).toMatchObject({ key: 'fake-model', calls: 3, failures: 0 });
    expect(byModel[0].costUsd).toBeCloseTo(result.costUsd as number, 6);
  });

  it('serves a re-processed article from the cache: no second call, nothing paid', async () => {
    const { ids } = await seedArticles(t, [fixtures.zhDataLeak]);
    expect((await runTask(t, 'enrich.articles', { articleIds: ids })).status).toBe('succeeded');
    expect(server.requests).toHaveLength(1);

    const again = await runTask(t, 'enrich.article', { articleId: ids[0] });
    expect(again.status, JSON.stringify(again.error)).toBe('succeeded');
    expect(again.result).toMatchObject({
      articleId: ids[0],
      state: 'done',
      done: 1,
      cached: 1,
      calls: 0,
      costUsd: 0,
    });
    expect(server.requests).toHaveLength(1);
    expect((await t.app.store.llmUsage.usageForArticle(ids[0])).calls).toHaveLength(1);
    // A re-process starts the attempt count again.
    expect(await t.app.store.enrichment.get(ids[0])).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('stops the batch at once on 401: the execution fails with a clear message, articles stay pending', async () => {
    const { ids } = await seedArticles(
      t,
      [fixtures.enBreach, fixtures.enGeneralBank, fixtures.zhDataLeak, fixtures.zhVulnerability].map(
        (f, i) => ({ ...f, title: `${f.title} #401-${i}` }),
      ),
    );
    server.respondWith(fake.unauthorized());
    const e = await runTask(t, 'enrich.articles', { articleIds: ids });
    expect(e.status).toBe('failed');
    expect(e.error).toMatchObject({ type: 'PermanentFailure', code: 'LLM_AUTH' });
    expect(e.error?.message).toMatch(/enrichment stopped \(LLM_AUTH\)/);
    expect(e.error?.message).toMatch(/0 done, 0 failed, 4 left pending/);
    expect(e.error?.message).toContain('NEWSDESK_LLM_API_KEY');
    expect(e.attempt).toBe(1);
    // At most the calls already in flight (batch concurrency 2), not one per article.
    expect(server.requests.length).toBeLessThanOrEqual(2);
    for (const id of ids) {
      expect(await t.app.store.enrichment.get(id)).toMatchObject({
        state: 'pending',
        attempts: 0,
        errorCode: null,
      });
    }
    const status = await t.app.enrich!.status();
    expect(status.lastStop).toMatchObject({ code: 'LLM_AUTH', executionId: e.id });

    // Credentials fixed: the next batch enriches them and the stop is history.
    server.reset();
    const ok = await runTask(t, 'enrich.articles', { articleIds: ids });
    expect(ok.result).toMatchObject({ done: 4 });
    expect((await t.app.enrich!.status()).lastStop).toBeNull();
  });

  it('fails a retryable article with a next retry time, retries it in the next batch, then done', async () => {
    const { ids } = await seedArticles(t, [
      { ...fixtures.enVulnerability, title: 'Retry me: ' + fixtures.enVulnerability.title },
    ]);
    server.respondWith(fake.serverError(500));
    const first = await runTask(t, 'enrich.articles', { articleIds: ids });
    expect(first.status).toBe('succeeded');
    expect(first.counters).toEqual({ processed: 1, success: 0, failed: 1 });
    expect(first.result).toMatchObject({ failed: 1, failures: [{ id: ids[0], code: 'LLM_SERVER' }] });
    const failed = await t.app.store.enrichment.get(ids[0]);
    expect(failed).toMatchObject({ state: 'failed', errorCode: 'LLM_SERVER', attempts: 1 });
    expect(failed?.errorMessage).toBeTruthy();
    expect(failed?.nextRetryAt).toBeGreaterThan(first.startedAt!);
    const failedCall = (await t.app.store.llmUsage.usageForArticle(ids[0])).calls[0];
    expect(failedCall).toMatchObject({ outcome: 'error', errorCode: 'LLM_SERVER' });

    server.reset();
    const second = await runTask(t, 'enrich.articles', { articleIds: ids });
    expect(second.result).toMatchObject({ done: 1, failed: 0 });
    expect(await t.app.store.enrichment.get(ids[0])).toMatchObject({
      state: 'done',
      attempts: 2,
      errorCode: null,
      nextRetryAt: null,
    });
  });

  it('keeps an article failed and visible after its last attempt', async () => {
    const { ids } = await seedArticles(t, [
      { ...fixtures.enBreach, title: 'Always failing: ' + fixtures.enBreach.title },
    ]);
    server.respondWith(fake.serverError(503));
    await runTask(t, 'enrich.articles', { articleIds: ids });
    expect((await t.app.store.enrichment.get(ids[0]))?.nextRetryAt).not.toBeNull();
    await runTask(t, 'enrich.articles', { articleIds: ids });
    const last = await t.app.store.enrichment.get(ids[0]);
    expect(last).toMatchObject({ state: 'failed', attempts: 2, errorCode: 'LLM_SERVER', nextRetryAt: null });
    const requests = server.requests.length;
    const third = await runTask(t, 'enrich.articles', { articleIds: ids });
    expect(third.result).toMatchObject({ processed: 0 });
    expect(server.requests).toHaveLength(requests);
    expect((await t.app.store.enrichment.get(ids[0]))?.state).toBe('failed');
  });

  it("takes over articles left 'running' by a crashed run", async () => {
    const { ids } = await seedArticles(t, [
      { ...fixtures.zhVulnerability, title: 'Orphan: ' + fixtures.zhVulnerability.title },
    ]);
    const now = Date.now();
    await t.app.store.enrichment.claim({ owner: 'execution-that-died', now, limit: 1, ids, staleBefore: 0 });
    expect((await t.app.store.enrichment.get(ids[0]))?.state).toBe('running');
    const e = await runTask(t, 'enrich.articles', { articleIds: ids });
    expect(e.result).toMatchObject({ done: 1 });
    expect((await t.app.store.enrichment.get(ids[0]))?.state).toBe('done');
  });

  it('gives its articles back when the run is cancelled mid-batch', async () => {
    const { ids } = await seedArticles(
      t,
      [fixtures.enBreach, fixtures.zhDataLeak, fixtures.enGeneralBank].map((f) => ({
        ...f,
        title: `Cancel: ${f.title}`,
      })),
    );
    server.setLatency(10_000);
    const { execution } = await t.app.engine.enqueue(
      'enrich.articles',
      { articleIds: ids },
      { trigger: 'manual' },
    );
    await waitFor(() => server.requests.length > 0);
    await t.app.engine.cancel(execution.id);
    const e = await finished(t, execution.id);
    expect(e.status).toBe('cancelled');
    for (const id of ids) {
      expect(await t.app.store.enrichment.get(id)).toMatchObject({
        state: 'pending',
        attempts: 0,
        errorCode: null,
      });
    }
    // A cancel is not a stop to report on the dashboard.
    expect((await t.app.enrich!.status()).lastStop).toBeNull();
  });

  it('fails enrich.article for an unknown article without retrying', async () => {
    const e = await runTask(t, 'enrich.article', { articleId: 'no-such-article' });
    expect(e.status).toBe('failed');
    expect(e.error).toMatchObject({ type: 'PermanentFailure', message: 'article no-such-article not found' });
  });

  it('registers the default schedule and the cleanup steps', async () => {
    const schedule = await t.app.store.schedules.getByName('enrich.articles');
    expect(schedule).toMatchObject({ task: 'enrich.articles', cron: '*/10 * * * *', enabled: true });

    const old = Date.now() - 500 * 86_400_000;
    await t.app.store.enrichCache.set('enrich:old', { summary: 'x' }, old);
    await t.app.store.llmUsage.record({
      articleId: null,
      sourceId: null,
      executionId: null,
      step: 'single',
      model: 'fake-model',
      promptTokens: 1,
      completionTokens: 1,
      cachedTokens: 0,
      reasoningTokens: 0,
      usageEstimated: false,
      latencyMs: 1,
      outcome: 'ok',
      errorCode: null,
      attempt: 1,
      repair: false,
      costUsd: 0,
      at: old,
    });
    const e = await runTask(t, 'maintenance.cleanup');
    expect(e.status, JSON.stringify(e.error)).toBe('succeeded');
    const steps = (e.result as { steps: { step: string; deleted: number }[] }).steps;
    expect(steps).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ step: 'enrich-cache', deleted: 1 }),
        expect.objectContaining({ step: 'llm-calls', deleted: 1 }),
      ]),
    );
    expect(await t.app.store.enrichCache.get('enrich:old')).toBeUndefined();
  });
});

describe('enrichment with a daily budget', () => {
  let server: FakeLlmServer;
  let t: TestApp;

  beforeAll(async () => {
    server = await startFakeLlmServer();
    // One call costs about $0.001 at these prices: the first article spends the whole budget.
    t = await createTestApp({
      env: llmEnv(server, {
        NEWSDESK_LLM_DAILY_BUDGET_USD: '0.0001',
        NEWSDESK_ENRICH_BATCH_CONCURRENCY: '1',
      }),
    });
  });
  afterAll(async () => {
    await t?.close();
    await server?.close();
  });

  it('pauses with a visible reason when the budget is reached; later runs do not call the model', async () => {
    const { ids } = await seedArticles(t, [
      fixtures.enBreach,
      fixtures.enVulnerability,
      fixtures.enGeneralBank,
    ]);
    const e = await runTask(t, 'enrich.articles');
    expect(e.status, JSON.stringify(e.error)).toBe('succeeded');
    const result = e.result as { paused: string; resumesAt: string; done: number; leftPending: number };
    expect(result.paused).toMatch(/daily LLM budget reached/);
    expect(result.resumesAt).toMatch(/T00:00:00\.000\+08:00$/);
    expect(result.done).toBe(1);
    expect(result.leftPending).toBe(2);
    const states = await Promise.all(ids.map(async (id) => (await t.app.store.enrichment.get(id))?.state));
    expect(states.sort()).toEqual(['done', 'pending', 'pending']);

    const status = await t.app.enrich!.status();
    expect(status.paused?.reason).toMatch(/daily LLM budget reached/);
    expect(status.budget.limitUsd).toBe(0.0001);
    expect(status.budget.spentUsd).toBeGreaterThan(0.0001);
    expect(status.budget.remainingUsd).toBe(0);

    const calls = server.requests.length;
    const again = await runTask(t, 'enrich.articles');
    expect(again.result).toMatchObject({ processed: 0, paused: expect.stringMatching(/budget/) });
    expect(server.requests).toHaveLength(calls);
  });
});

describe('enrichment without a model (offline)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t?.close());

  it('enriches end to end offline: extractive summary, keyword category, regex entities, no translation', async () => {
    const { ids } = await seedArticles(t, [
      fixtures.zhBankRansomware,
      fixtures.enVulnerability,
      { title: '', text: '' },
    ]);
    const e = await runTask(t, 'enrich.articles');
    expect(e.status, JSON.stringify(e.error)).toBe('succeeded');
    expect(e.result).toMatchObject({ mode: 'offline', done: 2, skipped: 1, calls: 0, costUsd: 0 });
    const zh = await t.app.store.enrichment.get(ids[0]);
    expect(zh).toMatchObject({
      state: 'done',
      mode: 'offline',
      summarySource: 'extractive',
      category: '金融业网络安全事件',
      translation: 'not_needed',
    });
    expect(zh?.summary?.length).toBeGreaterThan(20);
    expect(zh?.entities).toEqual(expect.arrayContaining([{ type: 'ip', value: '185.220.101.45' }]));
    const en = await t.app.store.enrichment.get(ids[1]);
    expect(en).toMatchObject({
      mode: 'offline',
      translation: 'none',
      titleZh: null,
      category: '重大漏洞风险提示',
    });
    expect(await t.app.store.enrichment.get(ids[2])).toMatchObject({
      state: 'skipped',
      skipReason: 'article has neither title nor text',
    });
    expect((await t.app.store.llmUsage.totals({})).calls).toBe(0);
    expect(await t.app.enrich!.status()).toMatchObject({ mode: 'offline', baseUrlHost: null, paused: null });
  });
});

describe('enrichment misconfigured', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { NEWSDESK_LLM_BASE_URL: 'http://127.0.0.1:9/v1' } });
  });
  afterAll(() => t?.close());

  it('fails the execution with the configuration problem and leaves articles pending', async () => {
    const { ids } = await seedArticles(t, [fixtures.enBreach]);
    const { execution } = await t.app.engine.enqueue('enrich.articles', {}, { trigger: 'manual' });
    const e = await finished(t, execution.id);
    expect(e.status).toBe('failed');
    expect(e.error).toMatchObject({ type: 'PermanentFailure', code: 'CONFIG' });
    expect(e.error?.message).toContain('NEWSDESK_LLM_MODEL');
    expect((await t.app.store.enrichment.get(ids[0]))?.state).toBe('pending');
    expect((await t.app.enrich!.status()).mode).toBe('misconfigured');
  });
});
