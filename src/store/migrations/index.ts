// Every migration, by name. Names sort in the order they run: add 0002_<what>.ts, 0003_<what>.ts, ... here.
// A migration that must differ per dialect asks isPostgres(db) (see dialect.ts).
import type { Migration } from 'kysely';
import { coreMigration } from './0001_core.ts';
import { contentMigration } from './0002_content.ts';
import { enrichMigration } from './0003_enrich.ts';
import { eventsMigration } from './0004_events.ts';
import { digestsMigration } from './0005_digests.ts';
import { crawlMigration } from './0006_crawl.ts';
import { enrichDueMigration } from './0007_enrich_due.ts';
import { sourceBodyHashMigration } from './0008_source_body_hash.ts';
import { executionListedResultMigration } from './0009_execution_listed_result.ts';

export const migrations: Record<string, Migration> = {
  '0001_core': coreMigration,
  '0002_content': contentMigration,
  '0003_enrich': enrichMigration,
  '0004_events': eventsMigration,
  '0005_digests': digestsMigration,
  '0006_crawl': crawlMigration,
  '0007_enrich_due': enrichDueMigration,
  '0008_source_body_hash': sourceBodyHashMigration,
  '0009_execution_listed_result': executionListedResultMigration,
};
