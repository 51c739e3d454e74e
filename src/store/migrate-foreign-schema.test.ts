// PostgreSQL databases shared by several schemas (test runs, tenants): migrating one schema must not fail
// because a neighbouring schema is dropped while Kysely reads the catalog.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from './open-store.ts';
import { dropSchema, randomSchemaName, testDatabaseUrl } from './testing.ts';

describe('migrations on PostgreSQL while other schemas come and go', () => {
  const mine: string[] = [];
  afterAll(async () => {
    const url = await testDatabaseUrl();
    for (const s of mine) await dropSchema(url, s);
  });

  it('all succeed', async () => {
    const url = await testDatabaseUrl();
    const churn = new pg.Client({ connectionString: url });
    await churn.connect();
    let stop = false;
    // Many small schemas created and dropped back to back: each DROP can land inside an introspection.
    const churning = (async () => {
      while (!stop) {
        const name = randomSchemaName('churn');
        await churn.query(`CREATE SCHEMA "${name}"; CREATE TABLE "${name}".t (id int)`);
        await churn.query(`DROP SCHEMA "${name}" CASCADE`);
      }
    })();
    try {
      for (let i = 0; i < 12; i++) {
        const schema = randomSchemaName();
        mine.push(schema);
        const store = await openStore({ kind: 'postgres', url, schema });
        try {
          await store.migrate();
          expect(await store.ready()).toBe(true);
        } finally {
          await store.close();
        }
      }
    } finally {
      stop = true;
      await churning;
      await churn.end();
    }
  });
});
