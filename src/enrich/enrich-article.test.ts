import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { enrichArticle, type EnrichDeps } from './enrich-article.ts';
import { LlmError } from './errors.ts';
import { createOpenAiCompatibleClient, type OpenAiCompatibleClient } from './llm/openai-client.ts';
import { InMemoryEnrichmentCache, InMemoryUsageRecorder } from './memory.ts';
import { resolveEnrichOptions, type EnrichOptionsInput } from './options.ts';
import { autoResponder, fake, startFakeLlmServer, type FakeLlmServer } from './testing/fake-llm-server.ts';
import { loadSecurityFixtures } from './testing/fixtures.ts';
import type { EnrichInput } from './types.ts';

const fx = loadSecurityFixtures();
const PRICES = { 'test-model': { inputPer1M: 1, cachedInputPer1M: 0.1, outputPer1M: 4 } };

function options(extra: EnrichOptionsInput = {}) {
  return resolveEnrichOptions({
    models: { default: 'test-model' },
    retry: { baseDelayMs: 10, maxDelayMs: 40 },
    timeoutMs: 3_000,
    prices: PRICES,
    ...extra,
  });
}

const article = (name: keyof typeof fx, extra: Partial<EnrichInput> = {}): EnrichInput => ({
  id: name,
  title: fx[name].title,
  text: fx[name].text,
  url: 'https://news.example.org/a/1',
  sourceId: 'src-1',
  ...extra,
});

const validAnswer = (category = '重大漏洞风险提示') => ({
  title: '防火墙设备曝出严重远程代码执行漏洞并遭在野利用',
  summary:
    '厂商周二警告，其 VPN 设备存在严重远程代码执行漏洞并已遭在野利用，未经认证的攻击者可发送特制请求执行任意代码。建议管理员立即安装安全更新，无法及时更新时应先关闭 SSL VPN 功能。',
  category,
  importance: 0.9,
  entities: {
    cves: ['cve-2024-21762 (critical)'],
    vulnerabilities: ['远程代码执行'],
    products: ['SSL VPN'],
    vendors: ['某厂商'],
    attackers: [],
    victims: [],
    loss: '',
  },
});

