// News sources over HTTP: CRUD with validation, enable/disable, per-crawl history, OPML import/export,
// feed discovery, crawl triggers (202 + execution id), and the original system's scheduler endpoints.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkSourceUrl, type CrawlService } from '../../crawl/crawl-service.ts';
import { CRAWL_SOURCE_TASK, CRAWL_SOURCES_TASK, enqueueSourceCrawl } from '../../crawl/tasks.ts';
import { AppError, NotFoundError, ValidationError } from '../../errors.ts';
import type { Source } from '../../store/content-types.ts';
import type { CrawlRun, NewSource } from '../../store/crawl-types.ts';
import { callerOf } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { enqueueResponseSchema, errors, executionPageSchema, idParams, queryInt } from '../schemas.ts';
import { enqueueView, executionListView, iso } from '../views.ts';

const isoTime = z.string().describe('ISO-8601 with the offset of the configured time zone');
const SECRET_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization', 'x-api-key']);
const MASK = '••••';

const httpUrl = z
  .string()
  .max(4000)
  .transform((value, ctx) => {
    try {
      return checkSourceUrl(value);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message.replace(/^url: /, '') });
      return z.NEVER;
    }
  })
  .describe('http(s) URL');

const proxyUrl = z
  .string()
  .max(2000)
  .regex(/^https?:\/\/[^/\s]+/i, 'must be an http(s) proxy URL, e.g. http://proxy:3128')
  .describe('http(s)://[user:pass@]host:port');

const headerName = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
const headers = z
  .record(
    z.string().regex(headerName, 'not a valid header name'),
    z
      .string()
      .max(4000)
      .regex(/^[^\r\n]*$/, 'no line breaks'),
  )
  .refine((h) => Object.keys(h).length <= 30, { message: 'at most 30 headers' })
  .describe('Extra request headers, e.g. Cookie or Referer');

const selectors = z
  .object({
    list: z.string().min(1).max(500).optional().describe('CSS selector of article links on the listing page'),
    title: z.string().min(1).max(500).optional(),
    content: z.string().min(1).max(500).optional(),
  })
  .strict();

const editable = {
  name: z.string().trim().min(1).max(200),
  url: httpUrl,
  type: z.enum(['feed', 'page', 'browser']),
  active: z.boolean(),
  description: z.string().max(2000).nullable(),
  fetchIntervalMinutes: z
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .nullable()
    .describe('Fixed interval in minutes (5 min – 7 days); null = adaptive'),
  maxFetchDays: z
    .number()
    .int()
    .min(0)
    .max(3650)
    .describe('Skip entries older than this many days (0 keeps all)'),
  fullText: z.boolean().describe("Fetch every entry's article page for the full text"),
  useFeedSummary: z.boolean().describe("Use the feed's summary instead of a generated one"),
  useDescriptionAsSummary: z.boolean().describe("Take the entry's description as its summary"),
  selectors: selectors.nullable(),
  headers: headers.nullable(),
  proxy: proxyUrl.nullable(),
};

const createBody = z
  .object({
    name: editable.name,
    url: editable.url,
    type: editable.type.optional(),
    active: editable.active.optional(),
    description: editable.description.optional(),
    fetchIntervalMinutes: editable.fetchIntervalMinutes.optional(),
    maxFetchDays: editable.maxFetchDays.optional(),
    fullText: editable.fullText.optional(),
    useFeedSummary: editable.useFeedSummary.optional(),
    useDescriptionAsSummary: editable.useDescriptionAsSummary.optional(),
    selectors: editable.selectors.optional(),
    headers: editable.headers.optional(),
    proxy: editable.proxy.optional(),
  })
  .strict();

const patchBody = createBody.partial().strict().describe('Fields to change');

const sourceSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  type: z.enum(['feed', 'page', 'browser']),
  active: z.boolean(),
  description: z.string().nullable(),
  fetchIntervalMinutes: z.number().nullable(),
  maxFetchDays: z.number(),
  fullText: z.boolean(),
  useFeedSummary: z.boolean(),
  useDescriptionAsSummary: z.boolean(),
  selectors: z
    .object({ list: z.string().optional(), title: z.string().optional(), content: z.string().optional() })
    .nullable(),
  headers: z.record(z.string(), z.string()).nullable().describe('Values of credential headers are masked'),
  proxy: z.string().nullable().describe('The password is masked'),
  state: z.object({
    etag: z.string().nullable(),
    lastModified: z.string().nullable(),
    lastFetchAt: isoTime.nullable(),
    lastSuccessAt: isoTime.nullable(),
    lastStatus: z.number().nullable(),
    lastMessage: z.string().nullable(),
    lastErrorCode: z
      .string()
      .nullable()
      .describe('Stable code: UPSTREAM_TIMEOUT, UPSTREAM_HTTP_404, TLS, DNS, PARSE, TOO_LARGE, ROBOTS, ...'),
    consecutiveFailures: z.number(),
    failingSince: isoTime.nullable(),
    nextCheckAt: isoTime.nullable(),
    disabledReason: z.string().nullable(),
    pendingRedirect: z
      .object({ url: z.string(), count: z.number() })
      .nullable()
      .describe('A permanent redirect seen on consecutive crawls, not yet applied'),
    itemsFound: z.number(),
    itemsNew: z.number(),
    entriesPerWeek: z.number().nullable(),
  }),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const runSchema = z.object({
  id: z.string(),
  executionId: z.string().nullable(),
  url: z.string(),
  status: z.enum(['ok', 'not_modified', 'failed']),
  httpStatus: z.number().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  itemsFound: z.number(),
  itemsNew: z.number(),
  outage: z.boolean().describe('The failure was not counted: every source failed at once'),
  startedAt: isoTime,
  finishedAt: isoTime,
  durationMs: z.number(),
  log: z.array(z.object({ ts: isoTime, level: z.string(), msg: z.string() })),
});

const discoverySchema = z.object({
  url: z.string(),
  finalUrl: z.string(),
  isFeed: z.boolean().describe('The URL itself is a feed'),
  title: z.string().optional(),
  feeds: z.array(z.object({ url: z.string(), title: z.string().optional(), type: z.string() })),
});

const pageQuery = {
  limit: queryInt(1, 500).default(50),
  offset: queryInt(0, Number.MAX_SAFE_INTEGER).default(0),
};

function maskProxy(proxy: string | null): string | null {
  if (!proxy) return proxy;
  try {
    const u = new URL(proxy);
    if (u.password) u.password = MASK;
    return u.href;
  } catch {
    return proxy;
  }
}

export function sourceView(s: Source, tz: string): z.output<typeof sourceSchema> {
  return {
    id: s.id,
    name: s.name,
    url: s.url,
    type: s.type,
    active: s.active,
    description: s.description,
    fetchIntervalMinutes: s.fetchIntervalMinutes,
    maxFetchDays: s.maxFetchDays,
    fullText: s.fullText,
    useFeedSummary: s.useFeedSummary,
    useDescriptionAsSummary: s.useDescriptionAsSummary,
    selectors: s.selectors,
    headers: s.headers
      ? Object.fromEntries(
          Object.entries(s.headers).map(([k, v]) => [k, SECRET_HEADERS.has(k.toLowerCase()) ? MASK : v]),
        )
      : null,
    proxy: maskProxy(s.proxy),
    state: {
      etag: s.etag,
      lastModified: s.lastModified,
      lastFetchAt: iso(s.lastFetchAt, tz),
      lastSuccessAt: iso(s.lastSuccessAt, tz),
      lastStatus: s.lastStatus,
      lastMessage: s.lastMessage,
      lastErrorCode: s.lastErrorCode,
      consecutiveFailures: s.consecutiveFailures,
      failingSince: iso(s.firstFailureAt, tz),
      nextCheckAt: iso(s.nextCheckAt, tz),
      disabledReason: s.disabledReason,
      pendingRedirect: s.pendingRedirectUrl
        ? { url: s.pendingRedirectUrl, count: s.pendingRedirectCount }
        : null,
      itemsFound: s.itemsFound,
      itemsNew: s.itemsNew,
      entriesPerWeek: s.entriesPerWeek,
    },
    createdAt: iso(s.createdAt, tz),
    updatedAt: iso(s.updatedAt, tz),
  };
}

function runView(r: CrawlRun, tz: string): z.output<typeof runSchema> {
  return {
    id: r.id,
    executionId: r.executionId,
    url: r.url,
    status: r.status,
    httpStatus: r.httpStatus,
    errorCode: r.errorCode,
    errorMessage: r.errorMessage,
    itemsFound: r.itemsFound,
    itemsNew: r.itemsNew,
    outage: r.outage,
    startedAt: iso(r.startedAt, tz),
    finishedAt: iso(r.finishedAt, tz),
    durationMs: r.durationMs,
    log: r.log.map((l) => ({ ts: iso(l.ts, tz), level: l.level, msg: l.msg })),
  };
}

/** A masked credential sent back unchanged by a form keeps the stored value. */
function unmaskHeaders(next: Record<string, string> | null | undefined, stored: Source | undefined) {
  if (!next || !stored?.headers) return next;
  const out = { ...next };
  for (const [k, v] of Object.entries(out)) {
    if (v !== MASK) continue;
    const old = Object.entries(stored.headers).find(([sk]) => sk.toLowerCase() === k.toLowerCase());
    if (old) out[k] = old[1];
  }
  return out;
}

