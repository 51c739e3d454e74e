// Enriches a batch with bounded concurrency. Per-article failures are reported with a code and message
// (and never reported as done). A fatal error (credentials, missing model, budget, cancel) stops the whole
// batch at once: calls in flight are aborted and the untouched articles are listed as not processed, so
// the caller can leave them pending instead of failing each one. So does a run of consecutive failures,
// which means the server is down or the configuration is wrong rather than one article being bad.
import { EventLoopPacer } from '../event-loop.ts';
import { type EnrichDeps, enrichArticle } from './enrich-article.ts';
import { EnrichmentSkipped, LlmError, type LlmErrorCode } from './errors.ts';
import { RateLimiter } from './llm/rate-limiter.ts';
import type { EnrichInput, EnrichmentResult } from './types.ts';

export type FailureCode = LlmErrorCode | 'INTERNAL';

export interface ArticleFailure {
  id: string;
  code: FailureCode;
  message: string;
  /** Worth another try later (server trouble, bad output), as opposed to a bug. */
  retryable: boolean;
}

export type ArticleOutcome =
  | { id: string; status: 'done'; result: EnrichmentResult }
  | ({ status: 'failed' } & ArticleFailure)
  | { id: string; status: 'skipped'; reason: string };

export interface BatchProgress {
  total: number;
  processed: number;
  done: number;
  failed: number;
  skipped: number;
}

export interface BatchStop {
  code: FailureCode;
  message: string;
}

export interface BatchReport {
  total: number;
  done: { id: string; result: EnrichmentResult }[];
  failed: ArticleFailure[];
  skipped: { id: string; reason: string }[];
  /** Not enriched because the batch stopped (or was cancelled); leave them pending. */
  notProcessed: string[];
  /** Why the batch stopped early, or null when it ran to the end. */
  stopped: BatchStop | null;
  durationMs: number;
}

export interface BatchHooks {
  onProgress?: (progress: BatchProgress) => void;
  /** Called as each article finishes (persist it here); awaited. A throw stops the batch. */
  onArticleDone?: (outcome: ArticleOutcome) => void | Promise<void>;
}

function failureOf(id: string, err: unknown): ArticleFailure {
  if (err instanceof LlmError) {
    return {
      id,
      code: err.code,
      message: err.message,
      retryable: err.retryable || err.code === 'LLM_BAD_OUTPUT',
    };
  }
  return {
    id,
    code: 'INTERNAL',
    message: err instanceof Error ? err.message : String(err),
    retryable: false,
  };
}

export async function enrichBatch(
  articles: readonly EnrichInput[],
  deps: EnrichDeps,
  hooks: BatchHooks = {},
): Promise<BatchReport> {
  const started = performance.now();
  const { options } = deps;
  const stopper = new AbortController();
  const signal = deps.signal ? AbortSignal.any([deps.signal, stopper.signal]) : stopper.signal;
  const ownLimiter = deps.limiter ? undefined : new RateLimiter(options.limits);
  const articleDeps: EnrichDeps = {
    ...deps,
    signal,
    limiter: deps.limiter ?? ownLimiter,
    inflight: deps.inflight ?? new Map(),
  };

  const report: BatchReport = {
    total: articles.length,
    done: [],
    failed: [],
    skipped: [],
    notProcessed: [],
    stopped: null,
    durationMs: 0,
  };
  let next = 0;
  let consecutiveFailures = 0;

  const stop = (why: BatchStop) => {
    if (report.stopped) return;
    report.stopped = why;
    stopper.abort(new LlmError('LLM_ABORTED', `batch stopped: ${why.message}`));
  };
  const onExternalAbort = () => {
    const reason = deps.signal?.reason;
    stop({
      code: 'LLM_ABORTED',
      message: `cancelled${reason instanceof Error ? `: ${reason.message}` : ''}`,
    });
  };
  if (deps.signal?.aborted) onExternalAbort();
  deps.signal?.addEventListener('abort', onExternalAbort, { once: true });

  const progress = () =>
    hooks.onProgress?.({
      total: report.total,
      processed: report.done.length + report.failed.length + report.skipped.length,
      done: report.done.length,
      failed: report.failed.length,
      skipped: report.skipped.length,
    });

  const finish = async (outcome: ArticleOutcome) => {
    if (outcome.status === 'done') report.done.push({ id: outcome.id, result: outcome.result });
    else if (outcome.status === 'skipped') report.skipped.push({ id: outcome.id, reason: outcome.reason });
    else {
      const { status: _status, ...failure } = outcome;
      report.failed.push(failure);
    }
    try {
      await hooks.onArticleDone?.(outcome);
    } catch (err) {
      stop({
        code: 'INTERNAL',
        message: `saving the outcome of article ${outcome.id} failed: ${String(err)}`,
      });
    }
    progress();
  };

  // Offline enrichment and a warm cache never wait on I/O: hand the event loop back now and then.
  const pacer = new EventLoopPacer();
  const worker = async () => {
    while (!report.stopped && next < articles.length) {
      await pacer.pace();
      if (report.stopped || next >= articles.length) break;
      const article = articles[next++];
      try {
        const result = await enrichArticle(article, articleDeps);
        consecutiveFailures = 0;
        await finish({ id: article.id, status: 'done', result });
      } catch (err) {
        if (err instanceof EnrichmentSkipped) {
          await finish({ id: article.id, status: 'skipped', reason: err.reason });
          continue;
        }
        if (report.stopped) {
          report.notProcessed.push(article.id);
          continue;
        }
        if (err instanceof LlmError && err.fatal) {
          // Not this article's fault: it stays pending with the rest.
          report.notProcessed.push(article.id);
          stop({ code: err.code, message: err.message });
          continue;
        }
        const failure = failureOf(article.id, err);
        await finish({ status: 'failed', ...failure });
        consecutiveFailures++;
        const limit = options.batch.maxConsecutiveFailures;
        if (limit > 0 && consecutiveFailures >= limit) {
          stop({
            code: failure.code,
            message: `${consecutiveFailures} articles in a row failed; last: ${failure.message}`,
          });
        }
      }
    }
  };

  try {
    const workers = Math.max(1, Math.min(options.batch.concurrency, articles.length));
    await Promise.all(Array.from({ length: workers }, worker));
  } finally {
    deps.signal?.removeEventListener('abort', onExternalAbort);
    ownLimiter?.close();
  }
  for (; next < articles.length; next++) report.notProcessed.push(articles[next].id);
  report.durationMs = performance.now() - started;
  return report;
}