describe('enrichArticle with a model', () => {
  let server: FakeLlmServer;
  let client: OpenAiCompatibleClient;
  let usage: InMemoryUsageRecorder;

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
    usage = new InMemoryUsageRecorder();
  });
  usage = new InMemoryUsageRecorder();

  const deps = (extra: Partial<EnrichDeps> = {}): EnrichDeps => ({
    client,
    usage,
    cache: new InMemoryEnrichmentCache(),
    options: options(),
    ...extra,
  });
  const userPrompt = (i: number) =>
    server.requests[i].body.messages?.find((m) => m.role === 'user')?.content ?? '';

  it('enriches an English article in one call: translated title, summary, category, importance, entities, cost', async () => {
    server.push(
      fake.json(validAnswer(), {
        usage: { prompt_tokens: 1000, completion_tokens: 200, cached_tokens: 400, reasoning_tokens: 50 },
      }),
    );
    const r = await enrichArticle(article('enVulnerability'), deps());

    expect(server.requests).toHaveLength(1);
    const prompt = userPrompt(0);
    expect(prompt).toContain(fx.enVulnerability.title);
    expect(prompt).toContain('CVE-2024-21762');
    expect(prompt).toContain('"title": the headline translated into Simplified Chinese');
    expect(prompt).toContain('"summary"');
    expect(prompt).toContain('"金融业网络安全事件", "重大网络安全事件"');
    expect(server.requests[0].body.response_format).toEqual({ type: 'json_object' });

    expect(r).toMatchObject({
      language: 'en',
      titleLanguage: 'en',
      titleZh: validAnswer().title,
      summary: validAnswer().summary,
      summarySource: 'llm',
      category: '重大漏洞风险提示',
      importance: 0.9,
      mode: 'llm',
      translation: 'llm',
      promptVersion: 'v1',
      models: ['test-model'],
      cached: false,
      inputCut: false,
    });
    // Model entities cleaned and merged with what patterns find in the text.
    expect(r.entities.cves).toEqual(['CVE-2024-21762']);
    expect(r.entities.loss).toBeNull();
    expect(r.entities.ips).toEqual(['203.0.113.7']);
    expect(r.entities.domains).toEqual(['evil-updates.example.net']);

    expect(usage.records).toHaveLength(1);
    const rec = usage.records[0];
    expect(rec).toMatchObject({
      articleId: 'enVulnerability',
      sourceId: 'src-1',
      step: 'single',
      model: 'test-model',
      promptTokens: 1000,
      completionTokens: 200,
      cachedTokens: 400,
      reasoningTokens: 50,
      outcome: 'ok',
      errorCode: null,
      attempt: 1,
      repair: false,
    });
    // 600 uncached × $1 + 400 cached × $0.1 + 200 out × $4, per 1M tokens
    expect(rec.costUsd).toBeCloseTo((600 * 1 + 400 * 0.1 + 200 * 4) / 1e6, 12);
    expect(r.totals).toMatchObject({ calls: 1, promptTokens: 1000, cachedTokens: 400, reasoningTokens: 50 });
  });

  it('does not translate a Chinese article, and keeps its title', async () => {
    server.push(fake.json({ ...validAnswer('金融业网络安全事件'), title: undefined }));
    const r = await enrichArticle(article('zhBankRansomware'), deps());
    expect(userPrompt(0)).not.toContain('"title": the headline translated');
    expect(r).toMatchObject({
      language: 'zh',
      titleZh: fx.zhBankRansomware.title,
      translation: 'not_needed',
      category: '金融业网络安全事件',
    });
    expect(r.entities.ips).toEqual(['185.220.101.45']);
    expect(r.entities.domains).toEqual(['update-checker.top']);
  });

  it('per-step mode: translate, summary and classify at once, then entities with the category', async () => {
    server.setLatency(250);
    server.respondWith((req) => {
      const prompt = req.body.messages?.map((m) => m.content).join('\n') ?? '';
      if (prompt.includes('Classify the article'))
        return fake.json({ category: '重大漏洞风险提示', importance: 0.7 });
      return autoResponder()(req);
    });
    const r = await enrichArticle(
      article('enVulnerability'),
      deps({
        options: options({ mode: 'steps', models: { default: 'test-model', summary: 'summary-model' } }),
      }),
    );
    expect(server.requests).toHaveLength(4);
    expect(server.maxInFlight).toBeGreaterThanOrEqual(3);
    const steps = usage.records.map((u) => u.step);
    expect(steps.slice(0, 3).sort()).toEqual(['classify', 'summary', 'translate']);
    expect(steps[3]).toBe('entities');
    const entitiesPrompt = userPrompt(3);
    expect(entitiesPrompt).toContain('Category: 重大漏洞风险提示');
    expect(entitiesPrompt).toContain('vulnerability advisory');
    expect(server.requests.find((q) => q.body.model === 'summary-model')).toBeDefined();
    expect(r.models.sort()).toEqual(['summary-model', 'test-model']);
    expect(r).toMatchObject({ category: '重大漏洞风险提示', importance: 0.7, translation: 'llm' });
    expect(r.usage).toHaveLength(4);
  });

  it('per-step mode for a Chinese article skips the translation step', async () => {
    const r = await enrichArticle(article('zhDataLeak'), deps({ options: options({ mode: 'steps' }) }));
    expect(server.requests).toHaveLength(3);
    expect(usage.records.map((u) => u.step)).not.toContain('translate');
    expect(r.translation).toBe('not_needed');
  });

  it('repairs malformed JSON with one more call that shows the model its bad output', async () => {
    server.push(fake.malformed(), fake.json(validAnswer()));
    const r = await enrichArticle(article('enVulnerability'), deps());
    expect(r.category).toBe('重大漏洞风险提示');
    expect(server.requests).toHaveLength(2);
    const msgs = server.requests[1].body.messages ?? [];
    expect(msgs.at(-2)).toMatchObject({
      role: 'assistant',
      content: expect.stringContaining('missing quotes'),
    });
    expect(msgs.at(-1)?.content).toMatch(/could not be used: not valid JSON/);
    expect(usage.records.map((u) => [u.outcome, u.repair])).toEqual([
      ['invalid_output', false],
      ['ok', true],
    ]);
  });

  it('repairs JSON cut off at the token limit, asking for a shorter answer with more room', async () => {
    server.push(fake.truncated(validAnswer()), fake.json(validAnswer()));
    const r = await enrichArticle(article('enVulnerability'), deps());
    expect(r.summarySource).toBe('llm');
    expect(server.requests[1].body.max_tokens).toBe(2 * (server.requests[0].body.max_tokens as number));
    expect(server.requests[1].body.messages?.at(-1)?.content).toMatch(/cut off at the token limit.*shorter/s);
  });

  it('repairs a category outside the configured list', async () => {
    server.push(fake.json(validAnswer('Vulnerability')), fake.json(validAnswer()));
    const r = await enrichArticle(article('enVulnerability'), deps());
    expect(r.category).toBe('重大漏洞风险提示');
    expect(server.requests[1].body.messages?.at(-1)?.content).toContain(
      'must be exactly one of: 金融业网络安全事件',
    );
  });

  it('repairs a summary written in the wrong language', async () => {
    server.push(
      fake.json({
        ...validAnswer(),
        summary: 'A critical flaw in VPN appliances is being exploited; patch now.',
      }),
      fake.json(validAnswer()),
    );
    const r = await enrichArticle(article('enVulnerability'), deps());
    expect(r.summary).toBe(validAnswer().summary);
    expect(server.requests[1].body.messages?.at(-1)?.content).toContain(
      'must be written in Simplified Chinese',
    );
  });

  it('fails with LLM_BAD_OUTPUT after the one repair is also unusable', async () => {
    server.push(fake.malformed(), fake.text('still not json'));
    const err = await enrichArticle(article('enVulnerability'), deps()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LlmError);
    expect((err as LlmError).code).toBe('LLM_BAD_OUTPUT');
    expect(server.requests).toHaveLength(2);
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    server.push(fake.rateLimited({ seconds: 1 }), fake.json(validAnswer()));
    const started = performance.now();
    const r = await enrichArticle(article('enVulnerability'), deps());
    const waited = server.requests[1].receivedAt - server.requests[0].receivedAt;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(r.category).toBe('重大漏洞风险提示');
    expect(usage.records.map((u) => [u.outcome, u.errorCode, u.attempt])).toEqual([
      ['error', 'LLM_RATE_LIMIT', 1],
      ['ok', null, 2],
    ]);
  });

  it('retries a 500 and then succeeds', async () => {
    server.push(fake.serverError(500), fake.serverError(503), fake.json(validAnswer()));
    const r = await enrichArticle(article('enVulnerability'), deps());
    expect(r.mode).toBe('llm');
    expect(server.requests).toHaveLength(3);
    expect(usage.records.map((u) => u.errorCode)).toEqual(['LLM_SERVER', 'LLM_SERVER', null]);
  });

  it('gives up after the configured attempts with the last error code', async () => {
    server.push(fake.serverError(500), fake.serverError(500));
    const err = await enrichArticle(
      article('enVulnerability'),
      deps({ options: options({ retry: { attempts: 2, baseDelayMs: 5 } }) }),
    ).catch((e: unknown) => e);
    expect((err as LlmError).code).toBe('LLM_SERVER');
    expect(server.requests).toHaveLength(2);
  });

  it('times out a slow call and retries it', async () => {
    server.push(fake.slow(5_000, fake.json(validAnswer())), fake.json(validAnswer()));
    const started = performance.now();
    const r = await enrichArticle(article('enVulnerability'), deps({ options: options({ timeoutMs: 200 }) }));
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(r.category).toBe('重大漏洞风险提示');
    expect(usage.records[0]).toMatchObject({ outcome: 'error', errorCode: 'LLM_TIMEOUT' });
  });

  it('fails with LLM_TIMEOUT when every attempt is too slow', async () => {
    server.respondWith(fake.slow(2_000, fake.json(validAnswer())));
    const err = await enrichArticle(
      article('enVulnerability'),
      deps({ options: options({ timeoutMs: 100, retry: { attempts: 2, baseDelayMs: 5 } }) }),
    ).catch((e: unknown) => e);
    expect((err as LlmError).code).toBe('LLM_TIMEOUT');
  });

  it('serves the same text from the cache without paying again; a new prompt version or model misses', async () => {
    const cache = new InMemoryEnrichmentCache();
    const first = await enrichArticle(article('enBreach', { id: 'a1' }), deps({ cache }));
    const again = await enrichArticle(article('enBreach', { id: 'a2' }), deps({ cache }));
    expect(server.requests).toHaveLength(1);
    expect(again).toMatchObject({
      cached: true,
      usage: [],
      summary: first.summary,
      cacheKey: first.cacheKey,
    });
    expect(again.totals.costUsd).toBe(0);
    expect(usage.records).toHaveLength(1);

    await enrichArticle(article('enBreach'), deps({ cache, options: options({ promptVersion: 'v2' }) }));
    await enrichArticle(
      article('enBreach'),
      deps({ cache, options: options({ models: { default: 'other-model' } }) }),
    );
    expect(server.requests).toHaveLength(3);
    expect(cache.size).toBe(3);
  });

  it('keeps a good feed summary in the target language when the source asks for it', async () => {
    const feedSummary =
      '<p>某零售商确认发生数据泄露，约300万客户的姓名、邮箱和密码哈希被窃取，公司已重置受影响账户的密码并通知监管机构。</p>';
    const r = await enrichArticle(
      article('enBreach', { feedSummary, sourceOptions: { useFeedSummary: true } }),
      deps(),
    );
    expect(r.summarySource).toBe('feed');
    expect(r.summary).toBe(feedSummary.replace(/<\/?p>/g, ''));
    expect(userPrompt(0)).not.toContain('"summary"');

    const off = await enrichArticle(article('enBreach', { feedSummary }), deps());
    expect(off.summarySource).toBe('llm');
  });

  it('cuts a long text to the budget before sending it', async () => {
    const long = `${fx.enBreach.text}\n\n${'Filler paragraph about nothing in particular. '.repeat(4000)}\n\nFinal advice: rotate passwords.`;
    const r = await enrichArticle(
      article('enBreach', { text: long }),
      deps({ options: options({ input: { maxTokens: 500 } }) }),
    );
    expect(r.inputCut).toBe(true);
    const prompt = userPrompt(0);
    expect(prompt.length).toBeLessThan(5_000);
    expect(prompt).toMatch(/characters omitted/);
    expect(prompt).toContain('Final advice: rotate passwords.');
    expect(prompt).toContain('A large retailer has confirmed');
  });

  it('falls back to offline mode when no model is configured', async () => {
    const r = await enrichArticle(
      article('enBreach'),
      deps({ options: resolveEnrichOptions({ models: { default: null } }) }),
    );
    expect(server.requests).toHaveLength(0);
    expect(r).toMatchObject({
      mode: 'offline',
      translation: 'none',
      summarySource: 'extractive',
      titleZh: null,
    });
  });
});
