// Events: news incidents grouped from enriched articles, and each grouped article's signature so a later
// run continues from the window's saved state instead of regrouping the archive.
import type { Kysely, Migration } from 'kysely';

export const eventsMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('events')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('category', 'text')
      .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .addColumn('article_count', 'integer', (c) => c.notNull())
      .addColumn('source_count', 'integer', (c) => c.notNull())
      .addColumn('cves', 'text', (c) => c.notNull()) // JSON string[]
      .addColumn('merged_into', 'text')
      .addColumn('state', 'text', (c) => c.notNull()) // JSON: the grouping record, to continue grouping
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('events_last_seen_idx')
      .on('events')
      .columns(['merged_into', 'last_seen_at'])
      .execute();
    await db.schema.createIndex('events_merged_into_idx').on('events').column('merged_into').execute();

    // No foreign key to articles: a purged article's signature simply stops matching anything.
    await db.schema
      .createTable('article_signatures')
      .addColumn('article_id', 'text', (c) => c.primaryKey())
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('cluster_id', 'text', (c) => c.notNull())
      .addColumn('near_dup_of', 'text')
      .addColumn('source_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('cves', 'text', (c) => c.notNull()) // JSON string[]
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('score', 'double precision', (c) => c.notNull())
      .addColumn('grouped_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('article_signatures_at_idx').on('article_signatures').column('at').execute();
    await db.schema
      .createIndex('article_signatures_event_idx')
      .on('article_signatures')
      .column('event_id')
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('article_signatures').execute();
    await db.schema.dropTable('events').execute();
  },
};
