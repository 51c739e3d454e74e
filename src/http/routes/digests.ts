// Daily digests over HTTP: create (from a selection or automatically), list, read, edit, delete; the
// rendered outputs (.md, .html, .pdf); repeat check and delivery as tracked tasks (202 + execution id);
// delivery attempts; the optional public HTML page.
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contentDisposition, type DigestFormat } from '../../digest/file-names.ts';
import { isValidDay } from '../../digest/from-articles.ts';
import { displayTitle } from '../../digest/model.ts';
import { publicPath, type DigestService } from '../../digest/digest-service.ts';
import type {
  DeliveryAttemptRecord,
  DigestHeader,
  DigestRecord,
  RepeatFlagRecord,
} from '../../store/digest-types.ts';
import { callerOf } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { enqueueResponseSchema, errors, idParams, queryInt } from '../schemas.ts';
import { enqueueView, iso } from '../views.ts';
import { channelRoutes } from './channels.ts';

const isoTime = z.string().describe('ISO-8601 with the offset of the configured time zone');
const day = z
  .string()
  .refine(isValidDay, { message: 'expected a calendar day as yyyy-MM-dd' })
  .describe("The digest's own local day, yyyy-MM-dd");
const text = (max: number) => z.string().max(max);

const linkSchema = z.object({ url: z.string(), source: z.string() });

const flagSchema = z.object({
  reason: z.string().describe('same_article | near_duplicate | same_event'),
  score: z.number(),
  detail: z.string(),
  confirmedByJudge: z.boolean(),
  matchedDigestId: z.string(),
  matchedDigestDate: z.string(),
  matchedItemId: z.string(),
  matchedArticleId: z.string(),
  matchedTitle: z.string(),
});

const itemSchema = z.object({
  id: z.string(),
  articleId: z.string(),
  eventId: z.string().nullable(),
  category: z.string(),
  section: z.string().describe('The section the item renders in'),
  title: z.string(),
  summary: z.string(),
  links: z.array(linkSchema),
  order: z.number(),
  repeat: flagSchema.nullable().describe('Set when the last repeat check found this item in a recent digest'),
});

const statusSchema = z.enum(['draft', 'checked', 'delivered', 'delivery_failed']);

const summarySchema = z.object({
  id: z.string(),
  date: z.string(),
  title: z.string().describe('Edited title; empty means the default'),
  displayTitle: z.string(),
  intro: z.string(),
  status: statusSchema,
  revision: z.number(),
  itemCount: z.number(),
  checkedAt: isoTime.nullable(),
  checkStale: z.boolean().describe('Edited since the last repeat check (or never checked)'),
  deliveredAt: isoTime.nullable(),
  public: z.object({ enabled: z.boolean(), path: z.string().nullable(), url: z.string().nullable() }),
  outputs: z.object({ markdown: z.string(), html: z.string(), pdf: z.string() }),
  createdAt: isoTime,
  updatedAt: isoTime,
});

const channelDeliverySchema = z.object({
  channel: z.string(),
  channelType: z.string().nullable(),
  ok: z.boolean(),
  attempts: z.number(),
  status: z.number().nullable(),
  error: z.string().nullable(),
  lastAt: isoTime,
});

const digestSchema = summarySchema.extend({
  items: z.array(itemSchema),
  flags: z.number().describe('Items flagged by the last repeat check'),
  delivery: z
    .array(channelDeliverySchema)
    .describe('Per channel: the outcome of its latest delivery (attempts of that run)'),
});

const attemptSchema = z.object({
  id: z.string(),
  executionId: z.string().nullable(),
  channelId: z.string().nullable(),
  channel: z.string(),
  channelType: z.string().nullable(),
  attempt: z.number(),
  ok: z.boolean(),
  status: z.number().nullable(),
  response: z.string().nullable(),
  error: z
    .object({
      type: z.string(),
      kind: z.string(),
      code: z.string().optional(),
      message: z.string(),
      retryable: z.boolean(),
    })
    .nullable(),
  nextRetryInMs: z.number().nullable(),
  at: isoTime,
  durationMs: z.number(),
});

