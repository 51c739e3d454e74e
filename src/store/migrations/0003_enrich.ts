// Enrichment: every model call with tokens and cost (llm_calls), the result cache by content hash + prompt
// version + model (enrich_cache), and the claim on articles being enriched, so a crashed run's articles
// can be taken over instead of staying 'running' for ever.
import type { Kysely, Migration } from 'kysely';

export const enrichMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createTable('llm_calls')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // No foreign keys: accounting outlives purged articles and sources.
      .addColumn('article_id', 'text')
      .addColumn('source_id', 'text')
      .addColumn('execution_id', 'text')
      .addColumn('step', 'text', (c) => c.notNull())
      .addColumn('model', 'text', (c) => c.notNull())
      .addColumn('prompt_tokens', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('completion_tokens', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cached_tokens', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('reasoning_tokens', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('usage_estimated', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('latency_ms', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('error_code', 'text')
      .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('repair', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('cost_usd', 'double precision')
      .addColumn('at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('llm_calls_at_idx').on('llm_calls').column('at').execute();
    await db.schema.createIndex('llm_calls_model_idx').on('llm_calls').columns(['model', 'at']).execute();
    await db.schema
      .createIndex('llm_calls_source_idx')
      .on('llm_calls')
      .columns(['source_id', 'at'])
      .execute();
    await db.schema.createIndex('llm_calls_article_idx').on('llm_calls').column('article_id').execute();

    await db.schema
      .createTable('enrich_cache')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('enrich_cache_created_idx').on('enrich_cache').column('created_at').execute();

    await db.schema.alterTable('articles').addColumn('enrich_claim_owner', 'text').execute();
    await db.schema.alterTable('articles').addColumn('enrich_claimed_at', 'bigint').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('articles').dropColumn('enrich_claimed_at').execute();
    await db.schema.alterTable('articles').dropColumn('enrich_claim_owner').execute();
    await db.schema.dropTable('enrich_cache').execute();
    await db.schema.dropTable('llm_calls').execute();
  },
};
