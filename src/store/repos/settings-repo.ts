// Small JSON settings by key.
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { SettingsRepo } from '../types.ts';

export class SqlSettingsRepo implements SettingsRepo {
  readonly #db: Kysely<Database>;

  constructor(db: Kysely<Database>) {
    this.#db = db;
  }

  async get<T = unknown>(key: string): Promise<T | undefined> {
    const row = await this.#db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', key)
      .executeTakeFirst();
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    // undefined has no JSON form; store null so a later get() tells "set to nothing" from "never set".
    const json = JSON.stringify(value ?? null);
    const now = Date.now();
    await this.#db
      .insertInto('settings')
      .values({ key, value: json, updated_at: now })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: json, updated_at: now }))
      .execute();
  }
}
