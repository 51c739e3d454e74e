// Registered tasks and triggering them: GET /api/tasks, POST /api/tasks/{name}/run.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ResolvedTaskDefinition } from '../../tasks/types.ts';
import { callerOf } from '../auth.ts';
import type { RouteDeps } from '../deps.ts';
import { rethrowAsBodyField } from '../errors.ts';
import { enqueueView } from '../views.ts';
import { enqueueResponseSchema, errors } from '../schemas.ts';

const taskSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  timeoutMs: z.number(),
  retry: z.object({
    attempts: z.number(),
    backoffMs: z.number(),
    factor: z.number(),
    maxDelayMs: z.number(),
    jitter: z.number(),
  }),
  concurrency: z.number(),
  overlap: z.enum(['skip', 'queue', 'allow']),
  priority: z.number(),
  payloadSchema: z.unknown().describe('JSON Schema of the payload'),
});

const runBody = z
  .object({
    payload: z.unknown().optional().describe("The task's payload; validated against its schema"),
    idempotencyKey: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .describe('An active execution with the same key is returned instead of a new one'),
    delayMs: z
      .number()
      .int()
      .min(0)
      .max(30 * 24 * 3_600_000)
      .optional()
      .describe('Run no sooner than this many ms from now'),
  })
  .strict();

function payloadJsonSchema(def: ResolvedTaskDefinition): unknown {
  try {
    return z.toJSONSchema(def.payload, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}

export function taskView(def: ResolvedTaskDefinition): z.output<typeof taskSchema> {
  return {
    name: def.name,
    description: def.description ?? null,
    timeoutMs: def.timeoutMs,
    retry: def.retry,
    concurrency: def.concurrency,
    overlap: def.overlap,
    priority: def.priority,
    payloadSchema: payloadJsonSchema(def),
  };
}

export const taskRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { ctx }) => {
  app.get(
    '/api/tasks',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Registered tasks and their policies',
        response: { 200: z.object({ items: z.array(taskSchema) }) },
      },
    },
    async () => ({ items: ctx.registry.list().map(taskView) }),
  );

  app.post(
    '/api/tasks/:name/run',
    {
      schema: {
        tags: ['tasks'],
        summary: 'Trigger a task; answers 202 before it runs',
        params: z.object({ name: z.string().min(1) }),
        body: runBody,
        response: { 202: enqueueResponseSchema, ...errors(400, 401, 404) },
      },
      // A bare POST (no body) runs the task with its default payload.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const body = request.body;
      const result = await ctx.engine
        .enqueue(request.params.name, body.payload, {
          trigger: 'api',
          triggeredBy: callerOf(request, ctx.config.apiToken),
          idempotencyKey: body.idempotencyKey ?? null,
          delayMs: body.delayMs,
        })
        .catch(rethrowAsBodyField('payload'));
      return reply.code(202).send(enqueueView(result));
    },
  );
};
