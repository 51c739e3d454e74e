// Tasks of crawling: crawl.sources (every due source; hourly by default) and crawl.source (one source on
// demand). New articles trigger enrichment as a follow-up when that task exists.
import { z } from 'zod';
import { PermanentFailure } from '../errors.ts';
import { NotFoundError } from '../errors.ts';
import { defineTask } from '../tasks/registry.ts';
import type {
  EnqueueOptions,
  EnqueueResult,
  ScheduleInput,
  TaskContext,
  TaskDefinition,
  TaskEngine,
  TaskRegistry,
} from '../tasks/types.ts';
import type { SourceCrawlResult } from './crawl-source.ts';
import type { CrawlService } from './crawl-service.ts';

export const CRAWL_SOURCES_TASK = 'crawl.sources';
export const CRAWL_SOURCE_TASK = 'crawl.source';
const ENRICH_TASK = 'enrich.articles';

export const crawlSourcesPayload = z
  .object({
    force: z.boolean().optional().describe('Crawl every active source now, due or not'),
    sourceIds: z.array(z.string().min(1)).min(1).max(100_000).optional().describe('Only these sources'),
  })
  .strict();

export const crawlSourcePayload = z.object({ sourceId: z.string().min(1) }).strict();

/** One source's line in an execution result. */
function line(r: SourceCrawlResult) {
  return {
    id: r.sourceId,
    name: r.name,
    status: r.status,
    http: r.httpStatus,
    found: r.itemsFound,
    new: r.itemsNew,
    ms: r.durationMs,
    ...(r.errorCode ? { code: r.errorCode, message: r.errorMessage } : {}),
    ...(r.outage ? { outage: true } : {}),
    ...(r.promotedTo ? { promotedTo: r.promotedTo } : {}),
    ...(r.disabledReason ? { disabled: r.disabledReason } : {}),
  };
}

async function enrichFollowUp(registry: TaskRegistry, ctx: TaskContext, newArticles: number) {
  if (newArticles === 0 || !registry.get(ENRICH_TASK)) return undefined;
  const { execution, skipped } = await ctx.enqueue(ENRICH_TASK, {});
  ctx.log.info({ enrichExecution: execution.id }, `enrichment queued for ${newArticles} new articles`);
  return { executionId: execution.id, ...(skipped ? { skipped: true } : {}) };
}

export function crawlTasks(service: CrawlService, registry: TaskRegistry): TaskDefinition[] {
  const all = defineTask({
    name: CRAWL_SOURCES_TASK,
    description:
      'Crawl every active source that is due (or all of them with force), within global and per-host limits.',
    payload: crawlSourcesPayload,
    timeoutMs: 30 * 60_000,
    overlap: 'skip',
    async handler(payload, ctx) {
      const summary = await service.crawlDue(payload, {
        signal: ctx.signal,
        executionId: ctx.executionId,
        log: ctx.log,
        progress: (current, total, message) => ctx.progress(current, total, message),
        count: (delta) => ctx.count(delta),
      });
      ctx.log.info(
        `${summary.sources} sources: ${summary.succeeded} ok, ${summary.notModified} not modified, ${summary.failed} failed, ${summary.articlesNew} new articles`,
      );
      const enrich = await enrichFollowUp(registry, ctx, summary.articlesNew);
      return {
        sources: summary.sources,
        succeeded: summary.succeeded,
        notModified: summary.notModified,
        failed: summary.failed,
        skipped: summary.skipped,
        articlesFound: summary.articlesFound,
        articlesNew: summary.articlesNew,
        outage: summary.outage,
        durationMs: summary.durationMs,
        ...(enrich ? { enrich } : {}),
        results: summary.results.map(line),
      };
    },
  });

  const one = defineTask({
    name: CRAWL_SOURCE_TASK,
    description: 'Crawl one source now, due or not.',
    payload: crawlSourcePayload,
    timeoutMs: 10 * 60_000,
    overlap: 'allow',
    concurrency: 4,
    priority: 5,
    async handler({ sourceId }, ctx) {
      ctx.progress(0, 1, sourceId);
      let result: SourceCrawlResult | undefined;
      try {
        result = await service.crawlOne(sourceId, {
          signal: ctx.signal,
          executionId: ctx.executionId,
          log: ctx.log,
        });
      } catch (err) {
        if (err instanceof NotFoundError) throw new PermanentFailure(err.message);
        throw err;
      }
      if (!result) return { sourceId, skipped: true, reason: 'this source is being crawled right now' };
      ctx.count({ processed: 1, ...(result.status === 'failed' ? { failed: 1 } : { success: 1 }) });
      ctx.progress(1, 1, result.name);
      const enrich = await enrichFollowUp(registry, ctx, result.itemsNew);
      return { ...line(result), ...(enrich ? { enrich } : {}) };
    },
  });
  return [all, one] as TaskDefinition[];
}

/** Triggers crawl.source with a per-source idempotency key: a second trigger returns the active run. */
export function enqueueSourceCrawl(
  engine: TaskEngine,
  sourceId: string,
  opts: Omit<EnqueueOptions, 'idempotencyKey'>,
): Promise<EnqueueResult> {
  return engine.enqueue(CRAWL_SOURCE_TASK, { sourceId }, { ...opts, idempotencyKey: `source:${sourceId}` });
}

export const crawlDefaultSchedule: ScheduleInput = {
  name: CRAWL_SOURCES_TASK,
  task: CRAWL_SOURCES_TASK,
  cron: '0 * * * *',
  description: 'Crawl the sources that are due (each source keeps its own next-check time)',
};
