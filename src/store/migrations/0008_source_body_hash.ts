// A source whose server sends neither ETag nor Last-Modified is recognised as unchanged by the hash of its
// last body, so an identical answer costs no parse and no article writes, as a 304 does.
import type { Kysely, Migration } from 'kysely';

export const sourceBodyHashMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('sources').addColumn('body_hash', 'text').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('sources').dropColumn('body_hash').execute();
  },
};
