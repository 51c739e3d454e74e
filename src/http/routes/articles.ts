// Articles over HTTP: the news-page list (sources in/out, since a time or the last digest, title search,
// enrichment state, category; keyset or offset pages) and the detail with body, enrichment and token usage.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.ts';
import type { ArticleSummary } from '../../store/crawl-types.ts';
import type { RouteDeps } from '../deps.ts';
import { commaSeparated, errors, idParams, isoInstant, queryInt } from '../schemas.ts';
import { iso } from '../views.ts';

const isoTime = z.string().describe('ISO-8601 with the offset of the configured time zone');
const STATES = ['pending', 'running', 'done', 'failed', 'skipped'] as const;

const idList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .refine((ids) => ids.length > 0 && ids.length <= 500, { message: 'give 1 to 500 comma-separated ids' })
  .describe('Comma-separated source ids');

const stateList = commaSeparated(STATES, 'enrichment state');

const listQuery = z.object({
  sourceId: idList.optional().describe('Only these sources (comma-separated ids)'),
  excludeSourceId: idList.optional().describe('Leave out these sources (comma-separated ids)'),
  since: isoInstant.optional().describe('Fetched at or after'),
  until: isoInstant.optional().describe('Fetched before'),
  sinceLastDigest: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('Only articles fetched since the latest digest was created (all when there is none)'),
  q: z.string().trim().min(1).max(200).optional().describe('Part of the title or the translated title'),
  state: stateList.optional(),
  category: z.string().min(1).max(200).optional(),
  excludeCategory: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0 && list.length <= 50, {
      message: 'give 1 to 50 comma-separated categories',
    })
    .optional()
    .describe('Leave out these categories (comma-separated); articles not classified yet stay'),
  hideDuplicates: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('Leave out copies of an article another source published first'),
  limit: queryInt(1, 500).default(50),
  cursor: z.string().min(1).max(200).optional().describe('nextCursor of the previous page'),
  offset: queryInt(0, 1_000_000).default(0).describe('Ignored when a cursor is given'),
});

