// Live execution events over Server-Sent Events:
//   GET /api/executions/{id}/events  one execution's status/progress/log events; ends after a terminal status
//   GET /api/stream                  every execution event (optional ?task= filter)
//   GET /api/events                  the same stream when the client accepts text/event-stream; other Accept
//                                    values go to `list` (the JSON list of news events, registered by that
//                                    capability), or 406 until one is registered.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../errors.ts';
import { TERMINAL_STATUSES } from '../../store/types.ts';
import type { ExecutionEvent } from '../../tasks/types.ts';
import type { RouteDeps } from '../deps.ts';
import { errorBody } from '../errors.ts';
import { errors, idParams } from '../schemas.ts';
import { wantsEventStream, type SseStream } from '../sse.ts';
import { executionView, iso } from '../views.ts';

/** A JSON handler for GET /api/events when the client does not ask for an event stream. */
export interface EventsListRoute {
  /** Query schema for the JSON list; keep every field optional (stream requests share the route). */
  querystring?: z.ZodObject;
  response?: Record<number, z.ZodType>;
  handler(request: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

export interface EventRoutesOptions extends RouteDeps {
  list?: EventsListRoute;
}

const STREAM_DESCRIPTION =
  'Server-Sent Events: `event: status` (the execution record), `event: progress` ({executionId, task, current, total, message, counters}), `event: log` ({executionId, ts, level, msg}); heartbeat comments keep the connection open.';

function isTerminal(event: ExecutionEvent): boolean {
  return event.type === 'status' && TERMINAL_STATUSES.includes(event.execution.status);
}

/** Log events carry no task name, so a task filter leaves them out. */
function taskOf(event: ExecutionEvent): string | undefined {
  if (event.type === 'status') return event.execution.task;
  return event.type === 'progress' ? event.task : undefined;
}

function eventId(event: ExecutionEvent): string {
  return event.type === 'status' ? event.execution.id : event.executionId;
}

export const eventRoutes: FastifyPluginAsyncZod<EventRoutesOptions> = async (app, deps) => {
  const { ctx, sse, sseHeartbeatMs, list } = deps;
  const tz = ctx.config.timezone;

  function write(stream: SseStream, event: ExecutionEvent): void {
    if (event.type === 'status') stream.send('status', executionView(event.execution, tz));
    else if (event.type === 'progress') {
      const { type: _type, ...data } = event;
      stream.send('progress', data);
    } else
      stream.send('log', {
        executionId: event.executionId,
        ts: iso(event.ts, tz),
        level: event.level,
        msg: event.msg,
      });
  }

  function globalStream(request: FastifyRequest, reply: FastifyReply): void {
    const task =
      typeof (request.query as { task?: unknown })?.task === 'string'
        ? (request.query as { task: string }).task
        : undefined;
    let unsubscribe: () => void = () => undefined;
    const stream = sse.open(request, reply, { heartbeatMs: sseHeartbeatMs, onClose: () => unsubscribe() });
    unsubscribe = ctx.engine.subscribe((event) => {
      if (task && taskOf(event) !== task) return;
      write(stream, event);
    });
  }

  const streamSchema = {
    tags: ['executions'],
    produces: ['text/event-stream'],
    description: STREAM_DESCRIPTION,
  };

  app.get(
    '/api/stream',
    {
      schema: {
        ...streamSchema,
        summary: 'Stream of all execution events (SSE)',
        querystring: z.object({ task: z.string().optional() }),
      },
    },
    async (request, reply) => globalStream(request, reply),
  );

  app.get(
    '/api/events',
    {
      schema: {
        ...streamSchema,
        summary: 'Execution events as SSE (Accept: text/event-stream); other Accept values get the JSON list',
        querystring: list?.querystring ?? z.object({ task: z.string().optional() }),
        ...(list?.response ? { response: list.response } : {}),
      },
    },
    async (request, reply) => {
      if (wantsEventStream(request)) return globalStream(request, reply);
      if (list) return list.handler(request, reply);
      return reply
        .code(406)
        .send(
          errorBody(
            'NOT_ACCEPTABLE',
            'GET /api/events is an event stream here: send Accept: text/event-stream, or use GET /api/stream',
          ),
        );
    },
  );

  app.get(
    '/api/executions/:id/events',
    {
      schema: {
        ...streamSchema,
        summary: "One execution's events (SSE); ends after its terminal status",
        params: idParams,
        response: errors(404),
      },
    },
    async (request, reply) => {
      const id = request.params.id;
      // Subscribe before reading the record so nothing between the read and the stream is lost.
      const buffered: ExecutionEvent[] = [];
      const live: { stream?: SseStream } = {};
      const unsubscribe = ctx.engine.subscribe((event) => {
        if (eventId(event) !== id) return;
        if (!live.stream) buffered.push(event);
        else {
          write(live.stream, event);
          if (isTerminal(event)) live.stream.close();
        }
      });
      const execution = await ctx.store.executions.get(id).catch((err) => {
        unsubscribe();
        throw err;
      });
      if (!execution) {
        unsubscribe();
        throw new NotFoundError('execution', id);
      }
      const opened = sse.open(request, reply, { heartbeatMs: sseHeartbeatMs, onClose: unsubscribe });
      write(opened, { type: 'status', execution });
      if (TERMINAL_STATUSES.includes(execution.status)) return opened.close();
      for (const event of buffered) {
        write(opened, event);
        if (isTerminal(event)) return opened.close();
      }
      live.stream = opened;
    },
  );
};