const itemEdit = z.union([
  z
    .object({
      id: z.string().min(1),
      title: text(500).optional(),
      summary: text(10_000).optional(),
      category: z.string().min(1).optional(),
    })
    .strict(),
  z
    .object({
      articleId: z.string().min(1),
      title: text(500).optional(),
      summary: text(10_000).optional(),
      category: z.string().min(1).optional(),
    })
    .strict(),
]);

const createBody = z
  .object({
    date: day.optional().describe('Required with articleIds; default today with auto'),
    articleIds: z.array(z.string().min(1)).max(500).optional().describe('The selection, in order'),
    auto: z.literal(true).optional().describe('Select automatically instead (since the previous digest)'),
    title: text(200).optional(),
    intro: text(5000).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if ((b.articleIds === undefined) === (b.auto === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['articleIds'], message: 'give either articleIds or auto: true' });
    }
    if (b.articleIds !== undefined && b.date === undefined) {
      ctx.addIssue({ code: 'custom', path: ['date'], message: 'required with articleIds' });
    }
  });

const patchBody = z
  .object({
    title: text(200).optional(),
    intro: text(5000).optional(),
    items: z.array(itemEdit).max(500).optional().describe('The full new item list, in order'),
    public: z.boolean().optional().describe('Public HTML link on (new secret token) or off'),
  })
  .strict();

const listQuery = z.object({
  latest: z.enum(['1', 'true', '0', 'false']).optional().describe('1: only the newest digest'),
  date: day.optional(),
  limit: queryInt(1, 200).default(50),
  offset: queryInt(0, 1_000_000).default(0),
});

const deliverBody = z
  .object({
    channels: z
      .array(z.string().min(1))
      .min(1)
      .max(50)
      .optional()
      .describe('Names or ids; default all enabled'),
  })
  .strict();

function summaryView(service: DigestService, d: DigestHeader, tz: string): z.output<typeof summarySchema> {
  const base = `/api/digests/${d.id}`;
  return {
    id: d.id,
    date: d.date,
    title: d.title,
    displayTitle: displayTitle(d),
    intro: d.intro,
    status: d.status,
    revision: d.revision,
    itemCount: d.itemCount,
    checkedAt: iso(d.checkedAt, tz),
    checkStale: d.checkedRevision !== d.revision,
    deliveredAt: iso(d.deliveredAt, tz),
    public: {
      enabled: d.publicToken !== null,
      path: d.publicToken ? publicPath(d.publicToken) : null,
      url: service.publicUrl(d) ?? null,
    },
    outputs: { markdown: `${base}.md`, html: `${base}.html`, pdf: `${base}.pdf` },
    createdAt: iso(d.createdAt, tz),
    updatedAt: iso(d.updatedAt, tz),
  };
}

/** Latest run per channel: the attempts since its last first attempt. */
function deliverySummary(
  attempts: DeliveryAttemptRecord[],
  tz: string,
): z.output<typeof channelDeliverySchema>[] {
  const latest = new Map<string, DeliveryAttemptRecord>();
  for (const a of attempts) latest.set(a.channelId ?? a.channelName, a);
  return [...latest.values()].map((a) => ({
    channel: a.channelName,
    channelType: a.channelType,
    ok: a.ok,
    attempts: a.attempt,
    status: a.status,
    error: a.error?.message ?? null,
    lastAt: iso(a.at, tz),
  }));
}

function flagView(f: RepeatFlagRecord): z.output<typeof flagSchema> {
  return {
    reason: f.reason,
    score: f.score,
    detail: f.detail,
    confirmedByJudge: f.confirmedByJudge,
    matchedDigestId: f.matchedDigestId,
    matchedDigestDate: f.matchedDigestDate,
    matchedItemId: f.matchedItemId,
    matchedArticleId: f.matchedArticleId,
    matchedTitle: f.matchedTitle,
  };
}

