// Enrichment claims the newest due articles first. Without an index in that order, each claim collected
// and sorted every pending article, so its cost grew with the backlog (25 ms per batch at 20,000 pending
// on SQLite); with it, the pending part of a claim reads one batch of index entries.
import type { Kysely, Migration } from 'kysely';

export const enrichDueMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema
      .createIndex('articles_enrich_due_idx')
      .on('articles')
      .columns(['enrich_state', 'fetched_at', 'id'])
      .execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.dropIndex('articles_enrich_due_idx').execute();
  },
};