const enrichmentSchema = z.object({
  state: z.enum(STATES),
  mode: z.string().nullable(),
  translation: z.string().nullable(),
  promptVersion: z.string().nullable(),
  attempts: z.number(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  nextRetryAt: isoTime.nullable(),
  skipReason: z.string().nullable(),
  enrichedAt: isoTime.nullable(),
});

const articleSchema = z.object({
  id: z.string(),
  sourceId: z.string(),
  sourceName: z.string(),
  url: z.string(),
  canonicalUrl: z.string(),
  guid: z.string().nullable(),
  title: z.string(),
  titleZh: z.string().nullable(),
  author: z.string().nullable(),
  feedSummary: z.string().nullable(),
  summary: z.string().nullable(),
  summarySource: z.string().nullable(),
  language: z.string().nullable(),
  category: z.string().nullable(),
  entities: z.array(z.object({ type: z.string(), value: z.string() })),
  cves: z.array(z.string()),
  importance: z.number().nullable(),
  publishedAt: isoTime.nullable(),
  fetchedAt: isoTime,
  duplicateOf: z
    .string()
    .nullable()
    .describe('The earlier article with the same canonical URL from another source'),
  eventId: z.string().nullable(),
  enrichment: enrichmentSchema,
});

const totalsSchema = z.object({
  calls: z.number(),
  failures: z.number(),
  estimatedCalls: z.number(),
  promptTokens: z.number(),
  completionTokens: z.number(),
  cachedTokens: z.number(),
  reasoningTokens: z.number(),
  costUsd: z.number(),
});

const usageSchema = z.object({
  totals: totalsSchema,
  bySteps: z.record(z.string(), totalsSchema),
  calls: z.array(
    z.object({
      step: z.string(),
      model: z.string(),
      outcome: z.string(),
      errorCode: z.string().nullable(),
      promptTokens: z.number(),
      completionTokens: z.number(),
      cachedTokens: z.number(),
      reasoningTokens: z.number(),
      costUsd: z.number().nullable(),
      latencyMs: z.number(),
      at: isoTime,
    }),
  ),
});

const detailSchema = articleSchema.extend({
  contentHtml: z.string().nullable().describe('Sanitised HTML'),
  contentText: z.string().nullable(),
  usage: usageSchema.nullable().describe('Model calls made for this article, per step'),
});

function articleView(a: ArticleSummary, tz: string): z.output<typeof articleSchema> {
  const e = a.enrichment;
  return {
    id: a.id,
    sourceId: a.sourceId,
    sourceName: a.sourceName,
    url: a.url,
    canonicalUrl: a.canonicalUrl,
    guid: a.guid,
    title: a.title,
    titleZh: e.titleZh,
    author: a.author,
    feedSummary: a.feedSummary,
    summary: e.summary,
    summarySource: e.summarySource,
    language: e.language,
    category: e.category,
    entities: e.entities,
    cves: e.cves,
    importance: e.importance,
    publishedAt: iso(a.publishedAt, tz),
    fetchedAt: iso(a.fetchedAt, tz),
    duplicateOf: a.duplicateOf,
    eventId: a.eventId,
    enrichment: {
      state: e.state,
      mode: e.mode,
      translation: e.translation,
      promptVersion: e.promptVersion,
      attempts: e.attempts,
      errorCode: e.errorCode,
      errorMessage: e.errorMessage,
      nextRetryAt: iso(e.nextRetryAt, tz),
      skipReason: e.skipReason,
      enrichedAt: iso(e.enrichedAt, tz),
    },
  };
}

export const articleRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { ctx }) => {
  const tz = ctx.config.timezone;

  app.get(
    '/api/articles',
    {
      schema: {
        tags: ['articles'],
        summary: 'Articles, newest fetched first, with filters; follow nextCursor for the next page',
        querystring: listQuery,
        response: {
          200: z.object({
            items: z.array(articleSchema),
            total: z.number(),
            nextCursor: z.string().nullable(),
            limit: z.number(),
            since: isoTime
              .nullable()
              .describe('The lower time bound applied (from since or the last digest)'),
          }),
          ...errors(400),
        },
      },
    },
    async (request) => {
      const q = request.query;
      let since = q.since;
      if (q.sinceLastDigest) {
        const latest = (await ctx.store.digests.list({ limit: 1 })).items[0];
        if (latest) since = Math.max(since ?? 0, latest.createdAt);
      }
      const page = await ctx.store.articles.list({
        sourceIds: q.sourceId,
        excludeSourceIds: q.excludeSourceId,
        since,
        until: q.until,
        q: q.q,
        enrichState: q.state,
        category: q.category,
        excludeCategories: q.excludeCategory,
        hideDuplicates: q.hideDuplicates,
        limit: q.limit,
        cursor: q.cursor,
        offset: q.offset,
      });
      return {
        items: page.items.map((a) => articleView(a, tz)),
        total: page.total ?? 0,
        nextCursor: page.nextCursor,
        limit: q.limit,
        since: iso(since ?? null, tz),
      };
    },
  );

  app.get(
    '/api/articles/:id',
    {
      schema: {
        tags: ['articles'],
        summary: 'One article: body, every enrichment field and state, and the token usage per step',
        params: idParams,
        response: { 200: detailSchema, ...errors(404) },
      },
    },
    async (request) => {
      const a = await ctx.store.articles.get(request.params.id);
      if (!a) throw new NotFoundError('article', request.params.id);
      const usage = ctx.store.llmUsage ? await ctx.store.llmUsage.usageForArticle(a.id) : null;
      return {
        ...articleView(a, tz),
        contentHtml: a.contentHtml,
        contentText: a.contentText,
        usage: usage && {
          totals: usage.totals,
          bySteps: usage.bySteps,
          calls: usage.calls.map((c) => ({
            step: c.step,
            model: c.model,
            outcome: c.outcome,
            errorCode: c.errorCode,
            promptTokens: c.promptTokens,
            completionTokens: c.completionTokens,
            cachedTokens: c.cachedTokens,
            reasoningTokens: c.reasoningTokens,
            costUsd: c.costUsd,
            latencyMs: c.latencyMs,
            at: iso(c.at, tz),
          })),
        },
      };
    },
  );
};
