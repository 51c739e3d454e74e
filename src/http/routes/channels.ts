// Delivery channels (Feishu, DingTalk, Slack-compatible, generic webhook, e-mail): CRUD with every secret
// masked in responses. A bad config is a 400 naming the field (config.<key>).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChannelView } from '../../digest/channel-service.ts';
import type { DigestService } from '../../digest/digest-service.ts';
import { CHANNEL_TYPES } from '../../digest/delivery/channels.ts';
import type { RouteDeps } from '../deps.ts';
import { errors, idParams } from '../schemas.ts';
import { iso } from '../views.ts';

const channelSchema = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  enabled: z.boolean(),
  description: z.string().nullable(),
  config: z
    .record(z.string(), z.unknown())
    .describe('Secrets, URLs with tokens and header values are masked'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const name = z.string().trim().min(1).max(200);
const description = z.string().max(2000).nullable();
const config = z.record(z.string(), z.unknown());

const createBody = z
  .object({
    name,
    type: z.enum(CHANNEL_TYPES as [string, ...string[]]),
    config: config.describe('Channel settings, e.g. {webhookUrl, secret} for feishu'),
    enabled: z.boolean().optional(),
    description: description.optional(),
  })
  .strict();

const patchBody = z
  .object({
    name: name.optional(),
    enabled: z.boolean().optional(),
    description: description.optional(),
    config: config
      .optional()
      .describe(
        'Merged over the stored config; masked values sent back unchanged keep the stored secret; null removes a key',
      ),
  })
  .strict();

function view(c: ChannelView, tz: string): z.output<typeof channelSchema> {
  return { ...c, createdAt: iso(c.createdAt, tz), updatedAt: iso(c.updatedAt, tz) };
}

export const channelRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { ctx }) => {
  const service: DigestService | undefined = ctx.digests;
  if (!service) return;
  const channels = service.channels;
  const tz = ctx.config.timezone;

  app.get(
    '/api/channels',
    {
      schema: {
        tags: ['channels'],
        summary: 'Delivery channels (secrets masked)',
        response: { 200: z.object({ items: z.array(channelSchema) }) },
      },
    },
    async () => ({ items: (await channels.list()).map((c) => view(c, tz)) }),
  );

  app.post(
    '/api/channels',
    {
      schema: {
        tags: ['channels'],
        summary: 'Add a delivery channel',
        body: createBody,
        response: { 201: channelSchema, ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(view(await channels.create(request.body), tz)),
  );

  app.get(
    '/api/channels/:id',
    {
      schema: {
        tags: ['channels'],
        summary: 'One delivery channel (secrets masked)',
        params: idParams,
        response: { 200: channelSchema, ...errors(404) },
      },
    },
    async (request) => view(await channels.get(request.params.id), tz),
  );

  app.patch(
    '/api/channels/:id',
    {
      schema: {
        tags: ['channels'],
        summary: 'Edit a delivery channel',
        params: idParams,
        body: patchBody,
        response: { 200: channelSchema, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => view(await channels.update(request.params.id, request.body), tz),
  );

  app.delete(
    '/api/channels/:id',
    {
      schema: {
        tags: ['channels'],
        summary: 'Remove a delivery channel (past delivery records stay)',
        params: idParams,
        response: { 204: z.null(), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      await channels.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );
};
