// Enrichment records and repository ports: the enrichment state on article rows (claimed in batches),
// every model call with its tokens and cost, and the result cache. The store knows nothing of the
// enrichment library: results arrive here as plain values.
import type { ArticleEnrichment, ArticleEntity, EnrichmentState } from './content-types.ts';

/** What a batch needs of a claimed article. */
export interface ClaimedArticle {
  id: string;
  sourceId: string;
  title: string;
  url: string;
  contentText: string | null;
  feedSummary: string | null;
  /** The source's "use feed summary" switch. */
  useFeedSummary: boolean;
  /** Enrichment attempts before this one. */
  attempts: number;
}

export interface ClaimArgs {
  /** Who holds the claim (an execution id); saved outcomes must come from the same owner. */
  owner: string;
  now: number;
  limit: number;
  /** Only these articles (still only when pending or due). */
  ids?: readonly string[];
  /** A 'running' article claimed before this instant is taken over (its run crashed or hung). */
  staleBefore: number;
}

/** Results written on the article row when enrichment is done. */
export interface EnrichmentWrite {
  mode: 'llm' | 'offline';
  language: string | null;
  titleZh: string | null;
  summary: string | null;
  summarySource: 'feed' | 'llm' | 'extractive' | null;
  category: string | null;
  entities: ArticleEntity[];
  cves: string[];
  importance: number | null;
  translation: 'llm' | 'none' | 'not_needed' | null;
  promptVersion: string | null;
}

export interface EnrichmentFailureWrite {
  code: string;
  message: string;
  /** When to try again; null = no more attempts (stays failed and visible). */
  nextRetryAt: number | null;
}

/** Which articles a bulk re-process resets to pending (every given field must match). */
export interface ReprocessFilter {
  ids?: readonly string[];
  states?: readonly EnrichmentState[];
  sourceId?: string;
  /** fetched_at >= since */
  since?: number;
  /** fetched_at < until */
  until?: number;
}

export interface EnrichmentRepo {
  /** The enrichment fields of one article, or undefined when the article does not exist. */
  get(articleId: string): Promise<ArticleEnrichment | undefined>;
  /** Articles a batch would take now: pending, failed and due for retry, or stale 'running'. */
  countDue(args: { now: number; staleBefore: number; ids?: readonly string[] }): Promise<number>;
  /** Atomically mark up to `limit` due articles 'running' for `owner` and return them, newest first. */
  claim(args: ClaimArgs): Promise<ClaimedArticle[]>;
  /** Store results: state 'done', attempts + 1. False when the claim is no longer this owner's. */
  saveResult(articleId: string, owner: string, result: EnrichmentWrite, now: number): Promise<boolean>;
  /** State 'failed' with code, message, attempts + 1 and the next retry time. */
  markFailed(
    articleId: string,
    owner: string,
    failure: EnrichmentFailureWrite,
    now: number,
  ): Promise<boolean>;
  /** State 'skipped' with the reason, attempts + 1. */
  markSkipped(articleId: string, owner: string, reason: string, now: number): Promise<boolean>;
  /** Give claimed articles back untouched (state 'pending'); returns how many. */
  release(articleIds: readonly string[], owner: string): Promise<number>;
  /**
   * Reset matching articles to 'pending' with attempts 0 and no error (earlier results stay until new ones
   * replace them). Articles being enriched right now are left alone. Returns how many were reset.
   */
  resetForReprocess(filter: ReprocessFilter): Promise<number>;
  /** How many articles are in each state. */
  stateCounts(): Promise<Record<EnrichmentState, number>>;
}

export type LlmCallOutcome = 'ok' | 'invalid_output' | 'error';

/** One model call (one attempt), as accounting stores it. */
export interface LlmCallRecord {
  articleId: string | null;
  sourceId: string | null;
  /** The execution that made the call, when known. */
  executionId: string | null;
  step: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  usageEstimated: boolean;
  latencyMs: number;
  outcome: LlmCallOutcome;
  errorCode: string | null;
  attempt: number;
  repair: boolean;
  /** USD; null when the model has no price. */
  costUsd: number | null;
  at: number;
}

export interface LlmCall extends LlmCallRecord {
  id: string;
}

export interface UsageTotalsRow {
  calls: number;
  /** Calls whose outcome was not 'ok'. */
  failures: number;
  /** Calls whose token numbers are estimates (the server sent no usage). */
  estimatedCalls: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  costUsd: number;
}

export interface UsageGroup extends UsageTotalsRow {
  /** The model name, the source id, or the local day (yyyy-MM-dd). */
  key: string;
  /** The source's name when grouped by source; otherwise the key. */
  label: string;
}

export type UsageGroupBy = 'model' | 'source' | 'day';

export interface UsageQuery {
  groupBy: UsageGroupBy;
  /** at >= from */
  from?: number;
  /** at < to */
  to?: number;
  /** Local days for groupBy 'day'. */
  timeZone: string;
}

export interface ArticleUsage {
  /** Every call made for the article, oldest first. */
  calls: LlmCall[];
  totals: UsageTotalsRow;
  /** Sums per step (single, translate, summary, ...). */
  bySteps: Record<string, UsageTotalsRow>;
}

export interface LlmUsageRepo {
  record(call: LlmCallRecord): Promise<void>;
  /** The per-step token usage of one article (for the article detail). */
  usageForArticle(articleId: string): Promise<ArticleUsage>;
  /** Sums grouped by model, source or local day, largest cost first (days in date order). */
  aggregate(query: UsageQuery): Promise<UsageGroup[]>;
  /** Sums over a time range. */
  totals(range: { from?: number; to?: number }): Promise<UsageTotalsRow>;
  /** USD spent since an instant (e.g. the start of the local day), for the daily budget. */
  costSince(from: number): Promise<number>;
  deleteBefore(at: number): Promise<number>;
}

export interface EnrichCacheRepo {
  get(key: string): Promise<unknown>;
  /** Insert or replace. */
  set(key: string, value: unknown, now: number): Promise<void>;
  deleteBefore(at: number): Promise<number>;
  count(): Promise<number>;
}
