// Digests, their items, repeat-check flags, delivery channels and every delivery attempt.
import type { Kysely, Migration } from 'kysely';

export const digestsMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('digests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('date', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('intro', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('public_token', 'text', (c) => c.unique())
      .addColumn('pdf_file', 'text')
      .addColumn('pdf_key', 'text')
      .addColumn('pdf_rendered_at', 'bigint')
      .addColumn('checked_at', 'bigint')
      .addColumn('checked_revision', 'integer')
      .addColumn('delivered_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('digests_date_idx').on('digests').columns(['date', 'created_at']).execute();

    await db.schema
      .createTable('digest_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('digest_id', 'text', (c) => c.notNull().references('digests.id').onDelete('cascade'))
      // No foreign key: a digest keeps its text when an article is purged.
      .addColumn('article_id', 'text', (c) => c.notNull())
      .addColumn('event_id', 'text')
      .addColumn('category', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
      .addColumn('links', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('position', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('digest_items_article_uq')
      .on('digest_items')
      .columns(['digest_id', 'article_id'])
      .unique()
      .execute();
    // "Already used in an earlier digest" looks items up by article.
    await db.schema.createIndex('digest_items_article_idx').on('digest_items').column('article_id').execute();

    await db.schema
      .createTable('digest_repeat_flags')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('digest_id', 'text', (c) => c.notNull().references('digests.id').onDelete('cascade'))
      .addColumn('item_id', 'text', (c) =>
        c.notNull().unique().references('digest_items.id').onDelete('cascade'),
      )
      // The matched side may be deleted later; the flag keeps what it matched.
      .addColumn('matched_digest_id', 'text', (c) => c.notNull())
      .addColumn('matched_digest_date', 'text', (c) => c.notNull())
      .addColumn('matched_item_id', 'text', (c) => c.notNull())
      .addColumn('matched_article_id', 'text', (c) => c.notNull())
      .addColumn('matched_title', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('score', 'double precision', (c) => c.notNull())
      .addColumn('detail', 'text', (c) => c.notNull())
      .addColumn('judge', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('digest_repeat_flags_digest_idx')
      .on('digest_repeat_flags')
      .column('digest_id')
      .execute();

    await db.schema
      .createTable('delivery_channels')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('description', 'text')
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('digest_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('digest_id', 'text', (c) => c.notNull().references('digests.id').onDelete('cascade'))
      .addColumn('execution_id', 'text')
      .addColumn('channel_id', 'text')
      .addColumn('channel_name', 'text', (c) => c.notNull())
      .addColumn('channel_type', 'text')
      .addColumn('attempt', 'integer', (c) => c.notNull())
      .addColumn('ok', 'integer', (c) => c.notNull())
      .addColumn('status', 'integer')
      .addColumn('response', 'text')
      .addColumn('error', 'text')
      .addColumn('next_retry_in_ms', 'integer')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('duration_ms', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('digest_deliveries_digest_idx')
      .on('digest_deliveries')
      .columns(['digest_id', 'at'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropTable('digest_deliveries').execute();
    await db.schema.dropTable('delivery_channels').execute();
    await db.schema.dropTable('digest_repeat_flags').execute();
    await db.schema.dropTable('digest_items').execute();
    await db.schema.dropTable('digests').execute();
  },
};
