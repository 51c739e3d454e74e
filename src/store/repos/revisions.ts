// Monotonic per-aggregate change counters. A bump returns max(now, previous + 1), so values stay close to
// wall-clock time yet strictly increase even for edits within one millisecond or from several processes.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export async function bumpRevision(db: Kysely<Database>, name: string, now: number): Promise<number> {
  const row = await db
    .insertInto('revisions')
    .values({ name, value: now })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({
        value: sql<number>`CASE WHEN ${sql.ref('revisions.value')} >= ${sql.ref('excluded.value')}
          THEN ${sql.ref('revisions.value')} + 1 ELSE ${sql.ref('excluded.value')} END`,
      }),
    )
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

export async function readRevision(db: Kysely<Database>, name: string): Promise<number> {
  const row = await db.selectFrom('revisions').select('value').where('name', '=', name).executeTakeFirst();
  return row ? Number(row.value) : 0;
}
