// The one orchestrator of enrichment in the service: claim due articles from the store, enrich them with
// the library (model or offline), write each outcome as it finishes, give back what was not processed,
// and account for every call. The model client and its rate limiter are made on first use, one per
// process, and closed by close().
import type { Logger } from 'pino';
import type { EnrichSettings } from '../config/enrich-spec.ts';
import type { ArticleEnrichment, EnrichmentState } from '../store/content-types.ts';
import type {
  ClaimedArticle,
  EnrichCacheRepo,
  EnrichmentRepo,
  LlmUsageRepo,
  ReprocessFilter,
} from '../store/enrich-types.ts';
import type { SettingsRepo } from '../store/types.ts';
import { localDay, startOfLocalDay } from '../time.ts';
import { createDailyBudgetGate, type BudgetGate } from './accounting/budget.ts';
import { totalsOf, type EnrichDeps } from './enrich-article.ts';
import { enrichBatch, type ArticleOutcome, type BatchStop } from './enrich-batch.ts';
import { entitiesToList } from './entities.ts';
import type { OpenAiCompatibleClient } from './llm/openai-client.ts';
import { RateLimiter } from './llm/rate-limiter.ts';
import {
  isLlmConfigured,
  modelFor,
  resolveEnrichOptions,
  type EnrichOptions,
  type StepName,
} from './options.ts';
import { storeEnrichmentCache, storeUsageRecorder } from './store-ports.ts';
import type { EnrichInput, UsageTotals } from './types.ts';

const HOUR = 3_600_000;
const MAX_RETRY_DELAY_MS = 6 * HOUR;
const LAST_STOP_KEY = 'enrich.last_stop';
const STEPS: StepName[] = ['single', 'translate', 'translateBody', 'summary', 'classify', 'entities'];

export type EnrichServiceMode = 'llm' | 'offline' | 'misconfigured';

export interface EnrichServiceDeps {
  enrichment: EnrichmentRepo;
  usage: LlmUsageRepo;
  cache: EnrichCacheRepo;
  settingsStore: SettingsRepo;
  settings: EnrichSettings;
  /** Local days (budget, usage per day). */
  timeZone: string;
  /** A 'running' article claimed longer ago than this is taken over by the next batch. */
  staleClaimMs: number;
  now?: () => number;
}

export interface RunHooks {
  /** Holds the claim on the articles; an execution id. */
  owner: string;
  signal: AbortSignal;
  log: Logger;
  progress(current: number, total: number, message: string): void;
  count(delta: { processed?: number; success?: number; failed?: number }): void;
}

export interface RunArgs {
  /** Most articles this run processes; default: while articles are due and time allows. */
  limit?: number;
  /** Only these articles (when pending or due). */
  ids?: readonly string[];
  /** Stop claiming more after this long (what is claimed is finished). */
  timeBudgetMs: number;
}

export interface FailureSummary {
  id: string;
  code: string;
  message: string;
  /** Epoch ms of the next try, or null when it stays failed. */
  nextRetryAt: number | null;
}

export interface RunReport {
  mode: EnrichServiceMode;
  /** 'completed': ran until nothing was due; 'paused': daily budget; 'stopped': see `stopped`. */
  outcome: 'completed' | 'paused' | 'stopped';
  processed: number;
  done: number;
  failed: number;
  skipped: number;
  /** Claimed but not processed (batch stopped): back to pending. */
  released: number;
  /** Results served from the cache (nothing paid). */
  cached: number;
  /** Every model call of this run, failed attempts included. */
  usage: UsageTotals;
  durationMs: number;
  stopped: BatchStop | { code: 'CONFIG'; message: string } | null;
  paused: { reason: string; until: number } | null;
  /** The first few failures, for the execution's result. */
  failures: FailureSummary[];
  /** Articles the run could not write because another run took them over. */
  lostClaims: number;
}

export interface LastStop {
  code: string;
  message: string;
  at: number;
  executionId: string;
}

