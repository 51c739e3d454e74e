// Opening the Store: pick the dialect glue, then hand the same Kysely handle to every repository.
import { sql, type Kysely } from 'kysely';
import { pendingMigrations, runMigrations } from './migrate.ts';
import { openPostgres } from './postgres/open-postgres.ts';
import { SqlArticlesRepo } from './repos/articles-repo.ts';
import { SqlDeliveryChannelsRepo } from './repos/delivery-channels-repo.ts';
import { SqlDigestArticlesReadModel } from './repos/digest-articles-read-model.ts';
import { SqlDigestsRepo } from './repos/digests-repo.ts';
import { SqlEnrichCacheRepo } from './repos/enrich-cache-repo.ts';
import { SqlEnrichmentRepo } from './repos/enrichment-repo.ts';
import { SqlEventsRepo } from './repos/events-repo.ts';
import { SqlExecutionsRepo } from './repos/executions-repo.ts';
import { SqlLlmUsageRepo } from './repos/llm-usage-repo.ts';
import { SqlLocksRepo } from './repos/locks-repo.ts';
import { SqlSchedulesRepo } from './repos/schedules-repo.ts';
import { SqlSettingsRepo } from './repos/settings-repo.ts';
import { SqlSourcesRepo } from './repos/sources-repo.ts';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite/open-sqlite.ts';
import { SavepointBatcher } from './sqlite/savepoint-batcher.ts';
import type { Store, StoreOptions } from './store.ts';
import type { Dialect } from './types.ts';

/** Crawl writes per shared commit: a batch holds the connection (and the API) while it runs. */
const CRAWL_WRITES_PER_COMMIT = 16;

export async function openStore(opts: StoreOptions): Promise<Store> {
  if (opts.kind === 'sqlite') return new SqlStore(openSqlite(opts.file, opts), 'sqlite');
  const { db, schema } = await openPostgres(opts.url, opts.schema);
  return new SqlStore(db, 'postgres', schema);
}

class SqlStore implements Store {
  readonly dialect: Dialect;
  readonly executions: SqlExecutionsRepo;
  readonly schedules: SqlSchedulesRepo;
  readonly locks: SqlLocksRepo;
  readonly settings: SqlSettingsRepo;
  readonly sources: SqlSourcesRepo;
  readonly articles: SqlArticlesRepo;
  readonly digests: SqlDigestsRepo;
  readonly deliveryChannels: SqlDeliveryChannelsRepo;
  readonly digestArticles: SqlDigestArticlesReadModel;
  readonly enrichment: SqlEnrichmentRepo;
  readonly llmUsage: SqlLlmUsageRepo;
  readonly enrichCache: SqlEnrichCacheRepo;
  readonly events: SqlEventsRepo;
  readonly #db: Kysely<Database>;
  readonly #schema: string | undefined;
  #closed: Promise<void> | undefined;

  constructor(db: Kysely<Database>, dialect: Dialect, schema?: string) {
    this.#db = db;
    this.dialect = dialect;
    this.#schema = schema;
    this.executions = new SqlExecutionsRepo(db, dialect);
    this.schedules = new SqlSchedulesRepo(db);
    this.locks = new SqlLocksRepo(db);
    this.settings = new SqlSettingsRepo(db);
    // One batcher for both: a crawl's article inserts and source-state writes share commits.
    const crawlWrites = dialect === 'sqlite' ? new SavepointBatcher(db, CRAWL_WRITES_PER_COMMIT) : undefined;
    this.sources = new SqlSourcesRepo(db, crawlWrites);
    this.articles = new SqlArticlesRepo(db, dialect, crawlWrites);
    this.digests = new SqlDigestsRepo(db);
    this.deliveryChannels = new SqlDeliveryChannelsRepo(db);
    this.digestArticles = new SqlDigestArticlesReadModel(db);
    this.enrichment = new SqlEnrichmentRepo(db, dialect);
    this.llmUsage = new SqlLlmUsageRepo(db);
    this.enrichCache = new SqlEnrichCacheRepo(db);
    this.events = new SqlEventsRepo(db);
  }

  async migrate(): Promise<void> {
    await runMigrations(this.#db, { dialect: this.dialect, schema: this.#schema });
  }

  async ready(): Promise<boolean> {
    if (this.#closed) return false;
    try {
      await sql`SELECT 1`.execute(this.#db);
      return (await pendingMigrations(this.#db)).length === 0;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    this.#closed ??= this.#db.destroy();
    return this.#closed;
  }
}
