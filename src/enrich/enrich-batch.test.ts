import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDailyBudgetGate } from './accounting/budget.ts';
import { enrichBatch, type ArticleOutcome, type BatchProgress } from './enrich-batch.ts';
import { createOpenAiCompatibleClient, type OpenAiCompatibleClient } from './llm/openai-client.ts';
import { InMemoryEnrichmentCache, InMemoryUsageRecorder } from './memory.ts';
import { DEFAULT_CATEGORIES, resolveEnrichOptions, type EnrichOptionsInput } from './options.ts';
import { loadGroundTruthArticles } from './testing/corpus.ts';
import {
  autoResponder,
  fake,
  startFakeLlmServer,
  type FakeLlmRequest,
  type FakeLlmServer,
} from './testing/fake-llm-server.ts';
import { loadSecurityFixtures } from './testing/fixtures.ts';
import type { EnrichInput } from './types.ts';

const fx = loadSecurityFixtures();

function options(extra: EnrichOptionsInput = {}) {
  return resolveEnrichOptions({
    models: { default: 'test-model' },
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
    timeoutMs: 3_000,
    batch: { concurrency: 3 },
    limits: { maxConcurrent: 3 },
    prices: { 'test-model': { inputPer1M: 1, outputPer1M: 4 } },
    ...extra,
  });
}

let batchSeq = 0;

/**
 * Distinct articles (distinct texts, so the cache does not short-circuit them), tagged per call so that a
 * test counts only its own requests (a request cancelled by an earlier test may reach the server late).
 */
function articles(n: number): EnrichInput[] {
  const tag = `batch-${++batchSeq}`;
  const base = [fx.enBreach, fx.enVulnerability, fx.zhDataLeak, fx.zhVulnerability];
  return Array.from({ length: n }, (_, i) => ({
    id: `a${i}`,
    title: base[i % base.length].title,
    text: `${base[i % base.length].text}\n\n(${tag} report ${i})`,
  }));
}

