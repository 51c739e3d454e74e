// The HTTP API: Fastify with zod schemas (validation, serialization and OpenAPI from one source),
// one error mapper, bearer auth on mutating routes, SSE, Prometheus metrics. Routes live per capability
// in ./routes/*.ts; a later capability adds its plugin to `routes` below (or passes `extraRoutes`).
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
} from 'fastify';
import {
  createJsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../app-context.ts';
import { createMetrics, type Metrics } from '../metrics/metrics.ts';
import { installAuth } from './auth.ts';
import type { RouteDeps } from './deps.ts';
import { installErrorHandling } from './errors.ts';
import { articleRoutes } from './routes/articles.ts';
import { digestRoutes } from './routes/digests.ts';
import { enrichRoutes } from './routes/enrich.ts';
import { eventRoutes, type EventsListRoute } from './routes/events.ts';
import { executionRoutes } from './routes/executions.ts';
import { newsEventRoutes, newsEventsList } from './routes/news-events.ts';
import { scheduleRoutes } from './routes/schedules.ts';
import { sourceRoutes } from './routes/sources.ts';
import { systemRoutes } from './routes/system.ts';
import { taskRoutes } from './routes/tasks.ts';
import { webRoutes } from '../web/plugin.ts';
import { SseHub } from './sse.ts';

export interface HttpAppOptions {
  /** Share a metrics registry (e.g. one per process); by default the app makes its own and stops it on close. */
  metrics?: Metrics;
  /** Heartbeat comment interval on SSE streams. Default 15 s. */
  sseHeartbeatMs?: number;
  /** JSON handler of GET /api/events for clients that do not ask for text/event-stream. */
  eventsList?: EventsListRoute;
  /** More route plugins (each receives the RouteDeps). */
  extraRoutes?: FastifyPluginAsync<RouteDeps>[];
  /** Serve Swagger UI at /docs. Default true. */
  docs?: boolean;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export type HttpApp = FastifyInstance & { sse: SseHub; metrics: Metrics };

export function buildHttpApp(ctx: AppContext, opts: HttpAppOptions = {}): HttpApp {
  const app = Fastify({
    loggerInstance: ctx.logger.child({ component: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // SSE streams are long-lived; shutdown ends them explicitly (preClose), idle keep-alives are dropped.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installAuth(app, ctx.config.apiToken);

  const ownMetrics = !opts.metrics;
  const metrics = opts.metrics ?? createMetrics(ctx);
  const sse = new SseHub();
  const deps: RouteDeps = { ctx, sse, sseHeartbeatMs: opts.sseHeartbeatMs ?? 15_000, metrics };

  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(
      { method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime },
      'request',
    );
  });
  app.addHook('preClose', async () => sse.closeAll());
  app.addHook('onClose', async () => {
    if (ownMetrics) metrics.stop();
  });

  const baseTransform = createJsonSchemaTransform({ skipList: ['/openapi.json'] });
  void app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'newsdesk API',
        version: '0.1.0',
        description:
          'Tasks, executions, schedules and live events of a newsdesk service. Reads (GET) are open; when NEWSDESK_API_TOKEN is set, every POST/PUT/PATCH/DELETE needs `Authorization: Bearer <token>`. Instants are ISO-8601 with the offset of the configured time zone. Errors are `{error: {code, message, details}}`.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: (input) => {
      const out = baseTransform(input);
      const method = [input.route.method].flat()[0] ?? '';
      if (
        ctx.config.apiToken &&
        MUTATING.has(String(method).toUpperCase()) &&
        out.schema &&
        !out.schema.hide
      ) {
        (out.schema as Record<string, unknown>).security = [{ bearerAuth: [] }];
      }
      return out;
    },
    transformObject: jsonSchemaTransformObject,
  });
  if (opts.docs !== false) void app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  void app.register(async (scope) => {
    scope.get('/openapi.json', { schema: { hide: true } }, async () => scope.swagger());
    const routes: FastifyPluginAsync<RouteDeps>[] = [
      systemRoutes,
      taskRoutes,
      executionRoutes,
      scheduleRoutes,
      digestRoutes,
      sourceRoutes,
      articleRoutes,
      enrichRoutes,
      newsEventRoutes,
      webRoutes,
      ...(opts.extraRoutes ?? []),
    ];
    for (const plugin of routes) await scope.register(plugin, deps);
    await scope.register(eventRoutes, {
      ...deps,
      list: opts.eventsList ?? (ctx.events ? newsEventsList(ctx) : undefined),
    });
  });

  return Object.assign(app, { sse, metrics }) as unknown as HttpApp;
}
