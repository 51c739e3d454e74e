// Named leases. Acquiring is one upsert: it inserts a free name, renews the owner's own lease, or takes over
// an expired one; a live lease of another owner leaves the row untouched and returns nothing.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { LocksRepo } from '../types.ts';

export class SqlLocksRepo implements LocksRepo {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async tryAcquire(name: string, owner: string, ttlMs: number, now: number): Promise<boolean> {
    const row = await this.#db
      .insertInto('locks')
      .values({ name, owner, expires_at: now + ttlMs, acquired_at: now })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({
            owner: (eb) => eb.ref('excluded.owner'),
            expires_at: (eb) => eb.ref('excluded.expires_at'),
            // A renewal keeps the original acquisition time.
            acquired_at: sql<number>`CASE WHEN ${sql.ref('locks.owner')} = ${sql.ref('excluded.owner')}
              THEN ${sql.ref('locks.acquired_at')} ELSE ${sql.ref('excluded.acquired_at')} END`,
          })
          .where((eb) => eb.or([eb('locks.owner', '=', owner), eb('locks.expires_at', '<=', now)])),
      )
      .returning('name')
      .executeTakeFirst();
    return row !== undefined;
  }

  async release(name: string, owner: string): Promise<void> {
    await this.#db.deleteFrom('locks').where('name', '=', name).where('owner', '=', owner).execute();
  }
}
