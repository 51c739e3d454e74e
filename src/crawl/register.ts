// Wiring of crawling into an app: the service (fetcher, browser, shared host limiter in distributed mode),
// its tasks, the hourly schedule and the retention of per-crawl history.
import type { Logger } from 'pino';
import type { Config } from '../config/config.ts';
import { crawlSettings } from '../config/crawl-spec.ts';
import type { Store } from '../store/store.ts';
import type { CleanupSteps } from '../tasks/maintenance.ts';
import type { ScheduleInput, TaskRegistry } from '../tasks/types.ts';
import { CrawlService, type HostLimiterFactory } from './crawl-service.ts';
import { crawlDefaultSchedule, crawlTasks } from './tasks.ts';

const DAY = 86_400_000;

export interface CrawlHost {
  config: Readonly<Config>;
  logger: Logger;
  store: Store;
  registry: TaskRegistry;
  cleanup: CleanupSteps;
  /** Per-host politeness shared across workers (distributed mode); in-process when absent. */
  hostLimiterFactory?: HostLimiterFactory;
}

export interface CrawlRegistration {
  service: CrawlService;
  defaultSchedules: ScheduleInput[];
  /** Close the fetcher, the browser and the shared limiter; call after the task engine stopped. */
  stop(): Promise<void>;
}

export function registerCrawl(app: CrawlHost): CrawlRegistration {
  const service = new CrawlService({
    sources: app.store.sources,
    articles: app.store.articles,
    settings: crawlSettings(app.config.raw),
    logger: app.logger.child({ component: 'crawl' }),
    hostLimiterFactory: app.hostLimiterFactory,
  });
  for (const task of crawlTasks(service, app.registry)) app.registry.register(task);
  app.cleanup.add({
    name: 'crawl-runs',
    run: async ({ now, retentionDays }) => ({
      deleted: await app.store.sources.deleteRunsBefore(now - retentionDays * DAY),
      detail: `per-source crawl history older than ${retentionDays} days`,
    }),
  });
  return { service, defaultSchedules: [crawlDefaultSchedule], stop: () => service.stop() };
}
