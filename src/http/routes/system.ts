// Liveness, readiness and Prometheus metrics.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { RouteDeps } from '../deps.ts';

export const systemRoutes: FastifyPluginAsyncZod<RouteDeps> = async (app, { ctx, metrics }) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        summary: 'Liveness: the process answers',
        response: { 200: z.object({ status: z.literal('ok'), role: z.string(), uptimeMs: z.number() }) },
      },
    },
    async () => ({ status: 'ok' as const, role: ctx.role, uptimeMs: Date.now() - ctx.startedAt }),
  );

  app.get(
    '/ready',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: the store answers and migrations are applied (503 otherwise)',
        response: {
          200: z.object({ status: z.literal('ready'), store: z.string() }),
          503: z.object({ status: z.literal('unavailable'), store: z.string() }),
        },
      },
    },
    async (_request, reply) => {
      const ok = await ctx.store.ready().catch(() => false);
      if (ok) return { status: 'ready' as const, store: ctx.store.dialect };
      return reply.code(503).send({ status: 'unavailable' as const, store: ctx.store.dialect });
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['system'], summary: 'Prometheus metrics', produces: ['text/plain'] } },
    async (_request, reply) => reply.type(metrics.contentType).send(await metrics.render()),
  );
};
