// Enrichment results by cache key (content hash + prompt version + model), stored as JSON.
import type { Kysely } from 'kysely';
import type { EnrichCacheRepo } from '../enrich-types.ts';
import type { Database } from '../schema.ts';

export class SqlEnrichCacheRepo implements EnrichCacheRepo {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async get(key: string): Promise<unknown> {
    const row = await this.#db
      .selectFrom('enrich_cache')
      .select('result')
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? (JSON.parse(row.result) as unknown) : undefined;
  }

  async set(key: string, value: unknown, now: number): Promise<void> {
    const result = JSON.stringify(value ?? null);
    await this.#db
      .insertInto('enrich_cache')
      .values({ key, result, created_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ result, created_at: now }))
      .execute();
  }

  async deleteBefore(at: number): Promise<number> {
    const res = await this.#db.deleteFrom('enrich_cache').where('created_at', '<', at).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  async count(): Promise<number> {
    const row = await this.#db
      .selectFrom('enrich_cache')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
