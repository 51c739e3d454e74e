// The one orchestrator for a single article: language, feed-summary decision, then either offline
// enrichment or the model (through the result cache, so the same text is never paid for twice).
import type { BudgetGate } from './accounting/budget.ts';
import { enrichmentCacheKey } from './cache-key.ts';
import { mergeEntities } from './entities.ts';
import { EnrichmentSkipped } from './errors.ts';
import { decideFeedSummary } from './feed-summary.ts';
import type { CallDeps } from './llm/call-llm.ts';
import { RateLimiter } from './llm/rate-limiter.ts';
import type { LlmClient } from './llm/types.ts';
import { enrichOffline } from './offline/enrich-offline.ts';
import { extractRegexEntities } from './offline/regex-entities.ts';
import { isLlmConfigured, type EnrichOptions } from './options.ts';
import { runPerStep, runSingleCall } from './steps/llm-steps.ts';
import { detectLanguage } from './text/language.ts';
import { cutForPrompt } from './text/truncate.ts';
import type {
  EnrichInput,
  EnrichmentCache,
  EnrichmentResult,
  UsageRecord,
  UsageRecorder,
  UsageTotals,
} from './types.ts';

export interface EnrichDeps {
  /** No client (or no model in options) means offline mode. */
  client?: LlmClient | null;
  cache?: EnrichmentCache;
  usage: UsageRecorder;
  /** Resolved options (resolveEnrichOptions). */
  options: EnrichOptions;
  budget?: BudgetGate;
  /** Shared limits towards the model server; one per process ideally. A private one is made if absent. */
  limiter?: RateLimiter;
  signal?: AbortSignal;
  /** Identical texts in flight at once are enriched once (a batch shares this map). */
  inflight?: Map<string, Promise<EnrichmentResult>>;
}

export function totalsOf(records: UsageRecord[]): UsageTotals {
  const t: UsageTotals = {
    calls: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    reasoningTokens: 0,
    costUsd: 0,
  };
  for (const r of records) {
    t.calls++;
    t.promptTokens += r.promptTokens;
    t.completionTokens += r.completionTokens;
    t.cachedTokens += r.cachedTokens;
    t.reasoningTokens += r.reasoningTokens;
    t.costUsd += r.costUsd ?? 0;
  }
  return t;
}

export async function enrichArticle(input: EnrichInput, deps: EnrichDeps): Promise<EnrichmentResult> {
  const { options } = deps;
  const title = (input.title ?? '').trim();
  const text = (input.text ?? '').trim();
  if (!title && !text) throw new EnrichmentSkipped('article has neither title nor text');

  const verdict = detectLanguage(title, text);
  const target = options.targetLanguage;
  const feed = decideFeedSummary(
    input.feedSummary,
    input.sourceOptions?.useFeedSummary ?? false,
    { targetLanguage: target, ...options.feedSummary },
    title,
  );

  if (!deps.client || !isLlmConfigured(options)) {
    return enrichOffline({ title, text, url: input.url }, { verdict, feed, options });
  }

  const needs = {
    title: verdict.titleLanguage !== target,
    summary: !feed.use,
    body: options.translateBody && verdict.language !== target && text.length > 0,
  };
  const key = enrichmentCacheKey({
    title,
    text,
    feedSummary: feed.use ? feed.summary : null,
    options,
    needsBody: needs.body,
  });
  const hit = await deps.cache?.get(key);
  if (hit) return fromCache(hit, key);

  const pending = deps.inflight?.get(key);
  if (pending) return fromCache(await pending, key);

  const run = (async () => {
    const ownLimiter = deps.limiter ? undefined : new RateLimiter(options.limits);
    const collected: UsageRecord[] = [];
    const callDeps: CallDeps = {
      client: deps.client as LlmClient,
      limiter: deps.limiter ?? (ownLimiter as RateLimiter),
      usage: deps.usage,
      budget: deps.budget,
      options,
      articleId: input.id,
      sourceId: input.sourceId ?? null,
      signal: deps.signal,
      collected,
    };
    try {
      const cut = cutForPrompt(text || title, options.input);
      const stepInput = { title, text: cut, language: verdict.language, needs };
      const out =
        options.mode === 'single'
          ? await runSingleCall(callDeps, stepInput)
          : await runPerStep(callDeps, stepInput);
      const result: EnrichmentResult = {
        language: verdict.language,
        titleLanguage: verdict.titleLanguage,
        titleZh: needs.title ? out.titleTranslated : title,
        bodyTranslated: out.bodyTranslated,
        summary: feed.use ? feed.summary : (out.summary ?? ''),
        summarySource: feed.use ? 'feed' : 'llm',
        category: out.category,
        entities: mergeEntities(
          out.entities,
          extractRegexEntities(`${title}\n${text}`, input.url ?? undefined),
        ),
        importance: out.importance,
        mode: 'llm',
        translation: needs.title || needs.body ? 'llm' : 'not_needed',
        targetLanguage: target,
        promptVersion: options.promptVersion,
        models: out.models,
        inputCut: cut.cut,
        cached: false,
        cacheKey: key,
        usage: collected,
        totals: totalsOf(collected),
      };
      await deps.cache?.set(key, result);
      return result;
    } finally {
      ownLimiter?.close();
    }
  })();

  deps.inflight?.set(key, run);
  try {
    return await run;
  } finally {
    deps.inflight?.delete(key);
  }
}

function fromCache(stored: EnrichmentResult, key: string): EnrichmentResult {
  return {
    ...stored,
    cached: true,
    cacheKey: key,
    usage: [],
    totals: totalsOf([]),
  };
}