async function digestView(
  service: DigestService,
  d: DigestRecord,
  tz: string,
): Promise<z.output<typeof digestSchema>> {
  const [flags, attempts] = await Promise.all([service.repeatFlags(d.id), service.deliveryAttempts(d.id)]);
  const byItem = new Map(flags.map((f) => [f.itemId, f]));
  return {
    ...summaryView(service, d, tz),
    items: d.items.map((i) => {
      const flag = byItem.get(i.id);
      return { ...i, section: service.sectionOf(i.category), repeat: flag ? flagView(flag) : null };
    }),
    flags: flags.length,
    delivery: deliverySummary(attempts, tz),
  };
}

function attemptView(a: DeliveryAttemptRecord, tz: string): z.output<typeof attemptSchema> {
  return {
    id: a.id,
    executionId: a.executionId,
    channelId: a.channelId,
    channel: a.channelName,
    channelType: a.channelType,
    attempt: a.attempt,
    ok: a.ok,
    status: a.status,
    response: a.response,
    error: a.error,
    nextRetryInMs: a.nextRetryInMs,
    at: iso(a.at, tz),
    durationMs: a.durationMs,
  };
}

function sendFile(
  reply: FastifyReply,
  date: string,
  format: DigestFormat,
  type: string,
  body: string | Buffer,
) {
  return reply
    .header('content-type', type)
    .header(
      'content-disposition',
      contentDisposition(date, format, format === 'pdf' ? 'attachment' : 'inline'),
    )
    .header('cache-control', 'no-cache')
    .send(body);
}

const fileSchema = (summary: string, type: string) => ({
  tags: ['digests'],
  summary,
  params: idParams,
  response: { 200: z.any().describe(type), ...errors(404) },
});

