// Crawling: one history row per crawl of a source (GET /api/sources/{id}/history), and the index the
// news page needs to list one source's articles newest first without a sort.
import type { Kysely, Migration } from 'kysely';

export const crawlMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('crawl_runs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
      .addColumn('execution_id', 'text')
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('http_status', 'integer')
      .addColumn('error_code', 'text')
      .addColumn('error_message', 'text')
      .addColumn('items_found', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('items_new', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('outage', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('finished_at', 'bigint', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('log', 'text')
      .execute();
    await db.schema
      .createIndex('crawl_runs_source_idx')
      .on('crawl_runs')
      .columns(['source_id', 'id'])
      .execute();
    await db.schema.createIndex('crawl_runs_finished_idx').on('crawl_runs').column('finished_at').execute();
    await db.schema
      .createIndex('articles_source_fetched_idx')
      .on('articles')
      .columns(['source_id', 'fetched_at', 'id'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('articles_source_fetched_idx').execute();
    await db.schema.dropTable('crawl_runs').execute();
  },
};
