// Config keys of enrichment: the OpenAI-compatible model server, models per step, limits, retries, the
// price table and daily budget, and the article-level retry policy. No base URL and no model = offline.
import { z } from 'zod';
import { categoryListText, DEFAULT_CATEGORY_NAMES } from './categories.ts';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const model = z.string().trim().min(1).max(200).optional();

/** A JSON value kept as text (printable by `config print`), checked against `schema` here. */
function jsonText(schema: z.ZodType, example: string) {
  return z.string().superRefine((text, ctx) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: `must be JSON, e.g. ${example}` });
      return;
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const at = issue.path.length ? `${issue.path.join('.')}: ` : '';
        ctx.addIssue({ code: 'custom', message: `${at}${issue.message}` });
      }
    }
  });
}

const priceTable = z.record(
  z.string().min(1),
  z
    .object({
      inputPer1M: z.number().min(0),
      cachedInputPer1M: z.number().min(0).optional(),
      outputPer1M: z.number().min(0),
    })
    .strict(),
);

const promptOverrides = z
  .object(
    Object.fromEntries(
      ['system', 'single', 'translate', 'translateBody', 'summary', 'classify', 'entities', 'repair'].map(
        (k) => [k, z.string().min(1).optional()],
      ),
    ),
  )
  .strict();

const categoryRules = z.array(
  z
    .object({
      category: z.string().min(1),
      keywords: z.array(z.string().min(1)).min(1),
      requireAny: z.array(z.string().min(1)).optional(),
      minScore: z.number().min(0).optional(),
    })
    .strict(),
);

const httpUrl = z
  .string()
  .trim()
  .refine((v) => /^https?:\/\/[^/\s]+/i.test(v), {
    message: 'must be an http(s) URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1',
  })
  .optional();