export interface EnrichStatus {
  mode: EnrichServiceMode;
  problem: string | null;
  /** Host (and port) of the model server; never the path, key or credentials. */
  baseUrlHost: string | null;
  callMode: 'single' | 'steps';
  /** The model each step uses (null offline). */
  models: Record<StepName, string | null>;
  targetLanguage: string;
  promptVersion: string;
  categories: string[];
  budget: { day: string; spentUsd: number; limitUsd: number | null; remainingUsd: number | null };
  paused: { reason: string; until: number } | null;
  lastStop: LastStop | null;
  articles: Record<EnrichmentState, number>;
}

const MAX_FAILURES_LISTED = 20;

export class EnrichService {
  readonly options: EnrichOptions;
  readonly mode: EnrichServiceMode;
  /** Why LLM enrichment cannot run as configured, or null. */
  readonly problem: string | null;
  readonly #deps: EnrichServiceDeps;
  readonly #now: () => number;
  readonly #budget: BudgetGate;
  #llm: { client: OpenAiCompatibleClient; limiter: RateLimiter } | undefined;
  #closed = false;

  constructor(deps: EnrichServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    let problem = deps.settings.problem;
    try {
      this.options = resolveEnrichOptions(deps.settings.options);
    } catch (err) {
      // Visible through the status and every batch, instead of a service that does not start.
      problem = err instanceof Error ? err.message : String(err);
      this.options = resolveEnrichOptions({ categories: deps.settings.options.categories });
    }
    this.problem = problem;
    this.mode = problem
      ? 'misconfigured'
      : deps.settings.llm && isLlmConfigured(this.options)
        ? 'llm'
        : 'offline';
    const tz = deps.timeZone;
    this.#budget = createDailyBudgetGate({
      dailyBudgetUsd: deps.settings.dailyBudgetUsd,
      spentToday: () => deps.usage.costSince(startOfLocalDay(localDay(this.#now(), tz), tz)),
      day: () => localDay(this.#now(), tz),
    });
  }

  /** Enrich due articles in batches; every outcome is written as it finishes. */
  async run(args: RunArgs, hooks: RunHooks): Promise<RunReport> {
    const started = this.#now();
    const report = emptyReport(this.mode);
    const finish = () => {
      report.durationMs = this.#now() - started;
      return report;
    };
    if (this.mode === 'misconfigured') {
      report.outcome = 'stopped';
      report.stopped = { code: 'CONFIG', message: this.problem ?? 'enrichment is misconfigured' };
      return finish();
    }
    if (this.mode === 'llm') {
      const paused = await this.pausedReason();
      if (paused) {
        report.outcome = 'paused';
        report.paused = paused;
        return finish();
      }
    }

    const { enrichment } = this.#deps;
    const staleBefore = started - this.#deps.staleClaimMs;
    const cap = args.limit ?? Number.POSITIVE_INFINITY;
    let total = Math.min(cap, await enrichment.countDue({ now: started, staleBefore, ids: args.ids }));
    const outstanding = new Set<string>();
    try {
      while (report.processed < cap && !hooks.signal.aborted) {
        if (this.#now() - started > args.timeBudgetMs) break;
        const limit = Math.min(this.#deps.settings.batchSize, cap - report.processed);
        // Retry times are compared with the run's start: an article failing now is not retried by this run.
        const claimed = await enrichment.claim({
          owner: hooks.owner,
          now: started,
          limit,
          staleBefore,
          ids: args.ids,
        });
        if (claimed.length === 0) break;
        for (const a of claimed) outstanding.add(a.id);
        total = Math.max(total, report.processed + claimed.length);
        const stop = await this.#runBatch(claimed, outstanding, total, report, hooks);
        if (stop) {
          report.outcome = stop.code === 'LLM_BUDGET' ? 'paused' : 'stopped';
          if (stop.code === 'LLM_BUDGET')
            report.paused = (await this.pausedReason()) ?? this.#pauseFor(stop.message);
          else report.stopped = stop;
          break;
        }
      }
    } finally {
      if (outstanding.size > 0) report.released += await enrichment.release([...outstanding], hooks.owner);
    }
    await this.#rememberStop(report, hooks.owner);
    return finish();
  }

  async #runBatch(
    claimed: ClaimedArticle[],
    outstanding: Set<string>,
    total: number,
    report: RunReport,
    hooks: RunHooks,
  ): Promise<BatchStop | null> {
    const byId = new Map(claimed.map((a) => [a.id, a]));
    const llm = this.mode === 'llm' ? await this.#client() : undefined;
    const deps: EnrichDeps = {
      client: llm?.client ?? null,
      limiter: llm?.limiter,
      cache: storeEnrichmentCache(this.#deps.cache, this.#now),
      usage: storeUsageRecorder(this.#deps.usage, hooks.owner, (r) => addUsage(report.usage, totalsOf([r]))),
      options: this.options,
      budget: this.#budget,
      signal: hooks.signal,
    };
    const batch = await enrichBatch(claimed.map(toInput), deps, {
      onArticleDone: async (outcome) => {
        const article = byId.get(outcome.id);
        if (!article) return;
        const saved = await this.#save(article, outcome, report, hooks.owner);
        outstanding.delete(article.id);
        if (!saved) report.lostClaims++;
        report.processed++;
        hooks.count(
          outcome.status === 'done'
            ? { processed: 1, success: 1 }
            : outcome.status === 'failed'
              ? { processed: 1, failed: 1 }
              : { processed: 1 },
        );
        hooks.progress(report.processed, total, article.title);
      },
    });
    if (batch.stopped) {
      hooks.log.warn(
        { code: batch.stopped.code, notProcessed: batch.notProcessed.length },
        `enrichment batch stopped: ${batch.stopped.message}`,
      );
    }
    return batch.stopped;
  }

  async #save(
    article: ClaimedArticle,
    outcome: ArticleOutcome,
    report: RunReport,
    owner: string,
  ): Promise<boolean> {
    const { enrichment } = this.#deps;
    const now = this.#now();
    if (outcome.status === 'done') {
      const r = outcome.result;
      report.done++;
      if (r.cached) report.cached++;
      return enrichment.saveResult(
        article.id,
        owner,
        {
          mode: r.mode,
          language: r.language,
          titleZh: r.titleZh,
          summary: r.summary,
          summarySource: r.summarySource,
          category: r.category,
          entities: entitiesToList(r.entities),
          cves: r.entities.cves,
          importance: r.importance,
          translation: r.translation,
          promptVersion: r.promptVersion,
        },
        now,
      );
    }
    if (outcome.status === 'skipped') {
      report.skipped++;
      return enrichment.markSkipped(article.id, owner, outcome.reason, now);
    }
    report.failed++;
    const attempt = article.attempts + 1;
    const nextRetryAt =
      outcome.retryable && attempt < this.#deps.settings.maxAttempts ? now + this.retryDelay(attempt) : null;
    if (report.failures.length < MAX_FAILURES_LISTED) {
      report.failures.push({ id: article.id, code: outcome.code, message: outcome.message, nextRetryAt });
    }
    return enrichment.markFailed(
      article.id,
      owner,
      { code: outcome.code, message: outcome.message, nextRetryAt },
      now,
    );
  }

  /** Wait before the next try after `attempt` failed: doubling from the configured delay, at least 1 ms. */
  retryDelay(attempt: number): number {
    const base = this.#deps.settings.retryDelayMs;
    return Math.max(1, Math.min(MAX_RETRY_DELAY_MS, base * 2 ** (attempt - 1)));
  }

  /** An article's enrichment fields, or undefined when it does not exist. */
  articleState(articleId: string): Promise<ArticleEnrichment | undefined> {
    return this.#deps.enrichment.get(articleId);
  }

  /** Reset matching articles to pending (bulk or single re-process); returns how many. */
  reprocess(filter: ReprocessFilter): Promise<number> {
    return this.#deps.enrichment.resetForReprocess(filter);
  }

  /** The daily budget's verdict now; a reason and the next local midnight when it is spent. */
  async pausedReason(): Promise<{ reason: string; until: number } | null> {
    if (this.mode !== 'llm') return null;
    const decision = await this.#budget.check();
    return decision.allowed ? null : this.#pauseFor(decision.reason ?? 'daily LLM budget reached');
  }

  #pauseFor(reason: string): { reason: string; until: number } {
    return { reason, until: this.nextLocalMidnight() };
  }

  nextLocalMidnight(): number {
    const tz = this.#deps.timeZone;
    const today = startOfLocalDay(localDay(this.#now(), tz), tz);
    // 26 h later is always inside the next local day, even across a DST change.
    return startOfLocalDay(localDay(today + 26 * HOUR, tz), tz);
  }

  async status(): Promise<EnrichStatus> {
    const tz = this.#deps.timeZone;
    const now = this.#now();
    const day = localDay(now, tz);
    const limit = this.#deps.settings.dailyBudgetUsd;
    const [spentUsd, articles, lastStop, paused] = await Promise.all([
      this.#deps.usage.costSince(startOfLocalDay(day, tz)),
      this.#deps.enrichment.stateCounts(),
      this.#deps.settingsStore.get<LastStop | null>(LAST_STOP_KEY),
      this.pausedReason(),
    ]);
    const offline = this.mode !== 'llm';
    return {
      mode: this.mode,
      problem: this.problem,
      baseUrlHost: hostOf(this.#deps.settings.llm?.baseURL),
      callMode: this.options.mode,
      models: Object.fromEntries(STEPS.map((s) => [s, offline ? null : modelFor(this.options, s)])) as Record<
        StepName,
        string | null
      >,
      targetLanguage: this.options.targetLanguage,
      promptVersion: this.options.promptVersion,
      categories: this.options.categories,
      budget: {
        day,
        spentUsd,
        limitUsd: limit,
        remainingUsd: limit == null ? null : Math.max(0, limit - spentUsd),
      },
      paused,
      lastStop: lastStop ?? null,
      articles,
    };
  }

  async #rememberStop(report: RunReport, executionId: string): Promise<void> {
    const store = this.#deps.settingsStore;
    if (report.stopped && report.stopped.code !== 'LLM_ABORTED') {
      const stop: LastStop = { ...report.stopped, at: this.#now(), executionId };
      await store.set(LAST_STOP_KEY, stop);
    } else if (report.outcome === 'completed' && report.done > 0) {
      // Working again: the old stop is history (the failed execution still tells it).
      if (await store.get(LAST_STOP_KEY)) await store.set(LAST_STOP_KEY, null);
    }
  }

  async #client(): Promise<{ client: OpenAiCompatibleClient; limiter: RateLimiter }> {
    if (this.#llm) return this.#llm;
    const llm = this.#deps.settings.llm;
    if (!llm) throw new Error('no model server configured');
    // The SDK costs seconds of start-up; processes that never call a model never load it.
    const { createOpenAiCompatibleClient } = await import('./llm/openai-client.ts');
    if (this.#closed) throw new Error('enrichment service is closed');
    this.#llm ??= {
      client: createOpenAiCompatibleClient({
        baseURL: llm.baseURL,
        apiKey: llm.apiKey,
        defaultTimeoutMs: this.options.timeoutMs,
        maxConnections: Math.max(8, this.options.limits.maxConcurrent * 2),
      }),
      limiter: new RateLimiter(this.options.limits),
    };
    return this.#llm;
  }

  /** Close the model client and the rate limiter (after the task engine has stopped). */
  async close(): Promise<void> {
    this.#closed = true;
    const llm = this.#llm;
    this.#llm = undefined;
    if (llm) {
      llm.limiter.close();
      await llm.client.close();
    }
  }
}

function toInput(a: ClaimedArticle): EnrichInput {
  return {
    id: a.id,
    title: a.title,
    text: a.contentText ?? stripTags(a.feedSummary ?? ''),
    feedSummary: a.feedSummary,
    url: a.url,
    sourceId: a.sourceId,
    sourceOptions: { useFeedSummary: a.useFeedSummary },
  };
}

/** Feed descriptions may carry markup; without full text they are the article's only body. */
function stripTags(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function hostOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

function emptyReport(mode: EnrichServiceMode): RunReport {
  return {
    mode,
    outcome: 'completed',
    processed: 0,
    done: 0,
    failed: 0,
    skipped: 0,
    released: 0,
    cached: 0,
    usage: totalsOf([]),
    durationMs: 0,
    stopped: null,
    paused: null,
    failures: [],
    lostClaims: 0,
  };
}

function addUsage(into: UsageTotals, t: UsageTotals): void {
  into.calls += t.calls;
  into.promptTokens += t.promptTokens;
  into.completionTokens += t.completionTokens;
  into.cachedTokens += t.cachedTokens;
  into.reasoningTokens += t.reasoningTokens;
  into.costUsd += t.costUsd;
}
