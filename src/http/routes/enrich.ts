// Enrichment over HTTP: re-process one article or many (by filter), model usage aggregates, and the
// status the dashboard shows (offline or model, models, server host, today's spending, pause reason).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../errors.ts';
import type { EnrichmentState } from '../../store/content-types.ts';
import { localDay, startOfLocalDay } from '../../time.ts';
import { callerOf } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { enqueueResponseSchema, errors, idParams } from '../schemas.ts';
import { enqueueView, iso } from '../views.ts';

const HOUR = 3_600_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const RESETTABLE = ['pending', 'done', 'failed', 'skipped'] as const;

/** An instant: ISO-8601 date-time, or a local day yyyy-MM-dd (its start, or for an end bound its end). */
function timeBound(end: boolean) {
  return z
    .string()
    .transform((value, ctx): Bound => {
      if (DAY_PATTERN.test(value)) return { day: value, end };
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) {
        ctx.addIssue({
          code: 'custom',
          message: 'not an ISO-8601 date-time or a day, e.g. 2026-11-29T08:00:00+08:00 or 2026-11-29',
        });
        return z.NEVER;
      }
      return { ms };
    })
    .describe('ISO-8601 date-time, or a local day yyyy-MM-dd (whole day)');
}

type Bound = { ms: number } | { day: string; end: boolean };

function resolveBound(b: Bound | undefined, tz: string): number | undefined {
  if (!b) return undefined;
  if ('ms' in b) return b.ms;
  const start = startOfLocalDay(b.day, tz);
  return b.end ? startOfLocalDay(localDay(start + 26 * HOUR, tz), tz) : start;
}

const stateList = z
  .union([z.enum(RESETTABLE), z.array(z.enum(RESETTABLE)).min(1)])
  .transform((v) => (Array.isArray(v) ? v : [v]))
  .describe(`Enrichment state(s) to re-process: ${RESETTABLE.join(', ')} (running articles are left alone)`);

const bulkBody = z
  .object({
    ids: z.array(z.string().min(1)).min(1).max(5000).optional().describe('Article ids'),
    state: stateList.optional(),
    sourceId: z.string().min(1).optional(),
    since: timeBound(false).optional().describe('Fetched at or after'),
    until: timeBound(true).optional().describe('Fetched before (a day: up to its end)'),
  })
  .strict()
  .refine((b) => Object.values(b).some((v) => v !== undefined), {
    message: 'give at least one filter (ids, state, sourceId, since, until)',
  });

const usageTotals = {
  calls: z.number(),
  failures: z.number().describe('Calls that failed or answered unusable output'),
  estimatedCalls: z.number().describe('Calls whose server sent no usage (tokens estimated)'),
  promptTokens: z.number(),
  completionTokens: z.number(),
  cachedTokens: z.number(),
  reasoningTokens: z.number(),
  costUsd: z.number(),
};

const usageResponse = z.object({
  groupBy: z.enum(['model', 'source', 'day']),
  from: z.string(),
  to: z.string(),
  timezone: z.string(),
  items: z.array(
    z.object({
      key: z.string().describe('Model name, source id, or local day'),
      label: z.string().describe('Source name when grouped by source'),
      ...usageTotals,
    }),
  ),
  totals: z.object(usageTotals),
});

const stepModels = z.object({
  single: z.string().nullable(),
  translate: z.string().nullable(),
  translateBody: z.string().nullable(),
  summary: z.string().nullable(),
  classify: z.string().nullable(),
  entities: z.string().nullable(),
});

const statusResponse = z.object({
  mode: z.enum(['llm', 'offline', 'misconfigured']),
  problem: z.string().nullable().describe('Why the model cannot be used as configured'),
  baseUrlHost: z.string().nullable().describe('Host of the model server (no path, no credentials)'),
  callMode: z.enum(['single', 'steps']),
  models: stepModels,
  targetLanguage: z.string(),
  promptVersion: z.string(),
  categories: z.array(z.string()),
  budget: z.object({
    day: z.string(),
    spentUsd: z.number(),
    limitUsd: z.number().nullable(),
    remainingUsd: z.number().nullable(),
  }),
  paused: z.object({ reason: z.string(), until: z.string() }).nullable(),
  lastStop: z
    .object({ code: z.string(), message: z.string(), at: z.string(), executionId: z.string() })
    .nullable()
    .describe(
      'The last batch stopped by an error (credentials, model, configuration); cleared by a good run',
    ),
  articles: z.object({
    pending: z.number(),
    running: z.number(),
    done: z.number(),
    failed: z.number(),
    skipped: z.number(),
  }),
});

