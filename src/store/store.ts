// The Store: one handle over the database with a repository per aggregate.
import type { ArticlesRepo, SourcesRepo } from './crawl-types.ts';
import type { DeliveryChannelsRepo, DigestArticlesReadModel, DigestsRepo } from './digest-types.ts';
import type { EnrichCacheRepo, EnrichmentRepo, LlmUsageRepo } from './enrich-types.ts';
import type { EventsRepo } from './events-types.ts';
import type { Dialect, ExecutionsRepo, LocksRepo, SchedulesRepo, SettingsRepo } from './types.ts';

export interface Store {
  readonly dialect: Dialect;
  readonly executions: ExecutionsRepo;
  readonly schedules: SchedulesRepo;
  readonly locks: LocksRepo;
  readonly settings: SettingsRepo;
  /** News sources: settings, crawl state and per-crawl history. */
  readonly sources: SourcesRepo;
  /** Crawled articles: dedup on insert, the news-page list, detail. */
  readonly articles: ArticlesRepo;
  readonly digests: DigestsRepo;
  readonly deliveryChannels: DeliveryChannelsRepo;
  /** Read-only view over articles for digest selection. */
  readonly digestArticles: DigestArticlesReadModel;
  /** Enrichment state on article rows: claim batches, save outcomes, re-process. */
  readonly enrichment: EnrichmentRepo;
  /** Every model call with tokens and cost; aggregates. */
  readonly llmUsage: LlmUsageRepo;
  readonly enrichCache: EnrichCacheRepo;
  /** News events: saved grouping state and the event list/detail. */
  readonly events: EventsRepo;
  /** Apply pending migrations; safe when several processes call it at once. */
  migrate(): Promise<void>;
  /** True when the database answers and migrations are applied. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export type StoreOptions =
  | {
      kind: 'sqlite';
      file: string;
      /** Told when background WAL checkpoints fail (the connection then checkpoints by itself). */
      onCheckpointError?: (err: Error) => void;
      /** WAL checkpoints on a background thread instead of inside commits on the event loop. */
      backgroundCheckpoints?: boolean;
    }
  | {
      kind: 'postgres';
      url: string;
      /** Use this schema (created if missing), e.g. per test run. */ schema?: string;
    };