const promptOf = (req: FakeLlmRequest) => req.body.messages?.map((m) => m.content).join('\n') ?? '';
const tagOf = (list: EnrichInput[]) => /\((batch-\d+) /.exec(list[0].text)?.[1] as string;

describe('enrichBatch with a model', () => {
  let server: FakeLlmServer;
  let client: OpenAiCompatibleClient;

  beforeAll(async () => {
    server = await startFakeLlmServer();
    client = createOpenAiCompatibleClient({ baseURL: server.baseURL, apiKey: 'k' });
  });
  afterAll(async () => {
    await client.close();
    await server.close();
  });
  afterEach(() => {
    server.reset();
  });

  const requestsFor = (list: EnrichInput[]) =>
    server.requests.filter((r) => promptOf(r).includes(`(${tagOf(list)} `));

  const run = (list: EnrichInput[], extra: Partial<Parameters<typeof enrichBatch>[1]> = {}) => {
    const outcomes: ArticleOutcome[] = [];
    const progress: BatchProgress[] = [];
    const usage = new InMemoryUsageRecorder();
    const report = enrichBatch(
      list,
      { client, usage, cache: new InMemoryEnrichmentCache(), options: options(), ...extra },
      { onArticleDone: (o) => void outcomes.push(o), onProgress: (p) => void progress.push(p) },
    );
    return { report, outcomes, progress, usage };
  };

  it('enriches every article, reports each as it finishes, and bounds requests in flight', async () => {
    server.setLatency(40);
    const { report, outcomes, progress } = run(articles(12));
    const r = await report;
    expect(r.stopped).toBeNull();
    expect(r.done).toHaveLength(12);
    expect(r.failed).toHaveLength(0);
    expect(outcomes.filter((o) => o.status === 'done')).toHaveLength(12);
    expect(progress.at(-1)).toEqual({ total: 12, processed: 12, done: 12, failed: 0, skipped: 0 });
    expect(server.maxInFlight).toBeLessThanOrEqual(3);
    expect(server.maxInFlight).toBeGreaterThanOrEqual(2);
  });

  it('a 401 stops the whole batch at once; no article is marked failed or done', async () => {
    server.setLatency(30);
    server.respondWith(fake.unauthorized());
    const list = articles(20);
    const { report, outcomes } = run(list);
    const r = await report;
    expect(r.stopped?.code).toBe('LLM_AUTH');
    expect(r.stopped?.message).toMatch(/refused the credentials \(HTTP 401\)/);
    expect(r.done).toHaveLength(0);
    expect(r.failed).toHaveLength(0);
    expect(outcomes).toHaveLength(0);
    expect(r.notProcessed.sort()).toEqual(list.map((a) => a.id).sort());
    // At most the first wave of requests went out; nothing was retried.
    expect(requestsFor(list).length).toBeLessThanOrEqual(3);
  });

  it('a missing model stops the batch with LLM_MODEL_NOT_FOUND', async () => {
    server.respondWith(fake.modelNotFound());
    const r = await run(articles(6)).report;
    expect(r.stopped?.code).toBe('LLM_MODEL_NOT_FOUND');
    expect(r.notProcessed).toHaveLength(6);
  });

  it('stops with a visible reason when the daily budget is reached', async () => {
    const usage = new InMemoryUsageRecorder();
    const budget = createDailyBudgetGate({
      dailyBudgetUsd: 0.001,
      spentToday: () => usage.totalCostUsd(),
      day: () => '2025-03-01',
    });
    server.respondWith(autoResponder({ usage: { prompt_tokens: 800, completion_tokens: 200 } })); // $0.0016 a call
    const list = articles(8);
    const r = await enrichBatch(list, {
      client,
      usage,
      budget,
      options: options({ batch: { concurrency: 1 } }),
    });
    expect(r.done).toHaveLength(1);
    expect(r.stopped?.code).toBe('LLM_BUDGET');
    expect(r.stopped?.message).toMatch(/daily LLM budget reached: spent \$0\.0016 of \$0\.00 on 2025-03-01/);
    expect(r.notProcessed).toHaveLength(7);
    expect(r.failed).toHaveLength(0);
    expect(usage.records).toHaveLength(1);
    expect(requestsFor(list)).toHaveLength(1);
  });

  it('reports an article whose output stays unusable as failed (never done), and goes on', async () => {
    const list = articles(4);
    server.respondWith((req) =>
      promptOf(req).includes(`(${tagOf(list)} report 1)`) ? fake.malformed() : autoResponder()(req),
    );
    const { report, outcomes } = run(list);
    const r = await report;
    expect(r.stopped).toBeNull();
    expect(r.failed).toEqual([
      expect.objectContaining({ id: 'a1', code: 'LLM_BAD_OUTPUT', retryable: true }),
    ]);
    expect(r.done.map((d) => d.id).sort()).toEqual(['a0', 'a2', 'a3']);
    expect(outcomes.find((o) => o.id === 'a1')?.status).toBe('failed');
  });

  it('stops after several articles in a row fail (server down), instead of failing them all', async () => {
    server.respondWith(fake.serverError(500));
    const usage = new InMemoryUsageRecorder();
    const r = await enrichBatch(articles(10), {
      client,
      usage,
      options: options({
        retry: { attempts: 2, baseDelayMs: 1 },
        batch: { concurrency: 1, maxConsecutiveFailures: 3 },
      }),
    });
    expect(r.failed).toHaveLength(3);
    expect(r.failed.every((f) => f.code === 'LLM_SERVER' && f.retryable)).toBe(true);
    expect(r.stopped).toMatchObject({
      code: 'LLM_SERVER',
      message: expect.stringMatching(/3 articles in a row failed/),
    });
    expect(r.notProcessed).toHaveLength(7);
    expect(usage.records.filter((u) => u.errorCode === 'LLM_SERVER')).toHaveLength(6);
  });

  it('pays once for identical texts in the same batch', async () => {
    server.setLatency(50);
    const same = { title: fx.enBreach.title, text: `${fx.enBreach.text}\n\n(identical-texts-test)` };
    const r = await run([
      { id: 'x1', ...same },
      { id: 'x2', ...same },
      { id: 'x3', ...same },
    ]).report;
    expect(r.done).toHaveLength(3);
    expect(server.requests.filter((q) => promptOf(q).includes('identical-texts-test'))).toHaveLength(1);
    expect(r.done.filter((d) => d.result.cached)).toHaveLength(2);
  });

  it('reports an empty article as skipped', async () => {
    const r = await run([{ id: 'empty', title: ' ', text: '' }, ...articles(1)]).report;
    expect(r.skipped).toEqual([{ id: 'empty', reason: 'article has neither title nor text' }]);
    expect(r.done).toHaveLength(1);
  });

  it('a cancel from outside stops the batch; articles in flight are left unprocessed, not failed', async () => {
    server.setLatency(300);
    const ctrl = new AbortController();
    setTimeout(() => ctrl.abort(new Error('shutdown')), 100);
    const started = performance.now();
    const r = await run(articles(9), { signal: ctrl.signal }).report;
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(r.stopped).toMatchObject({ code: 'LLM_ABORTED', message: 'cancelled: shutdown' });
    expect(r.failed).toHaveLength(0);
    expect(r.done).toHaveLength(0);
    expect(r.notProcessed).toHaveLength(9);
  });
});

describe('enrichBatch offline', () => {
  it('enriches the real corpus articles without a model', async () => {
    const pages = loadGroundTruthArticles();
    const usage = new InMemoryUsageRecorder();
    const r = await enrichBatch(
      pages.map((p) => ({ id: p.id, title: p.title, text: p.text, url: p.url })),
      { usage, options: resolveEnrichOptions() },
    );
    expect(r.done).toHaveLength(pages.length);
    expect(usage.records).toHaveLength(0);
    for (const { result } of r.done) {
      expect(result.mode).toBe('offline');
      expect(result.summarySource).toBe('extractive');
      expect(result.summary.length).toBeGreaterThan(20);
      expect(Array.from(result.summary).length).toBeLessThanOrEqual(300);
      expect(DEFAULT_CATEGORIES).toContain(result.category);
      expect(result.translation).toBe('none'); // none of these pages is in Chinese
      expect(result.titleZh).toBeNull();
    }
    expect(new Set(r.done.map((d) => d.result.language))).toEqual(
      new Set(['en', 'ja', 'ru', 'it', 'pt', 'other']),
    );
  });

  it('enriches Chinese security news offline: category rules, regex entities, no translation needed', async () => {
    const list = (['zhBankRansomware', 'zhDataLeak', 'zhVulnerability'] as const).map((k) => ({
      id: k,
      ...fx[k],
    }));
    const r = await enrichBatch(list, {
      usage: new InMemoryUsageRecorder(),
      options: resolveEnrichOptions(),
    });
    const by = Object.fromEntries(r.done.map((d) => [d.id, d.result]));
    expect(by.zhBankRansomware).toMatchObject({
      category: '金融业网络安全事件',
      translation: 'not_needed',
      language: 'zh',
    });
    expect(by.zhBankRansomware.titleZh).toBe(fx.zhBankRansomware.title);
    expect(by.zhDataLeak.category).toBe('重大数据泄露事件');
    expect(by.zhVulnerability.category).toBe('重大漏洞风险提示');
    expect(by.zhVulnerability.entities.cves).toEqual(['CVE-2024-12345']);
    expect(by.zhVulnerability.entities.hashes).toEqual(['44d88612fea8a8f36de82e1278abb02f']);
    expect(by.zhBankRansomware.summary).toMatch(/勒索软件/);
  });

  it('uses a good Chinese feed summary offline when the source asks for it', async () => {
    const feedSummary =
      '某城市商业银行遭勒索软件攻击，核心业务系统和网上银行服务中断近两天，银行称客户存款安全未受影响。';
    const r = await enrichBatch(
      [{ id: 'f', ...fx.zhBankRansomware, feedSummary, sourceOptions: { useFeedSummary: true } }],
      { usage: new InMemoryUsageRecorder(), options: resolveEnrichOptions() },
    );
    expect(r.done[0].result).toMatchObject({ summarySource: 'feed', summary: feedSummary, mode: 'offline' });
  });
});
