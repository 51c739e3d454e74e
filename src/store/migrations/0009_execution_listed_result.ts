// Execution lists show results with long arrays cut (see listed-result.ts). The cut copy is stored when an
// execution finishes, so a list reads a few hundred bytes per row instead of parsing every whole result.
// Rows finished before this column existed have it null and are cut when listed, as before.
import type { Kysely, Migration } from 'kysely';

export const executionListedResultMigration: Migration = {
  async up(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('executions').addColumn('result_listed', 'text').execute();
  },
  async down(db: Kysely<any>): Promise<void> {
    await db.schema.alterTable('executions').dropColumn('result_listed').execute();
  },
};
