// Tasks of enrichment: enrich.articles (due articles in batches, on a schedule and after crawls) and
// enrich.article (one article, re-processed). A run stopped by credentials or configuration fails the
// execution with a clear message and leaves the articles pending; a spent budget ends it as paused.
import { z } from 'zod';
import { PermanentFailure } from '../errors.ts';
import { defineTask } from '../tasks/registry.ts';
import type { ScheduleInput, TaskContext, TaskDefinition } from '../tasks/types.ts';
import { isoWithOffset } from '../time.ts';
import type { EnrichService, RunHooks, RunReport } from './service.ts';

export const ENRICH_ARTICLES_TASK = 'enrich.articles';
export const ENRICH_ARTICLE_TASK = 'enrich.article';

/** enrich.articles stops claiming after half of this; what it claimed is finished. */
export const ENRICH_ARTICLES_TIMEOUT_MS = 30 * 60_000;
const ENRICH_ARTICLE_TIMEOUT_MS = 5 * 60_000;
/** A 'running' article claimed longer ago than this is taken over by the next batch. */
export const STALE_CLAIM_MS = ENRICH_ARTICLES_TIMEOUT_MS + 5 * 60_000;

/** Codes no retry can fix: the batch stops and the execution fails at once. */
const PERMANENT: Record<string, string> = {
  CONFIG: 'fix the enrichment configuration',
  LLM_AUTH: 'check NEWSDESK_LLM_API_KEY',
  LLM_MODEL_NOT_FOUND: 'check NEWSDESK_LLM_MODEL (and the per-step models) against the server',
};

export const enrichArticlesPayload = z
  .object({
    limit: z.number().int().min(1).max(1_000_000).optional().describe('Most articles to process in this run'),
    articleIds: z
      .array(z.string().min(1))
      .min(1)
      .max(500)
      .optional()
      .describe('Only these articles, when pending or due for retry'),
  })
  .strict();

export const enrichArticlePayload = z.object({ articleId: z.string().min(1) }).strict();

function hooksOf(ctx: TaskContext): RunHooks {
  return {
    owner: ctx.executionId,
    signal: ctx.signal,
    log: ctx.log,
    progress: (current, total, message) => ctx.progress(current, total, message),
    count: (delta) => ctx.count(delta),
  };
}

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

/** The execution's result; or a throw that records it failed (the articles stay pending). */
function settle(report: RunReport, ctx: TaskContext, timeZone: string): Record<string, unknown> {
  const summary = {
    mode: report.mode,
    processed: report.processed,
    done: report.done,
    failed: report.failed,
    skipped: report.skipped,
    leftPending: report.released,
    cached: report.cached,
    calls: report.usage.calls,
    promptTokens: report.usage.promptTokens,
    completionTokens: report.usage.completionTokens,
    cachedTokens: report.usage.cachedTokens,
    reasoningTokens: report.usage.reasoningTokens,
    costUsd: round(report.usage.costUsd),
    durationMs: Math.round(report.durationMs),
    ...(report.lostClaims > 0 ? { lostClaims: report.lostClaims } : {}),
    failures: report.failures.map((f) => ({
      ...f,
      nextRetryAt: f.nextRetryAt == null ? null : isoWithOffset(f.nextRetryAt, timeZone),
    })),
  };
  if (report.paused) {
    ctx.log.warn({ until: report.paused.until }, report.paused.reason);
    return {
      ...summary,
      paused: report.paused.reason,
      resumesAt: isoWithOffset(report.paused.until, timeZone),
    };
  }
  const stop = report.stopped;
  if (!stop) return summary;
  const counts = `${report.done} done, ${report.failed} failed, ${report.released} left pending (not marked failed)`;
  if (stop.code === 'LLM_ABORTED') {
    // Cancel, timeout or shutdown: the engine records which from the signal.
    throw ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error(`${stop.message}; ${counts}`);
  }
  const hint = PERMANENT[stop.code];
  const message = `enrichment stopped (${stop.code}): ${stop.message}; ${counts}`;
  const err = hint ? new PermanentFailure(`${message}. ${cap(hint)}.`) : new Error(message);
  throw Object.assign(err, { code: stop.code });
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function enrichTasks(service: EnrichService, timeZone: string): TaskDefinition[] {
  const articles = defineTask({
    name: ENRICH_ARTICLES_TASK,
    description:
      'Enrich pending and retry-due articles (title translation, summary, category, entities) with the configured model, or offline.',
    payload: enrichArticlesPayload,
    timeoutMs: ENRICH_ARTICLES_TIMEOUT_MS,
    overlap: 'skip',
    async handler(payload, ctx) {
      const report = await service.run(
        { limit: payload.limit, ids: payload.articleIds, timeBudgetMs: ENRICH_ARTICLES_TIMEOUT_MS / 2 },
        hooksOf(ctx),
      );
      return settle(report, ctx, timeZone);
    },
  });

  const one = defineTask({
    name: ENRICH_ARTICLE_TASK,
    description: 'Enrich (again) one article now, whatever its state; the result cache avoids paying twice.',
    payload: enrichArticlePayload,
    timeoutMs: ENRICH_ARTICLE_TIMEOUT_MS,
    overlap: 'allow',
    concurrency: 2,
    priority: 5,
    async handler({ articleId }, ctx) {
      const before = await service.articleState(articleId);
      if (!before) throw new PermanentFailure(`article ${articleId} not found`);
      await service.reprocess({ ids: [articleId] });
      const report = await service.run(
        { ids: [articleId], limit: 1, timeBudgetMs: ENRICH_ARTICLE_TIMEOUT_MS },
        hooksOf(ctx),
      );
      const result = settle(report, ctx, timeZone);
      const after = await service.articleState(articleId);
      return {
        articleId,
        state: after?.state ?? null,
        ...(report.processed === 0 && after?.state === 'running'
          ? { note: 'another run is enriching this article now' }
          : {}),
        ...(after?.errorCode ? { errorCode: after.errorCode, errorMessage: after.errorMessage } : {}),
        ...result,
      };
    },
  });
  return [articles, one] as TaskDefinition[];
}

export const enrichDefaultSchedule: ScheduleInput = {
  name: ENRICH_ARTICLES_TASK,
  task: ENRICH_ARTICLES_TASK,
  cron: '*/10 * * * *',
  description: 'Enrich pending and retry-due articles (crawls also trigger it when they store new articles)',
};
