// Public surface of enrichment. Other capabilities import from here, not from the files behind it.
export { enrichArticle, totalsOf, type EnrichDeps } from './enrich-article.ts';
export {
  enrichBatch,
  type ArticleFailure,
  type ArticleOutcome,
  type BatchHooks,
  type BatchProgress,
  type BatchReport,
  type BatchStop,
  type FailureCode,
} from './enrich-batch.ts';
export {
  DEFAULT_CATEGORIES,
  enrichOptionsSchema,
  isLlmConfigured,
  modelFor,
  resolveEnrichOptions,
  type EnrichOptions,
  type EnrichOptionsInput,
  type ModelPrice,
  type PromptOverrides,
  type StepName,
} from './options.ts';
export {
  EnrichmentSkipped,
  FATAL_CODES,
  LlmError,
  RETRYABLE_CODES,
  isLlmError,
  type LlmErrorCode,
} from './errors.ts';
export type {
  EnrichInput,
  EnrichMode,
  EnrichmentCache,
  EnrichmentResult,
  Entities,
  SourceEnrichOptions,
  SummarySource,
  TranslationState,
  UsageRecord,
  UsageRecorder,
  UsageStep,
  UsageTotals,
} from './types.ts';
export type { LlmClient, LlmMessage, LlmRequest, LlmResponse, LlmUsage } from './llm/types.ts';
export {
  createOpenAiCompatibleClient,
  type OpenAiCompatibleClient,
  type OpenAiCompatibleOptions,
} from './llm/openai-client.ts';
export { RateLimiter, type Permit, type RateLimits } from './llm/rate-limiter.ts';
export {
  checkDailyBudget,
  createDailyBudgetGate,
  type BudgetDecision,
  type BudgetGate,
} from './accounting/budget.ts';
export { costOfCall, priceFor, type PriceTable } from './accounting/pricing.ts';
export { InMemoryEnrichmentCache, InMemoryUsageRecorder } from './memory.ts';
export { enrichmentCacheKey } from './cache-key.ts';
export { detectLanguage, type LanguageCode, type LanguageVerdict } from './text/language.ts';
export { cutForPrompt, type CutPolicy, type CutText } from './text/truncate.ts';
export { splitSentences } from './text/sentences.ts';
export { extractiveSummary } from './offline/extractive-summary.ts';
export { categorizeByRules, DEFAULT_CATEGORY_RULES, type CategoryRule } from './offline/category-rules.ts';
export { extractRegexEntities, type RegexEntities } from './offline/regex-entities.ts';
export { decideFeedSummary, type FeedSummaryDecision } from './feed-summary.ts';
export { emptyEntities, entitiesToList, mergeEntities, type EntityType } from './entities.ts';
export { DEFAULT_PROMPTS, type PromptTemplates } from './steps/prompts.ts';
