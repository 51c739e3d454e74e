// Schedules edited at run time: CRUD, next fire times, run now, and a preview for the dashboard.
// Cron and time-zone problems come from the ScheduleService with a message that says what is wrong.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isoWithOffset } from '../../time.ts';
import { callerOf } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { rethrowAsBodyField } from '../errors.ts';
import { enqueueResponseSchema, errors, idParams, queryInt, scheduleSchema } from '../schemas.ts';
import { enqueueView, scheduleView } from '../views.ts';

const editable = {
  name: z.string().min(1).max(200),
  cron: z.string().min(1).describe('5 fields (minute hour day month weekday) or 6 with seconds first'),
  timezone: z.string().min(1).describe('IANA time zone; default from NEWSDESK_TIMEZONE'),
  enabled: z.boolean(),
  payload: z.unknown(),
  misfireGraceMs: z.number().int().min(0).describe('A missed fire older than this is skipped'),
  coalesce: z.boolean().describe('After downtime, run missed fires once (true) or once each (false)'),
  maxInstances: z.number().int().min(1),
  description: z.string().max(2000).nullable(),
};

const createBody = z
  .object({
    name: editable.name,
    task: z.string().min(1),
    cron: editable.cron,
    timezone: editable.timezone.optional(),
    enabled: editable.enabled.optional(),
    payload: editable.payload.optional(),
    misfireGraceMs: editable.misfireGraceMs.optional(),
    coalesce: editable.coalesce.optional(),
    maxInstances: editable.maxInstances.optional(),
    description: editable.description.optional(),
  })
  .strict();

const patchBody = z
  .object({
    name: editable.name.optional(),
    cron: editable.cron.optional(),
    timezone: editable.timezone.optional(),
    enabled: editable.enabled.optional(),
    payload: editable.payload.optional(),
    misfireGraceMs: editable.misfireGraceMs.optional(),
    coalesce: editable.coalesce.optional(),
    maxInstances: editable.maxInstances.optional(),
    description: editable.description.optional(),
  })
  .strict()
  .describe('Fields to change; the task of a schedule cannot change');

const fireTimes = z.object({
  cron: z.string(),
  timezone: z.string(),
  items: z.array(z.string()).describe("Fire times, ISO-8601 in the schedule's own time zone"),
});

const countQuery = queryInt(1, 100).default(5);

export const scheduleRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { ctx }) => {
  const tz = ctx.config.timezone;
  const view = (s: Parameters<typeof scheduleView>[0]) => scheduleView(s, tz);

  app.get(
    '/api/schedules',
    {
      schema: {
        tags: ['schedules'],
        summary: 'All schedules',
        response: { 200: z.object({ items: z.array(scheduleSchema) }) },
      },
    },
    async () => ({ items: (await ctx.schedules.list()).map(view) }),
  );

  app.post(
    '/api/schedules',
    {
      schema: {
        tags: ['schedules'],
        summary: 'Create a schedule; takes effect at its next fire without a restart',
        body: createBody,
        response: { 201: scheduleSchema, ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const created = await ctx.schedules.create(request.body).catch(rethrowAsBodyField('payload'));
      return reply.code(201).send(view(created));
    },
  );

  app.post(
    '/api/schedules/preview',
    {
      schema: {
        tags: ['schedules'],
        summary: 'Validate a cron expression and list its next fire times without storing anything',
        body: z
          .object({ cron: editable.cron, timezone: editable.timezone.optional(), count: countQuery })
          .strict(),
        response: { 200: fireTimes, ...errors(400, 401) },
      },
    },
    async (request) => {
      const { cron, count } = request.body;
      const timezone = request.body.timezone ?? ctx.config.timezone;
      const times = ctx.schedules.preview(cron, timezone, count);
      return { cron, timezone, items: times.map((t) => isoWithOffset(t, timezone)) };
    },
  );

  app.get(
    '/api/schedules/:id',
    {
      schema: {
        tags: ['schedules'],
        summary: 'One schedule',
        params: idParams,
        response: { 200: scheduleSchema, ...errors(404) },
      },
    },
    async (request) => view(await ctx.schedules.get(request.params.id)),
  );

  app.patch(
    '/api/schedules/:id',
    {
      schema: {
        tags: ['schedules'],
        summary: 'Edit a schedule; the next fire follows the new definition',
        params: idParams,
        body: patchBody,
        response: { 200: scheduleSchema, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) =>
      view(await ctx.schedules.update(request.params.id, request.body).catch(rethrowAsBodyField('payload'))),
  );

  app.delete(
    '/api/schedules/:id',
    {
      schema: {
        tags: ['schedules'],
        summary: 'Delete a schedule',
        params: idParams,
        response: { 204: z.null(), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      await ctx.schedules.delete(request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/schedules/:id/next',
    {
      schema: {
        tags: ['schedules'],
        summary: 'Next fire times of a schedule',
        params: idParams,
        querystring: z.object({ count: countQuery }),
        response: { 200: fireTimes, ...errors(400, 404) },
      },
    },
    async (request) => {
      const schedule = await ctx.schedules.get(request.params.id);
      const times = await ctx.schedules.nextRuns(schedule.id, request.query.count);
      return {
        cron: schedule.cron,
        timezone: schedule.timezone,
        items: times.map((t) => isoWithOffset(t, schedule.timezone)),
      };
    },
  );

  app.post(
    '/api/schedules/:id/run',
    {
      schema: {
        tags: ['schedules'],
        summary: "Run a schedule's task now with its payload (202 before it runs)",
        params: idParams,
        response: { 202: enqueueResponseSchema, ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      const result = await ctx.schedules.runNow(request.params.id, callerOf(request, ctx.config.apiToken));
      return reply.code(202).send(enqueueView(result));
    },
  );
};
