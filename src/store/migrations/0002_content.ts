// Sources and articles. Enrichment columns sit on the article row (one per article, filtered by the news page).
import { sql, type Kysely, type Migration } from 'kysely';

export const contentMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('sources')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('url', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('description', 'text')
      .addColumn('fetch_interval_minutes', 'integer')
      .addColumn('max_fetch_days', 'integer', (c) => c.notNull().defaultTo(3))
      .addColumn('full_text', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('use_feed_summary', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('use_description_as_summary', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('selectors', 'text') // JSON
      .addColumn('headers', 'text') // JSON
      .addColumn('proxy', 'text')
      .addColumn('etag', 'text')
      .addColumn('last_modified', 'text')
      .addColumn('last_fetch_at', 'bigint')
      .addColumn('last_success_at', 'bigint')
      .addColumn('last_status', 'integer')
      .addColumn('last_message', 'text')
      .addColumn('last_error_code', 'text')
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('first_failure_at', 'bigint')
      .addColumn('next_check_at', 'bigint')
      .addColumn('disabled_reason', 'text')
      .addColumn('pending_redirect_url', 'text')
      .addColumn('pending_redirect_count', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('items_found', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('items_new', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('entries_per_week', 'double precision')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('sources_due_idx')
      .on('sources')
      .columns(['active', 'next_check_at'])
      .execute();

    await db.schema
      .createTable('articles')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('source_id', 'text', (c) => c.notNull().references('sources.id').onDelete('cascade'))
      .addColumn('url', 'text', (c) => c.notNull())
      .addColumn('canonical_url', 'text', (c) => c.notNull())
      .addColumn('guid', 'text')
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('author', 'text')
      .addColumn('feed_summary', 'text')
      .addColumn('content_html', 'text')
      .addColumn('content_text', 'text')
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('published_at', 'bigint')
      .addColumn('fetched_at', 'bigint', (c) => c.notNull())
      .addColumn('duplicate_of', 'text')
      .addColumn('event_id', 'text')
      // enrichment
      .addColumn('enrich_state', 'text', (c) => c.notNull().defaultTo('pending'))
      .addColumn('enrich_mode', 'text')
      .addColumn('language', 'text')
      .addColumn('title_zh', 'text')
      .addColumn('summary', 'text')
      .addColumn('summary_source', 'text')
      .addColumn('category', 'text')
      .addColumn('entities', 'text') // JSON ArticleEntity[]
      .addColumn('cves', 'text') // JSON string[]
      .addColumn('importance', 'double precision')
      .addColumn('translation', 'text')
      .addColumn('prompt_version', 'text')
      .addColumn('enrich_attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('enrich_error_code', 'text')
      .addColumn('enrich_error_message', 'text')
      .addColumn('enrich_next_retry_at', 'bigint')
      .addColumn('enrich_skip_reason', 'text')
      .addColumn('enriched_at', 'bigint')
      .execute();
    // Dedup: one row per (source, canonical URL) and per (source, guid); cross-source copies link via duplicate_of.
    await db.schema
      .createIndex('articles_source_url_uq')
      .on('articles')
      .columns(['source_id', 'canonical_url'])
      .unique()
      .execute();
    await db.schema
      .createIndex('articles_source_guid_uq')
      .on('articles')
      .columns(['source_id', 'guid'])
      .unique()
      .where(sql.ref('guid'), 'is not', null)
      .execute();
    await db.schema.createIndex('articles_canonical_idx').on('articles').column('canonical_url').execute();
    await db.schema
      .createIndex('articles_fetched_idx')
      .on('articles')
      .columns(['fetched_at', 'id'])
      .execute();
    await db.schema.createIndex('articles_published_idx').on('articles').column('published_at').execute();
    await db.schema
      .createIndex('articles_enrich_idx')
      .on('articles')
      .columns(['enrich_state', 'enrich_next_retry_at'])
      .execute();
    await db.schema
      .createIndex('articles_category_idx')
      .on('articles')
      .columns(['category', 'fetched_at'])
      .execute();
    await db.schema.createIndex('articles_event_idx').on('articles').column('event_id').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('articles').execute();
    await db.schema.dropTable('sources').execute();
  },
};
