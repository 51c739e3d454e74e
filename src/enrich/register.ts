// Wiring of enrichment into an app: the service, its tasks, the default schedule and the cleanup of
// cached results and old call records.
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { enrichSettings } from '../config/enrich-spec.ts';
import type { Store } from '../store/store.ts';
import type { CleanupSteps } from '../tasks/maintenance.ts';
import type { ScheduleInput, TaskRegistry } from '../tasks/types.ts';
import { EnrichService } from './service.ts';
import { enrichDefaultSchedule, enrichTasks, STALE_CLAIM_MS } from './tasks.ts';

const DAY = 86_400_000;

export interface EnrichHost {
  config: Readonly<Config>;
  logger: Logger;
  store: Store;
  registry: TaskRegistry;
  cleanup: CleanupSteps;
}

export interface EnrichRegistration {
  service: EnrichService;
  defaultSchedules: ScheduleInput[];
  /** Close the model client and rate limiter; call after the task engine stopped. */
  stop(): Promise<void>;
}

export function registerEnrich(app: EnrichHost): EnrichRegistration {
  const settings = enrichSettings(app.config.raw);
  const logger = app.logger.child({ component: 'enrich' });
  const service = new EnrichService({
    enrichment: app.store.enrichment,
    usage: app.store.llmUsage,
    cache: app.store.enrichCache,
    settingsStore: app.store.settings,
    settings,
    timeZone: app.config.timezone,
    staleClaimMs: STALE_CLAIM_MS,
  });
  if (service.problem) logger.warn(`LLM enrichment is misconfigured: ${service.problem}`);
  for (const task of enrichTasks(service, app.config.timezone)) app.registry.register(task);
  app.cleanup.add({
    name: 'enrich-cache',
    run: async ({ now }) => ({
      deleted: await app.store.enrichCache.deleteBefore(now - settings.cacheRetentionDays * DAY),
      detail: `cached enrichment results older than ${settings.cacheRetentionDays} days`,
    }),
  });
  app.cleanup.add({
    name: 'llm-calls',
    run: async ({ now }) => ({
      deleted: await app.store.llmUsage.deleteBefore(now - settings.usageRetentionDays * DAY),
      detail: `model call records older than ${settings.usageRetentionDays} days`,
    }),
  });
  return { service, defaultSchedules: [enrichDefaultSchedule], stop: () => service.close() };
}
