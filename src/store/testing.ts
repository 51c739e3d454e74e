// Helpers for contract suites: a fresh, migrated Store per call on each dialect, and its disposal.
// SQLite gets a new file in a temp dir; PostgreSQL gets a new schema with a random name.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { openStore } from './open-store.ts';
import type { Store, StoreOptions } from './store.ts';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export type DisposableStore = Store & {
  /** How it was opened: pass to openStore() for a second handle on the same database (another "process"). */
  readonly options: StoreOptions;
  /** Delete every row of every app table: an empty database again, much cheaper than a new one. */
  reset(): Promise<void>;
  /** Close and delete the database (file or schema). */
  destroy(): Promise<void>;
};

export interface StoreFactory {
  name: 'sqlite' | 'postgres';
  create(): Promise<DisposableStore>;
}

let resolvedUrl: Promise<string> | undefined;

/**
 * The PostgreSQL URL tests use: NEWSDESK_TEST_DATABASE_URL, else postgres@127.0.0.1:5432/test, falling back to
 * user root when the role postgres does not exist on this machine.
 */
export function testDatabaseUrl(): Promise<string> {
  resolvedUrl ??= resolveTestDatabaseUrl();
  return resolvedUrl;
}

async function resolveTestDatabaseUrl(): Promise<string> {
  const fromEnv = process.env.NEWSDESK_TEST_DATABASE_URL;
  if (fromEnv) return fromEnv;
  try {
    await probe(DEFAULT_TEST_DATABASE_URL);
    return DEFAULT_TEST_DATABASE_URL;
  } catch (err) {
    // 28000: invalid_authorization_specification, e.g. role "postgres" does not exist.
    if ((err as { code?: string }).code !== '28000') throw err;
    const url = new URL(DEFAULT_TEST_DATABASE_URL);
    url.username = 'root';
    await probe(url.toString());
    return url.toString();
  }
}

async function probe(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.end();
}

/** A random schema name such as t_lx3k2a_5f9c1e0a. */
export function randomSchemaName(prefix = 't'): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

export async function createSqliteTestStore(): Promise<DisposableStore> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'newsdesk-store-'));
  const options: StoreOptions = { kind: 'sqlite', file: path.join(dir, 'newsdesk.db') };
  const store = await openStore(options);
  await store.migrate();
  return withDestroy(
    store,
    options,
    () => resetSqlite(options.file),
    async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  );
}

export async function createPostgresTestStore(): Promise<DisposableStore> {
  const url = await testDatabaseUrl();
  const schema = randomSchemaName();
  const options: StoreOptions = { kind: 'postgres', url, schema };
  const store = await openStore(options);
  await store.migrate();
  const resetter = postgresResetter(url, schema);
  return withDestroy(store, options, resetter.reset, async () => {
    await resetter.close();
    await store.close();
    await dropSchema(url, schema);
  });
}

function withDestroy(
  store: Store,
  options: StoreOptions,
  reset: () => Promise<void>,
  destroy: () => Promise<void>,
): DisposableStore {
  let done: Promise<void> | undefined;
  return Object.assign(store, {
    options,
    reset,
    destroy: () => (done ??= destroy()),
  });
}

async function resetSqlite(file: string): Promise<void> {
  const db = new BetterSqlite3(file, { timeout: 5000 });
  try {
    const tables = db
      .prepare(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'kysely_%'`,
      )
      .pluck()
      .all() as string[];
    db.transaction(() => {
      for (const t of tables) db.exec(`DELETE FROM "${t}"`);
    })();
  } finally {
    db.close();
  }
}

/** Empties a test schema over one kept client; the table list is read once (migrations ran already). */
function postgresResetter(url: string, schema: string): { reset(): Promise<void>; close(): Promise<void> } {
  let ready: Promise<{ client: pg.Client; deletes: string }> | undefined;
  const open = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const res = await client.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename NOT LIKE 'kysely!_%' ESCAPE '!'`,
      [schema],
    );
    // DELETE beats TRUNCATE on a handful of small tables (no file swaps, no exclusive locks).
    const deletes = res.rows.map((r) => `DELETE FROM "${schema}"."${r.tablename}";`).join('\n');
    return { client, deletes };
  };
  return {
    async reset() {
      ready ??= open();
      const { client, deletes } = await ready;
      if (deletes) await client.query(deletes);
    },
    async close() {
      if (ready) await (await ready).client.end();
    },
  };
}

/** A fresh, empty and not yet migrated database of the given kind, for migration tests. */
export async function createBlankDatabase(
  kind: 'sqlite' | 'postgres',
): Promise<{ options: StoreOptions; destroy(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'newsdesk-store-'));
    return {
      options: { kind: 'sqlite', file: path.join(dir, 'newsdesk.db') },
      destroy: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const url = await testDatabaseUrl();
  const schema = randomSchemaName();
  return { options: { kind: 'postgres', url, schema }, destroy: () => dropSchema(url, schema) };
}

/** Fresh migrated stores, one factory per dialect; call destroy() on each store in afterEach/afterAll. */
export const storeFactories: StoreFactory[] = [
  { name: 'sqlite', create: createSqliteTestStore },
  { name: 'postgres', create: createPostgresTestStore },
];
