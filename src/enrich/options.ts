// Enrichment options: a plain object with defaults, validated once. Nothing here reads the environment;
// the composition root maps config keys onto this shape.
import { z } from 'zod';
import { DEFAULT_CATEGORY_NAMES } from '../config/categories.ts';
import { ValidationError } from '../errors.ts';
import { DEFAULT_CATEGORY_RULES } from './offline/category-rules.ts';

/** The shared category list (config/categories.ts): the digest's sections are the same classes. */
export const DEFAULT_CATEGORIES = DEFAULT_CATEGORY_NAMES;

const positiveInt = z.number().int().min(1);
const nonNegativeInt = z.number().int().min(0);
const modelName = z.string().trim().min(1);

const priceSchema = z.object({
  /** USD per 1M uncached input tokens. */
  inputPer1M: z.number().min(0),
  /** USD per 1M cached input tokens; defaults to the input price. */
  cachedInputPer1M: z.number().min(0).optional(),
  /** USD per 1M output tokens (reasoning tokens included). */
  outputPer1M: z.number().min(0),
});

const categoryRuleSchema = z.object({
  category: z.string().min(1),
  keywords: z.array(z.string().min(1)).min(1),
  /** At least one of these must also appear (e.g. a security word for the finance rule). */
  requireAny: z.array(z.string().min(1)).optional(),
  /** Title hits count 3, body hits 1 (at most 3 per keyword). Default 2. */
  minScore: z.number().min(0).optional(),
});

const promptsSchema = z
  .object({
    system: z.string().min(1).optional(),
    single: z.string().min(1).optional(),
    translate: z.string().min(1).optional(),
    translateBody: z.string().min(1).optional(),
    summary: z.string().min(1).optional(),
    classify: z.string().min(1).optional(),
    entities: z.string().min(1).optional(),
    repair: z.string().min(1).optional(),
  })
  .strict();

export const enrichOptionsSchema = z
  .object({
    /** Language the digest is written in; titles and summaries are produced in it. */
    targetLanguage: z.string().trim().min(2).default('zh'),
    /** 'single': one request per article with every field; 'steps': one request per step. */
    mode: z.enum(['single', 'steps']).default('single'),
    /** In 'steps' mode, run translate/summary/classify of one article at the same time. */
    parallelSteps: z.boolean().default(true),
    models: z
      .object({
        /** null = no model configured = offline mode. */
        default: modelName.nullable().default(null),
        single: modelName.optional(),
        translate: modelName.optional(),
        translateBody: modelName.optional(),
        summary: modelName.optional(),
        classify: modelName.optional(),
        entities: modelName.optional(),
      })
      .strict()
      .prefault({}),
    /** Bump when prompts change meaningfully; it is part of every cache key and stored with results. */
    promptVersion: z.string().trim().min(1).default('v1'),
    prompts: promptsSchema.prefault({}),
    /** Ordered; the last one is the fallback. */
    categories: z
      .array(z.string().trim().min(1))
      .min(1)
      .default([...DEFAULT_CATEGORIES]),
    /** Categories whose entities are vulnerabilities/products/vendors rather than attacker/victim/loss. */
    vulnerabilityCategories: z.array(z.string().min(1)).default(['重大漏洞风险提示']),
    /** Ask for an importance score 0–1. */
    importance: z.boolean().default(true),
    /** Also translate the (cut) body when it is not in the target language. Costly; off by default. */
    translateBody: z.boolean().default(false),
    input: z
      .object({
        /** Token budget for article text in a prompt; longer text is cut to head + tail. */
        maxTokens: positiveInt.default(3000),
        /** Share of the budget kept from the start of the text; the rest comes from the end. */
        headShare: z.number().min(0.1).max(1).default(0.7),
      })
      .prefault({}),
    maxOutputTokens: z
      .object({
        single: positiveInt.default(1500),
        translate: positiveInt.default(300),
        translateBody: positiveInt.default(4000),
        summary: positiveInt.default(800),
        classify: positiveInt.default(150),
        entities: positiveInt.default(600),
      })
      .prefault({}),
    temperature: z.number().min(0).max(2).default(0.2),
    /** Send response_format json_object; turn off for servers that reject it. */
    jsonMode: z.boolean().default(true),
    /** Deadline per model call. */
    timeoutMs: positiveInt.default(60_000),
    retry: z
      .object({
        /** Attempts per call for 429/5xx/timeouts/connection errors, the first included. */
        attempts: positiveInt.default(4),
        baseDelayMs: nonNegativeInt.default(1_000),
        maxDelayMs: nonNegativeInt.default(30_000),
        /** A Retry-After longer than this fails the call instead of waiting. */
        maxRetryAfterMs: nonNegativeInt.default(120_000),
      })
      .prefault({}),
    limits: z
      .object({
        maxConcurrent: positiveInt.default(4),
        requestsPerMinute: nonNegativeInt.default(0),
        tokensPerMinute: nonNegativeInt.default(0),
      })
      .prefault({}),
    batch: z
      .object({
        /** Articles enriched at once by one batch. */
        concurrency: positiveInt.default(4),
        /** Stop the batch when this many articles in a row fail (0 = never). */
        maxConsecutiveFailures: nonNegativeInt.default(5),
      })
      .prefault({}),
    feedSummary: z
      .object({
        minChars: nonNegativeInt.default(40),
        maxChars: positiveInt.default(1000),
      })
      .prefault({}),
    offline: z
      .object({
        summaryMaxChars: positiveInt.default(300),
        summaryMaxSentences: positiveInt.default(3),
        categoryRules: z.array(categoryRuleSchema).default(DEFAULT_CATEGORY_RULES),
      })
      .prefault({}),
    /** USD prices per model name; '*' applies to models not listed. Unpriced calls cost null. */
    prices: z.record(z.string(), priceSchema).default({}),
  })
  .strict();

export type EnrichOptionsInput = z.input<typeof enrichOptionsSchema>;
export type EnrichOptions = z.output<typeof enrichOptionsSchema>;
export type ModelPrice = z.output<typeof priceSchema>;
export type PromptOverrides = z.output<typeof promptsSchema>;

/** Validate and fill defaults. Throws ValidationError naming the bad keys. */
export function resolveEnrichOptions(input: EnrichOptionsInput = {}): EnrichOptions {
  const parsed = enrichOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError(
      `invalid enrichment options: ${z.prettifyError(parsed.error)}`,
      parsed.error.issues,
    );
  }
  const options = parsed.data;
  if (input.offline?.categoryRules) {
    for (const rule of options.offline.categoryRules) {
      if (!options.categories.includes(rule.category)) {
        throw new ValidationError(
          `invalid enrichment options: category rule for "${rule.category}" names no configured category`,
        );
      }
    }
  } else {
    // Default rules only apply to the categories that are still configured.
    options.offline.categoryRules = options.offline.categoryRules.filter((r) =>
      options.categories.includes(r.category),
    );
  }
  return options;
}

export type StepName = 'single' | 'translate' | 'translateBody' | 'summary' | 'classify' | 'entities';

/** Model for a step, or null when none is configured (offline). */
export function modelFor(options: EnrichOptions, step: StepName): string | null {
  return options.models[step] ?? options.models.default;
}

/** True when a model call can be made for this article at all. */
export function isLlmConfigured(options: EnrichOptions): boolean {
  if (options.mode === 'single') return modelFor(options, 'single') != null;
  return (['translate', 'summary', 'classify', 'entities'] as const).every(
    (s) => modelFor(options, s) != null,
  );
}
