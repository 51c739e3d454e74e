// Wiring of event grouping into an app: the events.group task (incremental, every 2 hours by default).
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Store } from '../store/store.ts';
import { defineTask } from '../tasks/registry.ts';
import type { ScheduleInput, TaskDefinition, TaskRegistry } from '../tasks/types.ts';
import { FingerprintPool } from './fingerprint-pool.ts';
import { runEventGrouping, type GroupingRunResult } from './grouping-run.ts';
import { DEFAULT_WINDOW_MS, type GroupingOptions } from './options.ts';

export const EVENTS_GROUP_TASK = 'events.group';
const HOUR = 3_600_000;

export const eventsDefaultSchedule: ScheduleInput = {
  name: EVENTS_GROUP_TASK,
  task: EVENTS_GROUP_TASK,
  cron: '0 */2 * * *',
  description:
    'Group newly enriched articles into events (near-duplicates, shared CVEs and entities, similar stories)',
};

export const eventsGroupPayload = z
  .object({
    /** Also group ungrouped articles this far back (backfill); default the grouping window. */
    lookbackHours: z
      .number()
      .int()
      .min(1)
      .max(24 * 366)
      .optional(),
    batchSize: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();

export type EventsGroupPayload = z.infer<typeof eventsGroupPayload>;

export interface EventsHost {
  logger: Logger;
  store: Store;
  registry: TaskRegistry;
}

export interface EventsRegistration {
  defaultSchedules: ScheduleInput[];
  /** Window of grouping and of the default API list. */
  windowMs: number;
  /** Stops the fingerprint threads. */
  stop(): Promise<void>;
}

export function eventsGroupTask(
  store: Store,
  options: GroupingOptions = {},
  fingerprints?: FingerprintPool,
): TaskDefinition<EventsGroupPayload, GroupingRunResult> {
  return defineTask({
    name: EVENTS_GROUP_TASK,
    description: 'Group enriched articles not grouped yet into events; existing events keep their ids.',
    payload: eventsGroupPayload,
    timeoutMs: 30 * 60_000,
    overlap: 'skip',
    async handler(payload, ctx) {
      ctx.progress(0, null, 'loading the grouping window');
      let counted = 0;
      const result = await runEventGrouping(
        { events: store.events, settings: store.settings, options, logger: ctx.log, fingerprints },
        {
          lookbackMs: payload.lookbackHours === undefined ? undefined : payload.lookbackHours * HOUR,
          batchSize: payload.batchSize,
          signal: ctx.signal,
          onBatch(grouped, batch) {
            ctx.count({ processed: grouped - counted, success: grouped - counted });
            counted = grouped;
            ctx.progress(grouped, null, `batch ${batch}: ${grouped} articles grouped`);
          },
        },
      );
      ctx.progress(result.articles, result.articles, 'done');
      ctx.log.info(result, 'event grouping finished');
      return result;
    },
  });
}

export function registerEvents(
  app: EventsHost,
  options: GroupingOptions = {},
  /** Fingerprint threads (0: fingerprints on the main thread); they start on the first grouping run. */
  threads = 0,
): EventsRegistration {
  const pool =
    threads > 0
      ? new FingerprintPool({
          threads,
          fingerprint: { cjk: options.cjk, bodyChars: options.bodyChars },
          onFallback: (err) =>
            app.logger.warn({ err }, 'fingerprint threads could not start; fingerprinting inline'),
        })
      : undefined;
  app.registry.register(eventsGroupTask(app.store, options, pool));
  return {
    defaultSchedules: [eventsDefaultSchedule],
    windowMs: options.windowMs ?? DEFAULT_WINDOW_MS,
    stop: async () => pool?.close(),
  };
}