export const digestRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, deps) => {
  const { ctx } = deps;
  const service = ctx.digests;
  if (!service) return;
  const tz = ctx.config.timezone;

  app.post(
    '/api/digests',
    {
      schema: {
        tags: ['digests'],
        summary: 'Create a digest from selected articles (in order), or by automatic selection',
        body: createBody,
        response: { 201: digestSchema, ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const d = b.auto
        ? await (async () => {
            const built = (await service.buildDigest({ date: b.date })).digest;
            return b.title !== undefined || b.intro !== undefined
              ? service.editDigest(built.id, { title: b.title, intro: b.intro })
              : built;
          })()
        : await service.createDigest({
            date: b.date!,
            articleIds: b.articleIds!,
            title: b.title,
            intro: b.intro,
          });
      return reply.code(201).send(await digestView(service, d, tz));
    },
  );

  app.get(
    '/api/digests',
    {
      schema: {
        tags: ['digests'],
        summary: 'Digests, newest first (by date, then creation); ?latest=1 for the newest only',
        querystring: listQuery,
        response: { 200: z.object({ items: z.array(summarySchema), total: z.number() }), ...errors(400) },
      },
    },
    async (request) => {
      const q = request.query;
      const latest = q.latest === '1' || q.latest === 'true';
      const page = await service.listDigests({
        date: q.date,
        limit: latest ? 1 : q.limit,
        offset: latest ? 0 : q.offset,
      });
      return { items: page.items.map((d) => summaryView(service, d, tz)), total: page.total };
    },
  );

  app.get(
    '/api/digests/:id',
    {
      schema: {
        tags: ['digests'],
        summary: 'One digest with its items, repeat flags and the latest delivery per channel',
        params: idParams,
        response: { 200: digestSchema, ...errors(404) },
      },
    },
    async (request) => digestView(service, await service.getDigest(request.params.id), tz),
  );

  app.patch(
    '/api/digests/:id',
    {
      schema: {
        tags: ['digests'],
        summary:
          'Edit title, intro, items (order, add, remove, text) or the public link; outputs are rebuilt',
        params: idParams,
        body: patchBody,
        response: { 200: digestSchema, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => digestView(service, await service.editDigest(request.params.id, request.body), tz),
  );

  app.delete(
    '/api/digests/:id',
    {
      schema: {
        tags: ['digests'],
        summary: 'Delete a digest, its flags, delivery records and rendered files',
        params: idParams,
        response: { 204: z.null(), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      await service.deleteDigest(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/digests/:id.md',
    { schema: fileSchema('The digest in the house Markdown format', 'text/markdown') },
    async (request, reply) => {
      const d = await service.getDigest(request.params.id);
      return sendFile(reply, d.date, 'md', 'text/markdown; charset=utf-8', service.markdown(d));
    },
  );

  app.get(
    '/api/digests/:id.html',
    { schema: fileSchema('The digest as a standalone HTML page', 'text/html') },
    async (request, reply) => {
      const d = await service.getDigest(request.params.id);
      return sendFile(reply, d.date, 'html', 'text/html; charset=utf-8', service.html(d));
    },
  );

  app.get(
    '/api/digests/:id.pdf',
    {
      schema: {
        ...fileSchema(
          'The digest as PDF (printed by Chromium, cached until the next edit)',
          'application/pdf',
        ),
        querystring: z.object({ layout: z.enum(['a4', 'single-page']).optional() }),
        response: { 200: z.any().describe('application/pdf'), ...errors(400, 404, 503) },
      },
    },
    async (request, reply) => {
      const ac = new AbortController();
      const onClose = () => {
        if (!reply.sent) ac.abort(new Error('client went away'));
      };
      request.raw.once('close', onClose);
      try {
        const { data } = await service.pdf(request.params.id, {
          layout: request.query.layout,
          signal: ac.signal,
        });
        const d = await service.getDigest(request.params.id);
        return sendFile(reply, d.date, 'pdf', 'application/pdf', data);
      } finally {
        request.raw.off('close', onClose);
      }
    },
  );

  app.post(
    '/api/digests/:id/check',
    {
      schema: {
        tags: ['digests'],
        summary: 'Run the repeat check (202 with the execution id; results appear on the digest)',
        params: idParams,
        response: { 202: enqueueResponseSchema, ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const d = await service.getDigest(request.params.id);
      const result = await ctx.engine.enqueue(
        'digest.check',
        { digestId: d.id },
        {
          trigger: 'api',
          triggeredBy: callerOf(request, ctx.config.apiToken),
          idempotencyKey: `digest.check:${d.id}`,
        },
      );
      return reply.code(202).send(enqueueView(result));
    },
  );

  app.post(
    '/api/digests/:id/deliver',
    {
      schema: {
        tags: ['digests'],
        summary: 'Deliver to the channels (202 with the execution id; attempts appear on the digest)',
        params: idParams,
        body: deliverBody,
        response: { 202: enqueueResponseSchema, ...errors(400, 401, 404) },
      },
      // A bare POST (no body) delivers to every enabled channel.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const d = await service.getDigest(request.params.id);
      const channels = request.body.channels;
      // Refuse unknown channel names now rather than in a failed execution.
      await service.channels.targets(channels);
      const result = await ctx.engine.enqueue(
        'digest.deliver',
        { digestId: d.id, ...(channels ? { channels } : {}) },
        {
          trigger: 'api',
          triggeredBy: callerOf(request, ctx.config.apiToken),
          // A second click while a delivery runs joins it; a different channel list is its own delivery.
          idempotencyKey: `digest.deliver:${d.id}:${channels ? [...channels].sort().join(',') : '*'}`,
        },
      );
      return reply.code(202).send(enqueueView(result));
    },
  );

  app.get(
    '/api/digests/:id/deliveries',
    {
      schema: {
        tags: ['digests'],
        summary: 'Every delivery attempt of the digest, oldest first',
        params: idParams,
        response: { 200: z.object({ items: z.array(attemptSchema) }), ...errors(404) },
      },
    },
    async (request) => ({
      items: (await service.deliveryAttempts(request.params.id)).map((a) => attemptView(a, tz)),
    }),
  );

  app.get(
    '/public/digests/:token.html',
    {
      schema: {
        tags: ['digests'],
        summary: 'Public HTML page of a digest whose public link is on',
        params: z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a digest link') }),
        response: { 200: z.any().describe('text/html'), ...errors(400, 404) },
      },
    },
    async (request, reply) => {
      const html = await service.publicHtml(request.params.token);
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('x-robots-tag', 'noindex')
        .header('referrer-policy', 'no-referrer')
        .send(html);
    },
  );

  await app.register(channelRoutes, deps);
};
