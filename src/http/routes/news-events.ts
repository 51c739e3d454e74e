// News events over HTTP: the JSON list behind GET /api/events (the same path serves the execution event
// stream to clients that accept text/event-stream, see events.ts) and GET /api/events/{id} with members.
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../../app-context.ts';
import { NotFoundError } from '../../errors.ts';
import type { EventListItem } from '../../store/events-types.ts';
import type { RouteDeps } from '../deps.ts';
import { errors, idParams } from '../schemas.ts';
import type { EventsListRoute } from './events.ts';
import { iso } from '../views.ts';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_WINDOW_MS = 366 * 86_400_000;
const DEFAULT_WINDOW_MS = 72 * 3_600_000;

/** "72h", "3d", "90m" → milliseconds. */
const windowParam = z
  .string()
  .transform((value, ctx) => {
    const m = /^(\d{1,6})([mhd])$/.exec(value.trim());
    const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : NaN;
    if (!(ms > 0 && ms <= MAX_WINDOW_MS)) {
      ctx.addIssue({ code: 'custom', message: 'a duration like 72h, 3d or 90m (at most 366d)' });
      return z.NEVER;
    }
    return ms;
  })
  .describe('How far back an event must have been last seen: e.g. 72h (default: the grouping window), 7d');

const listQuery = z.object({
  window: windowParam.optional(),
  category: z.string().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  task: z.string().optional().describe('Stream only: execution events of this task'),
});

const isoTime = z.string().describe('ISO-8601 with the offset of the configured time zone');
const sourceSchema = z.object({ id: z.string(), name: z.string() });

const eventSchema = z.object({
  id: z.string(),
  label: z.string().describe('Representative title'),
  category: z.string().nullable(),
  firstSeenAt: isoTime,
  lastSeenAt: isoTime,
  articleCount: z.number(),
  sourceCount: z.number(),
  cves: z.array(z.string()),
  sources: z.array(sourceSchema),
});

const listSchema = z.object({
  items: z.array(eventSchema),
  total: z.number(),
  limit: z.number(),
  offset: z.number(),
  windowHours: z.number(),
});

const memberSchema = z.object({
  articleId: z.string(),
  title: z.string().describe('Chinese title when enriched, otherwise the original'),
  originalTitle: z.string(),
  url: z.string(),
  source: sourceSchema,
  publishedAt: isoTime.nullable(),
  fetchedAt: isoTime,
  nearDuplicateOf: z.string().nullable().describe('The earlier article this one is a near-duplicate of'),
});

const detailSchema = eventSchema.extend({ members: z.array(memberSchema) });

function eventView(e: EventListItem, tz: string): z.output<typeof eventSchema> {
  return {
    id: e.id,
    label: e.label,
    category: e.category,
    firstSeenAt: iso(e.firstSeenAt, tz),
    lastSeenAt: iso(e.lastSeenAt, tz),
    articleCount: e.articleCount,
    sourceCount: e.sourceCount,
    cves: e.cves,
    sources: e.sources,
  };
}

/** The JSON list handler plugged into GET /api/events. */
export function newsEventsList(ctx: AppContext): EventsListRoute {
  const tz = ctx.config.timezone;
  return {
    querystring: listQuery,
    response: { 200: listSchema, ...errors(400) },
    async handler(request: FastifyRequest) {
      const q = request.query as z.output<typeof listQuery>;
      const windowMs = q.window ?? ctx.events?.windowMs ?? DEFAULT_WINDOW_MS;
      const { items, total } = await ctx.store.events.list({
        since: Date.now() - windowMs,
        category: q.category,
        limit: q.limit,
        offset: q.offset,
      });
      return {
        items: items.map((e) => eventView(e, tz)),
        total,
        limit: q.limit,
        offset: q.offset,
        windowHours: windowMs / 3_600_000,
      };
    },
  };
}

export const newsEventRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { ctx }) => {
  const tz = ctx.config.timezone;
  app.get(
    '/api/events/:id',
    {
      schema: {
        tags: ['events'],
        summary: 'One news event with its member articles (a merged id resolves to the surviving event)',
        params: idParams,
        response: { 200: detailSchema, ...errors(404) },
      },
    },
    async (request) => {
      const event = await ctx.store.events.detail(request.params.id);
      if (!event) throw new NotFoundError('event', request.params.id);
      return {
        ...eventView(event, tz),
        members: event.members.map((m) => ({
          articleId: m.articleId,
          title: m.titleZh?.trim() ? m.titleZh : m.title,
          originalTitle: m.title,
          url: m.url,
          source: { id: m.sourceId, name: m.sourceName },
          publishedAt: iso(m.publishedAt, tz),
          fetchedAt: iso(m.fetchedAt, tz),
          nearDuplicateOf: m.nearDupOf,
        })),
      };
    },
  );
};
