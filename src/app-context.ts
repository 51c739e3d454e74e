// What the composition root hands to the outer layers (HTTP, CLI, web): the wired services of one process.
import type { Logger } from 'pino';
import type { Config } from './config/config.ts';
import type { CrawlService } from './crawl/crawl-service.ts';
import type { DigestService } from './digest/digest-service.ts';
import type { EnrichService } from './enrich/service.ts';
import type { Store } from './store/store.ts';
import type { ScheduleService, SchedulerStats, TaskEngine, TaskRegistry } from './tasks/types.ts';

export type ProcessRole = 'all' | 'api' | 'worker' | 'scheduler';

export interface AppContext {
  config: Readonly<Config>;
  logger: Logger;
  store: Store;
  registry: TaskRegistry;
  engine: TaskEngine;
  schedules: ScheduleService;
  schedulerStats(): SchedulerStats;
  role: ProcessRole;
  startedAt: number;
  /** Crawling: sources' feeds and pages, discovery, OPML. */
  crawl?: CrawlService;
  /** Daily digests: create, edit, render, check, deliver; channels. */
  digests?: DigestService;
  /** Article enrichment: status, re-process, budget. */
  enrich?: EnrichService;
  /** News events: the grouping window (also the default window of the event list). */
  events?: { windowMs: number };
}
