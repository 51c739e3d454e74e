// Execution history and control: list with filters, one record, its logs, cancel, stats.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.ts';
import type { RouteDeps } from '../deps.ts';
import {
  commaSeparated,
  errors,
  executionPageSchema,
  executionSchema,
  executionStatusSchema,
  idParams,
  isoInstant,
  queryInt,
  triggerSchema,
} from '../schemas.ts';
import { executionListView, executionView, iso } from '../views.ts';

const STATUSES = executionStatusSchema.options;

const statusList = commaSeparated(STATUSES, 'status');

const listQuery = z.object({
  task: z.string().min(1).optional(),
  status: statusList.optional(),
  trigger: triggerSchema.optional(),
  scheduleId: z.string().min(1).optional(),
  from: isoInstant.optional().describe('Created at or after (ISO-8601)'),
  to: isoInstant.optional().describe('Created before (ISO-8601)'),
  limit: queryInt(1, 500).default(50),
  offset: queryInt(0, Number.MAX_SAFE_INTEGER).default(0),
});

const logLineSchema = z.object({
  id: z.number().nullable(),
  ts: z.string(),
  level: z.string(),
  msg: z.string(),
  data: z.unknown().optional(),
});

const statsRowSchema = z.object({
  task: z.string(),
  status: executionStatusSchema,
  count: z.number(),
  avgDurationMs: z.number().nullable(),
  maxDurationMs: z.number().nullable(),
});

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const windowParam = z
  .string()
  .regex(/^\d+(s|m|h|d)$/, 'use a number and a unit: 30m, 24h, 7d')
  .default('24h')
  .describe('How far back: 30m, 24h, 7d');

export function windowMs(window: string): number {
  const unit = window.slice(-1);
  return Number(window.slice(0, -1)) * UNIT_MS[unit];
}

export const executionRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { ctx }) => {
  const tz = ctx.config.timezone;
  const load = async (id: string) => {
    const execution = await ctx.store.executions.get(id);
    if (!execution) throw new NotFoundError('execution', id);
    return execution;
  };

  app.get(
    '/api/executions',
    {
      schema: {
        tags: ['executions'],
        summary: 'Execution history, newest first',
        querystring: listQuery,
        response: {
          200: executionPageSchema,
          ...errors(400),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await ctx.store.executions.list({
        task: q.task,
        status: q.status,
        trigger: q.trigger,
        scheduleId: q.scheduleId,
        from: q.from,
        to: q.to,
        limit: q.limit,
        offset: q.offset,
        listed: true,
      });
      return {
        items: page.items.map((e) => executionListView(e, tz)),
        total: page.total,
        limit: q.limit,
        offset: q.offset,
      };
    },
  );

  app.get(
    '/api/executions/stats',
    {
      schema: {
        tags: ['executions'],
        summary: 'Counts and durations per task and status over a window',
        querystring: z.object({ window: windowParam }),
        response: {
          200: z.object({
            window: z.string(),
            from: z.string(),
            to: z.string(),
            items: z.array(statsRowSchema),
          }),
          ...errors(400),
        },
      },
    },
    async (request) => {
      const now = Date.now();
      const from = now - windowMs(request.query.window);
      const rows = await ctx.store.executions.stats(from);
      return { window: request.query.window, from: iso(from, tz), to: iso(now, tz), items: rows };
    },
  );

  app.get(
    '/api/executions/:id',
    {
      schema: {
        tags: ['executions'],
        summary: 'One execution',
        params: idParams,
        response: { 200: executionSchema, ...errors(404) },
      },
    },
    async (request) => executionView(await load(request.params.id), tz),
  );

  app.get(
    '/api/executions/:id/logs',
    {
      schema: {
        tags: ['executions'],
        summary: 'Log lines stored with an execution, oldest first; page with afterId',
        params: idParams,
        querystring: z.object({
          afterId: queryInt(0, Number.MAX_SAFE_INTEGER).optional(),
          limit: queryInt(1, 1000).default(200),
        }),
        response: {
          200: z.object({ items: z.array(logLineSchema), nextAfterId: z.number().nullable() }),
          ...errors(400, 404),
        },
      },
    },
    async (request) => {
      await load(request.params.id);
      const lines = await ctx.store.executions.listLogs(request.params.id, {
        afterId: request.query.afterId,
        limit: request.query.limit,
      });
      const items = lines.map((l) => ({
        id: l.id ?? null,
        ts: iso(l.ts, tz),
        level: l.level,
        msg: l.msg,
        ...(l.data !== undefined && l.data !== null ? { data: l.data } : {}),
      }));
      const last = lines.at(-1)?.id;
      return { items, nextAfterId: lines.length === request.query.limit && last != null ? last : null };
    },
  );

  app.post(
    '/api/executions/:id/cancel',
    {
      schema: {
        tags: ['executions'],
        summary: 'Cancel a queued or running execution (409 when it already finished)',
        params: idParams,
        response: { 202: executionSchema, ...errors(401, 404, 409) },
      },
    },
    async (request, reply) => {
      const execution = await ctx.engine.cancel(request.params.id);
      return reply.code(202).send(executionView(execution, tz));
    },
  );
};
