import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { loadConfig, printableConfig } from './config.ts';
import { enrichSettings } from './enrich-spec.ts';

const base = { NEWSDESK_DATA_DIR: '/tmp/newsdesk-config-test' };

describe('enrichment config', () => {
  it('defaults to offline with the house categories and no budget', () => {
    const s = enrichSettings(loadConfig(base).raw);
    expect(s.llm).toBeNull();
    expect(s.problem).toBeNull();
    expect(s.options).toMatchObject({
      mode: 'single',
      targetLanguage: 'zh',
      promptVersion: 'v1',
      models: { default: null },
      categories: ['金融业网络安全事件', '重大网络安全事件', '重大数据泄露事件', '重大漏洞风险提示', '其他'],
      limits: { maxConcurrent: 4, requestsPerMinute: 0, tokensPerMinute: 0 },
      retry: { attempts: 4 },
      timeoutMs: 60_000,
      prices: {},
    });
    expect(s).toMatchObject({ batchSize: 200, maxAttempts: 4, retryDelayMs: 600_000, dailyBudgetUsd: null });
  });

  it('maps models per step, prices, prompts and the digest category list', () => {
    const s = enrichSettings(
      loadConfig({
        ...base,
        NEWSDESK_LLM_BASE_URL: 'https://api.example.com/v1',
        NEWSDESK_LLM_API_KEY: 'sk-abcdefgh1234',
        NEWSDESK_LLM_MODEL: 'm1',
        NEWSDESK_LLM_MODEL_SUMMARY: 'm2',
        NEWSDESK_LLM_MODE: 'steps',
        NEWSDESK_LLM_PRICES: '{"m1":{"inputPer1M":0.5,"outputPer1M":1}}',
        NEWSDESK_LLM_DAILY_BUDGET_USD: '2.5',
        NEWSDESK_ENRICH_PROMPTS: '{"summary":"Summarise {{title}}: {{text}} {{fields}}"}',
        NEWSDESK_DIGEST_CATEGORIES: '["漏洞","其他"]',
      }).raw,
    );
    expect(s.llm).toEqual({ baseURL: 'https://api.example.com/v1', apiKey: 'sk-abcdefgh1234' });
    expect(s.options.models).toEqual({ default: 'm1', summary: 'm2' });
    expect(s.options.mode).toBe('steps');
    expect(s.options.prices).toEqual({ m1: { inputPer1M: 0.5, outputPer1M: 1 } });
    expect(s.options.prompts).toEqual({ summary: 'Summarise {{title}}: {{text}} {{fields}}' });
    expect(s.options.categories).toEqual(['漏洞', '其他']);
    expect(s.dailyBudgetUsd).toBe(2.5);
  });

  it('names a half-configured model server as a problem instead of silently going offline', () => {
    expect(
      enrichSettings(loadConfig({ ...base, NEWSDESK_LLM_BASE_URL: 'http://127.0.0.1:11434/v1' }).raw).problem,
    ).toMatch(/NEWSDESK_LLM_MODEL/);
    expect(enrichSettings(loadConfig({ ...base, NEWSDESK_LLM_MODEL: 'qwen' }).raw).problem).toMatch(
      /NEWSDESK_LLM_BASE_URL/,
    );
  });

  it('rejects bad values with the key and what is wrong', () => {
    const bad: Record<string, RegExp> = {
      NEWSDESK_LLM_BASE_URL: /NEWSDESK_LLM_BASE_URL: must be an http\(s\) URL/,
      NEWSDESK_LLM_PRICES: /NEWSDESK_LLM_PRICES: must be JSON/,
      NEWSDESK_LLM_MODE: /NEWSDESK_LLM_MODE/,
      NEWSDESK_LLM_CONCURRENCY: /NEWSDESK_LLM_CONCURRENCY/,
    };
    const values: Record<string, string> = {
      NEWSDESK_LLM_BASE_URL: 'api.example.com',
      NEWSDESK_LLM_PRICES: '{oops',
      NEWSDESK_LLM_MODE: 'parallel',
      NEWSDESK_LLM_CONCURRENCY: '0',
    };
    for (const [key, pattern] of Object.entries(bad)) {
      expect(() => loadConfig({ ...base, [key]: values[key] })).toThrow(pattern);
    }
    expect(() =>
      loadConfig({ ...base, NEWSDESK_LLM_PRICES: '{"m":{"inputPer1M":-1,"outputPer1M":1}}' }),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, NEWSDESK_ENRICH_PROMPTS: '{"sumary":"x"}' })).toThrow(
      /NEWSDESK_ENRICH_PROMPTS/,
    );
  });

  it('masks the API key when the config is printed', () => {
    const printed = printableConfig(loadConfig({ ...base, NEWSDESK_LLM_API_KEY: 'sk-verysecret-9876' }).raw);
    expect(printed.NEWSDESK_LLM_API_KEY).toBe('****9876');
  });
});