export const enrichRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { ctx }) => {
  const service = ctx.enrich;
  if (!service) return;
  const tz = ctx.config.timezone;

  app.post(
    '/api/articles/:id/enrich',
    {
      schema: {
        tags: ['enrichment'],
        summary: 'Enrich one article again now (202 with the execution id)',
        params: idParams,
        response: { 202: enqueueResponseSchema, ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!(await service.articleState(id))) throw new NotFoundError('article', id);
      const result = await ctx.engine.enqueue(
        'enrich.article',
        { articleId: id },
        { trigger: 'api', triggeredBy: callerOf(request, ctx.config.apiToken) },
      );
      return reply.code(202).send(enqueueView(result));
    },
  );

  app.post(
    '/api/articles/enrich',
    {
      schema: {
        tags: ['enrichment'],
        summary: 'Re-process articles by filter: reset them to pending and start a batch (202)',
        body: bulkBody,
        response: {
          202: z.object({
            reset: z.number().describe('Articles reset to pending'),
            execution: enqueueResponseSchema
              .nullable()
              .describe('The enrich.articles run; null when nothing was reset'),
          }),
          ...errors(400, 401),
        },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const since = resolveBound(b.since, tz);
      const until = resolveBound(b.until, tz);
      if (since !== undefined && until !== undefined && since >= until) {
        throw new ValidationError('since must be before until', [
          { path: 'since', message: 'must be before until', in: 'body' },
        ]);
      }
      const reset = await service.reprocess({
        ids: b.ids,
        states: b.state as EnrichmentState[] | undefined,
        sourceId: b.sourceId,
        since,
        until,
      });
      if (reset === 0) return reply.code(202).send({ reset, execution: null });
      // A batch already running picks them up too; its overlap policy records this trigger as skipped.
      const result = await ctx.engine.enqueue(
        'enrich.articles',
        {},
        { trigger: 'api', triggeredBy: callerOf(request, ctx.config.apiToken) },
      );
      return reply.code(202).send({ reset, execution: enqueueView(result) });
    },
  );

  app.get(
    '/api/llm/usage',
    {
      schema: {
        tags: ['enrichment'],
        summary: 'Model usage: calls, tokens, failures and cost per model, source or local day',
        querystring: z.object({
          groupBy: z.enum(['model', 'source', 'day']).default('day'),
          from: timeBound(false).optional().describe('Default: 30 local days ago'),
          to: timeBound(true).optional().describe('Default: now'),
        }),
        response: { 200: usageResponse, ...errors(400) },
      },
    },
    async (request) => {
      const now = Date.now();
      const q = request.query;
      const to = resolveBound(q.to, tz) ?? now;
      const from = resolveBound(q.from, tz) ?? startOfLocalDay(localDay(to - 29 * 24 * HOUR, tz), tz);
      if (from >= to) {
        throw new ValidationError('from must be before to', [
          { path: 'from', message: 'must be before to', in: 'querystring' },
        ]);
      }
      const [items, totals] = await Promise.all([
        ctx.store.llmUsage.aggregate({ groupBy: q.groupBy, from, to, timeZone: tz }),
        ctx.store.llmUsage.totals({ from, to }),
      ]);
      return { groupBy: q.groupBy, from: iso(from, tz), to: iso(to, tz), timezone: tz, items, totals };
    },
  );

  app.get(
    '/api/llm/status',
    {
      schema: {
        tags: ['enrichment'],
        summary: 'Enrichment mode, models, model server host, budget spent today, pause and last stop',
        response: { 200: statusResponse },
      },
    },
    async () => {
      const s = await service.status();
      return {
        ...s,
        paused: s.paused && { reason: s.paused.reason, until: iso(s.paused.until, tz) },
        lastStop: s.lastStop && { ...s.lastStop, at: iso(s.lastStop.at, tz) },
      };
    },
  );
};