function unmaskProxy(next: string | null | undefined, stored: Source | undefined) {
  if (!next || !stored?.proxy || (!next.includes(MASK) && !next.includes(encodeURIComponent(MASK))))
    return next;
  return maskProxy(stored.proxy) === next ? stored.proxy : next;
}

export const sourceRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { ctx }) => {
  const tz = ctx.config.timezone;
  const view = (s: Source) => sourceView(s, tz);
  const crawl = (): CrawlService => {
    if (!ctx.crawl) throw new AppError('UNAVAILABLE', 'crawling is not wired in this process');
    return ctx.crawl;
  };
  const load = async (id: string) => {
    const s = await ctx.store.sources.get(id);
    if (!s) throw new NotFoundError('source', id);
    return s;
  };

  // OPML arrives as XML; the parser is scoped to this plugin.
  app.addContentTypeParser(
    ['text/xml', 'application/xml', 'text/x-opml', 'text/x-opml+xml', 'application/x-opml+xml'],
    { parseAs: 'string', bodyLimit: 5 * 1024 * 1024 },
    (_req, body, done) => done(null, body),
  );

  app.get(
    '/api/sources',
    {
      schema: {
        tags: ['sources'],
        summary: 'Sources by name, with their crawl state',
        querystring: z.object({
          active: z
            .enum(['true', 'false'])
            .transform((v) => v === 'true')
            .optional(),
          type: editable.type.optional(),
          q: z.string().min(1).max(200).optional().describe('Part of the name or URL'),
          limit: queryInt(1, 5000).default(500),
          offset: pageQuery.offset,
        }),
        response: { 200: z.object({ items: z.array(sourceSchema), total: z.number() }), ...errors(400) },
      },
    },
    async (request) => {
      const page = await ctx.store.sources.list(request.query);
      return { items: page.items.map(view), total: page.total };
    },
  );

  app.post(
    '/api/sources',
    {
      schema: {
        tags: ['sources'],
        summary: 'Add a source; it is due for its first crawl at once',
        body: createBody,
        response: { 201: sourceSchema, ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const created = await ctx.store.sources.create(request.body as NewSource);
      return reply.code(201).send(view(created));
    },
  );

  app.get(
    '/api/sources/opml',
    {
      schema: {
        tags: ['sources'],
        summary: 'Export the feed sources as OPML 2.0',
        response: { 200: z.string() },
      },
    },
    async (_request, reply) => {
      const xml = await crawl().exportOpml();
      return reply
        .type('text/x-opml; charset=utf-8')
        .header('content-disposition', 'attachment; filename="newsdesk-sources.opml"')
        .send(xml);
    },
  );

  app.post(
    '/api/sources/opml',
    {
      schema: {
        tags: ['sources'],
        summary: 'Import sources from OPML (body text/xml, or JSON {opml}); existing URLs are skipped',
        body: z.union([z.string().min(1), z.object({ opml: z.string().min(1) }).strict()]),
        response: {
          200: z.object({
            created: z.number(),
            skipped: z.array(z.object({ url: z.string(), reason: z.string() })),
            items: z.array(sourceSchema),
          }),
          ...errors(400, 401, 413, 415, 422),
        },
      },
    },
    async (request) => {
      const xml = typeof request.body === 'string' ? request.body : request.body.opml;
      const report = await crawl().importOpml(xml);
      return { created: report.created.length, skipped: report.skipped, items: report.created.map(view) };
    },
  );

  app.post(
    '/api/sources/discover',
    {
      schema: {
        tags: ['sources'],
        summary: 'Fetch a site and list the feeds it advertises (or the URL itself when it is a feed)',
        body: z.object({ url: httpUrl }).strict(),
        response: { 200: discoverySchema, ...errors(400, 401, 502) },
      },
    },
    async (request) => crawl().discover(request.body.url),
  );

  app.post(
    '/api/sources/scheduler/crawl-now',
    {
      schema: {
        tags: ['sources'],
        summary: 'Crawl every active source now (crawl.sources with force); 202 with the execution id',
        response: { 202: enqueueResponseSchema, ...errors(401) },
      },
    },
    async (request, reply) => {
      const result = await ctx.engine.enqueue(
        CRAWL_SOURCES_TASK,
        { force: true },
        { trigger: 'api', triggeredBy: callerOf(request, ctx.config.apiToken) },
      );
      return reply.code(202).send(enqueueView(result));
    },
  );

  app.get(
    '/api/sources/scheduler/executions',
    {
      schema: {
        tags: ['sources'],
        summary: 'Crawl executions (crawl.sources and crawl.source), newest first',
        querystring: z.object(pageQuery),
        response: {
          200: executionPageSchema,
          ...errors(400),
        },
      },
    },
    async (request) => {
      const { limit, offset } = request.query;
      // Two task names: take enough of each to cut the merged page.
      const [all, one] = await Promise.all(
        [CRAWL_SOURCES_TASK, CRAWL_SOURCE_TASK].map((task) =>
          ctx.store.executions.list({ task, limit: Math.min(500, limit + offset), offset: 0, listed: true }),
        ),
      );
      const merged = [...all.items, ...one.items].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      return {
        items: merged.slice(offset, offset + limit).map((e) => executionListView(e, tz)),
        total: all.total + one.total,
        limit,
        offset,
      };
    },
  );

  app.get(
    '/api/sources/:id',
    {
      schema: {
        tags: ['sources'],
        summary: 'One source with its crawl state',
        params: idParams,
        response: { 200: sourceSchema.extend({ articles: z.number() }), ...errors(404) },
      },
    },
    async (request) => {
      const s = await load(request.params.id);
      return { ...view(s), articles: await ctx.store.articles.countBySource(s.id) };
    },
  );

  app.patch(
    '/api/sources/:id',
    {
      schema: {
        tags: ['sources'],
        summary: 'Edit a source (a new URL forgets the old validators)',
        params: idParams,
        body: patchBody,
        response: { 200: sourceSchema, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => {
      const stored = await load(request.params.id);
      const body = { ...request.body } as NewSource;
      if (body.headers !== undefined) body.headers = unmaskHeaders(body.headers, stored);
      if (body.proxy !== undefined) body.proxy = unmaskProxy(body.proxy, stored);
      if (Object.keys(body).length === 0)
        throw new ValidationError('nothing to change: send at least one field');
      const updated = await ctx.store.sources.update(stored.id, body);
      if (!updated) throw new NotFoundError('source', stored.id);
      return view(updated);
    },
  );

  app.delete(
    '/api/sources/:id',
    {
      schema: {
        tags: ['sources'],
        summary: 'Delete a source with its articles and history',
        params: idParams,
        response: { 204: z.null(), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      if (!(await ctx.store.sources.delete(request.params.id)))
        throw new NotFoundError('source', request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/sources/:id/enable',
    {
      schema: {
        tags: ['sources'],
        summary: 'Enable a source: clears the failure streak and the disabled reason; due at once',
        params: idParams,
        response: { 200: sourceSchema, ...errors(401, 404) },
      },
    },
    async (request) => {
      const s = await ctx.store.sources.setActive(request.params.id, true);
      if (!s) throw new NotFoundError('source', request.params.id);
      return view(s);
    },
  );

  app.post(
    '/api/sources/:id/disable',
    {
      schema: {
        tags: ['sources'],
        summary: 'Disable a source (kept with its articles; shown with the reason)',
        params: idParams,
        body: z
          .object({ reason: z.string().trim().min(1).max(500).optional() })
          .strict()
          .optional(),
        response: { 200: sourceSchema, ...errors(400, 401, 404) },
      },
    },
    async (request) => {
      const reason = request.body?.reason ?? `disabled by ${callerOf(request, ctx.config.apiToken)}`;
      const s = await ctx.store.sources.setActive(request.params.id, false, reason);
      if (!s) throw new NotFoundError('source', request.params.id);
      return view(s);
    },
  );

  app.get(
    '/api/sources/:id/history',
    {
      schema: {
        tags: ['sources'],
        summary: 'Per-crawl results of a source with their log lines, newest first',
        params: idParams,
        querystring: z.object(pageQuery),
        response: {
          200: z.object({
            items: z.array(runSchema),
            total: z.number(),
            limit: z.number(),
            offset: z.number(),
          }),
          ...errors(400, 404),
        },
      },
    },
    async (request) => {
      const s = await load(request.params.id);
      const { limit, offset } = request.query;
      const page = await ctx.store.sources.listRuns(s.id, { limit, offset });
      return { items: page.items.map((r) => runView(r, tz)), total: page.total, limit, offset };
    },
  );

  app.post(
    '/api/sources/:id/crawl',
    {
      schema: {
        tags: ['sources'],
        summary:
          'Crawl this source now (crawl.source); a second trigger while it runs returns the same execution',
        params: idParams,
        response: { 202: enqueueResponseSchema, ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const s = await load(request.params.id);
      const result = await enqueueSourceCrawl(ctx.engine, s.id, {
        trigger: 'api',
        triggeredBy: callerOf(request, ctx.config.apiToken),
      });
      return reply.code(202).send(enqueueView(result));
    },
  );
};