export const enrichConfigSpec = {
  NEWSDESK_LLM_BASE_URL: [
    httpUrl,
    'OpenAI-compatible API base URL (OpenAI, DeepSeek, vLLM, Ollama, LiteLLM...); unset = offline enrichment (extractive summary, keyword categories, regex entities).',
  ],
  NEWSDESK_LLM_API_KEY: [
    z.string().min(1).optional(),
    'API key sent as a bearer token to the model server. Secret.',
  ],
  NEWSDESK_LLM_MODEL: [
    model,
    'Model used by every step unless a step names its own; required with NEWSDESK_LLM_BASE_URL.',
  ],
  NEWSDESK_LLM_MODEL_SINGLE: [model, 'Model of the single-call mode (all fields in one request).'],
  NEWSDESK_LLM_MODEL_TRANSLATE: [model, 'Model of the title translation step (steps mode).'],
  NEWSDESK_LLM_MODEL_SUMMARY: [model, 'Model of the summary step (steps mode).'],
  NEWSDESK_LLM_MODEL_CLASSIFY: [model, 'Model of the category step (steps mode).'],
  NEWSDESK_LLM_MODEL_ENTITIES: [model, 'Model of the entities step (steps mode).'],
  NEWSDESK_LLM_MODE: [
    z.enum(['single', 'steps']).default('single'),
    'single: one request per article with every field; steps: one request per step (translate, summary, classify, entities).',
  ],
  NEWSDESK_LLM_JSON_MODE: [
    bool.default(true),
    'Ask for JSON output (response_format json_object); turn off for servers that reject it.',
  ],
  NEWSDESK_LLM_TIMEOUT_MS: [int(1000, 600_000).default(60_000), 'Deadline of one model call.'],
  NEWSDESK_LLM_RETRY_ATTEMPTS: [
    int(1, 10).default(4),
    'Attempts per call on 429, 5xx, timeouts and connection errors (the first included); Retry-After is honoured.',
  ],
  NEWSDESK_LLM_CONCURRENCY: [
    int(1, 256).default(4),
    'Model requests in flight at once (per process, shared by every batch).',
  ],
  NEWSDESK_LLM_RPM: [int(0).default(0), 'Requests per minute to the model server; 0 = no limit.'],
  NEWSDESK_LLM_TPM: [
    int(0).default(0),
    'Tokens per minute to the model server (estimated before, corrected after each call); 0 = no limit.',
  ],
  NEWSDESK_LLM_PRICES: [
    jsonText(
      priceTable,
      '{"gpt-4o-mini":{"inputPer1M":0.15,"cachedInputPer1M":0.075,"outputPer1M":0.6}}',
    ).default('{}'),
    'JSON price table in USD per 1M tokens by model name ("*" for any other); unpriced calls are counted with no cost.',
  ],
  NEWSDESK_LLM_DAILY_BUDGET_USD: [
    z.coerce.number().min(0).optional(),
    'Daily spending limit in USD (local day); when reached, enrichment pauses with a visible reason until the next local midnight. Unset = no limit.',
  ],
  NEWSDESK_ENRICH_TARGET_LANGUAGE: [
    z.string().trim().min(2).max(20).default('zh'),
    'Language of the digest: titles and summaries are produced in it.',
  ],
  NEWSDESK_ENRICH_PROMPT_VERSION: [
    z.string().trim().min(1).max(50).default('v1'),
    'Bump when prompts change; part of every cache key and stored with each result.',
  ],
  NEWSDESK_ENRICH_PROMPTS: [
    jsonText(promptOverrides, '{"summary":"..."}').default('{}'),
    'JSON prompt overrides by step (system, single, translate, translateBody, summary, classify, entities, repair); {{placeholders}} as in the defaults.',
  ],
  NEWSDESK_ENRICH_CATEGORY_RULES: [
    jsonText(categoryRules, '[{"category":"重大漏洞风险提示","keywords":["漏洞","CVE"]}]').optional(),
    'Offline mode: JSON keyword rules per category (category, keywords, requireAny, minScore); unset = the built-in rules.',
  ],
  NEWSDESK_ENRICH_IMPORTANCE: [
    bool.default(true),
    'Ask the model for an importance score 0-1 (ranks digest items).',
  ],
  NEWSDESK_ENRICH_BATCH_CONCURRENCY: [int(1, 256).default(4), 'Articles one batch enriches at once.'],
  NEWSDESK_ENRICH_BATCH_SIZE: [
    int(1, 5000).default(200),
    'Articles an enrich.articles run claims at a time (it keeps claiming while articles are due).',
  ],
  NEWSDESK_ENRICH_MAX_ATTEMPTS: [
    int(1, 50).default(4),
    'Enrichment attempts per article; after the last one a failed article stays failed and visible.',
  ],
  NEWSDESK_ENRICH_RETRY_DELAY_MS: [
    int(0, 86_400_000).default(600_000),
    'Wait before retrying a failed article; doubles with each attempt (at most 6 hours).',
  ],
  NEWSDESK_ENRICH_CACHE_RETENTION_DAYS: [
    int(1, 3650).default(90),
    'maintenance.cleanup deletes cached enrichment results older than this.',
  ],
  NEWSDESK_LLM_USAGE_RETENTION_DAYS: [
    int(1, 3650).default(400),
    'maintenance.cleanup deletes model call records (accounting) older than this.',
  ],
} as const satisfies Record<string, readonly [z.ZodType, string]>;

type EnrichSpec = typeof enrichConfigSpec;
export type EnrichRaw = { [K in keyof EnrichSpec]: z.output<EnrichSpec[K][0]> };

export const ENRICH_SECRET_KEYS = ['NEWSDESK_LLM_API_KEY'] as const;

export interface EnrichSettings {
  /** The model server; null = offline. */
  llm: { baseURL: string; apiKey: string | undefined } | null;
  /** Why LLM enrichment cannot run as configured (batches fail with it), or null. */
  problem: string | null;
  /** Input for resolveEnrichOptions(). */
  options: {
    targetLanguage: string;
    mode: 'single' | 'steps';
    models: {
      default: string | null;
      single?: string;
      translate?: string;
      summary?: string;
      classify?: string;
      entities?: string;
    };
    promptVersion: string;
    prompts: Record<string, string>;
    categories: string[];
    importance: boolean;
    jsonMode: boolean;
    timeoutMs: number;
    retry: { attempts: number };
    limits: { maxConcurrent: number; requestsPerMinute: number; tokensPerMinute: number };
    batch: { concurrency: number };
    prices: z.output<typeof priceTable>;
    offline?: { categoryRules: z.output<typeof categoryRules> };
  };
  batchSize: number;
  maxAttempts: number;
  retryDelayMs: number;
  dailyBudgetUsd: number | null;
  cacheRetentionDays: number;
  usageRetentionDays: number;
}

