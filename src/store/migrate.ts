// Applying migrations, safely when several processes start at once.
// PostgreSQL: Kysely's Migrator holds an advisory lock and runs each migration in a transaction.
// SQLite: Kysely only serialises callers inside one process, so the whole run happens inside
// BEGIN IMMEDIATE (one writer per file across processes), which also makes a failed run roll back.
import { Migrator, sql, type Kysely, type MigrationProvider } from 'kysely';
import type { Dialect } from './types.ts';
import { migrations } from './migrations/index.ts';
import { isSqliteBusy, SQLITE_BUSY_TIMEOUT_MS } from './sqlite/open-sqlite.ts';

const MIGRATION_TABLE = 'kysely_migration';
const SQLITE_LOCK_WAIT_MS = 120_000;

const provider: MigrationProvider = { getMigrations: async () => migrations };

export interface MigrationTarget {
  dialect: Dialect;
  /** PostgreSQL schema that holds the tables (and Kysely's bookkeeping tables). */
  schema?: string;
}

export async function runMigrations(db: Kysely<any>, target: MigrationTarget): Promise<string[]> {
  if (target.dialect === 'postgres') return migrateWith(db, target.schema);
  return db.connection().execute(async (conn) => {
    await beginImmediate(conn);
    try {
      const applied = await migrateWith(conn, undefined);
      await sql`COMMIT`.execute(conn);
      return applied;
    } catch (err) {
      await sql`ROLLBACK`.execute(conn).catch(() => {});
      throw err;
    }
  });
}

/** Names of the migrations known to this build that the database has not recorded yet. */
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  let done: Set<string>;
  try {
    const rows = await db.selectFrom(MIGRATION_TABLE).select('name').execute();
    done = new Set(rows.map((r) => String(r.name)));
  } catch {
    done = new Set();
  }
  return Object.keys(migrations).filter((name) => !done.has(name));
}

async function migrateWith(db: Kysely<any>, schema: string | undefined): Promise<string[]> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    // Without it Kysely looks for its tables in every schema and may find another schema's.
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new Error(`database migration ${failed ?? ''} failed: ${errorMessage(error)}`.replace('  ', ' '), {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Take SQLite's write lock without blocking the event loop, so other work in this process keeps going. */
async function beginImmediate(conn: Kysely<any>): Promise<void> {
  await sql.raw('PRAGMA busy_timeout = 0').execute(conn);
  try {
    const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
    for (;;) {
      try {
        await sql`BEGIN IMMEDIATE`.execute(conn);
        return;
      } catch (err) {
        if (!isSqliteBusy(err) || Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
      }
    }
  } finally {
    await sql.raw(`PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`).execute(conn);
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