/**
 * Typed enrichment settings from the parsed config. The categories are the digest's list
 * (NEWSDESK_DIGEST_CATEGORIES) when that key exists: one list for classes and sections.
 */
export function enrichSettings(raw: EnrichRaw & { NEWSDESK_DIGEST_CATEGORIES?: string }): EnrichSettings {
  const categories = raw.NEWSDESK_DIGEST_CATEGORIES
    ? categoryListText.parse(raw.NEWSDESK_DIGEST_CATEGORIES).map((c) => c.name)
    : [...DEFAULT_CATEGORY_NAMES];
  const stepModels = {
    single: raw.NEWSDESK_LLM_MODEL_SINGLE,
    translate: raw.NEWSDESK_LLM_MODEL_TRANSLATE,
    summary: raw.NEWSDESK_LLM_MODEL_SUMMARY,
    classify: raw.NEWSDESK_LLM_MODEL_CLASSIFY,
    entities: raw.NEWSDESK_LLM_MODEL_ENTITIES,
  };
  const anyModel = raw.NEWSDESK_LLM_MODEL ?? Object.values(stepModels).find((m) => m !== undefined);
  const baseURL = raw.NEWSDESK_LLM_BASE_URL;
  let problem: string | null = null;
  if (baseURL && !anyModel) {
    problem =
      'NEWSDESK_LLM_BASE_URL is set but no model is: set NEWSDESK_LLM_MODEL (or unset the base URL for offline enrichment)';
  } else if (!baseURL && anyModel) {
    problem =
      'a model is set but NEWSDESK_LLM_BASE_URL is not: set the model server URL (or unset the model for offline enrichment)';
  }
  return {
    llm: baseURL && anyModel ? { baseURL, apiKey: raw.NEWSDESK_LLM_API_KEY } : null,
    problem,
    options: {
      targetLanguage: raw.NEWSDESK_ENRICH_TARGET_LANGUAGE,
      mode: raw.NEWSDESK_LLM_MODE,
      models: {
        default: raw.NEWSDESK_LLM_MODEL ?? null,
        ...Object.fromEntries(Object.entries(stepModels).filter(([, m]) => m !== undefined)),
      },
      promptVersion: raw.NEWSDESK_ENRICH_PROMPT_VERSION,
      prompts: JSON.parse(raw.NEWSDESK_ENRICH_PROMPTS) as Record<string, string>,
      categories,
      importance: raw.NEWSDESK_ENRICH_IMPORTANCE,
      jsonMode: raw.NEWSDESK_LLM_JSON_MODE,
      timeoutMs: raw.NEWSDESK_LLM_TIMEOUT_MS,
      retry: { attempts: raw.NEWSDESK_LLM_RETRY_ATTEMPTS },
      limits: {
        maxConcurrent: raw.NEWSDESK_LLM_CONCURRENCY,
        requestsPerMinute: raw.NEWSDESK_LLM_RPM,
        tokensPerMinute: raw.NEWSDESK_LLM_TPM,
      },
      batch: { concurrency: raw.NEWSDESK_ENRICH_BATCH_CONCURRENCY },
      prices: JSON.parse(raw.NEWSDESK_LLM_PRICES) as z.output<typeof priceTable>,
      ...(raw.NEWSDESK_ENRICH_CATEGORY_RULES
        ? {
            offline: {
              categoryRules: JSON.parse(raw.NEWSDESK_ENRICH_CATEGORY_RULES) as z.output<typeof categoryRules>,
            },
          }
        : {}),
    },
    batchSize: raw.NEWSDESK_ENRICH_BATCH_SIZE,
    maxAttempts: raw.NEWSDESK_ENRICH_MAX_ATTEMPTS,
    retryDelayMs: raw.NEWSDESK_ENRICH_RETRY_DELAY_MS,
    dailyBudgetUsd: raw.NEWSDESK_LLM_DAILY_BUDGET_USD ?? null,
    cacheRetentionDays: raw.NEWSDESK_ENRICH_CACHE_RETENTION_DAYS,
    usageRetentionDays: raw.NEWSDESK_LLM_USAGE_RETENTION_DAYS,
  };
}
