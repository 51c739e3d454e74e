// PostgreSQL glue: a pg Pool whose int8 values come back as numbers (epoch ms fit easily) and whose
// connections all use the Store's schema.
import pg from 'pg';
import { Kysely } from 'kysely';
import { ValidationError } from '../../errors.ts';
import { isUniqueViolation } from '../errors.ts';
import type { Database } from '../schema.ts';
import { SchemaScopedPostgresDialect } from './scoped-introspector.ts';

const INT8_OID = 20;
const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary'): any {
    if (oid === INT8_OID && format !== 'binary') return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export interface PostgresHandle {
  db: Kysely<Database>;
  /** The schema holding the tables (the given one, or the connection's default). */
  schema: string;
}

export async function openPostgres(url: string, schema?: string): Promise<PostgresHandle> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new ValidationError(
      `invalid PostgreSQL schema name "${schema}": use lower-case letters, digits and _`,
    );
  }
  const pool = new pg.Pool({
    connectionString: url,
    types,
    max: 10,
    idleTimeoutMillis: 30_000,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // An idle client that loses its connection must not crash the process; the next query reports it.
  pool.on('error', () => {});
  try {
    const own = schema ?? (await currentSchema(pool));
    const db = new Kysely<Database>({ dialect: new SchemaScopedPostgresDialect({ pool }, own) });
    if (schema) await createSchema(db, schema);
    return { db, schema: own };
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
}

async function currentSchema(pool: pg.Pool): Promise<string> {
  const res = await pool.query<{ schema: string | null }>('select current_schema() as schema');
  return res.rows[0]?.schema ?? 'public';
}

async function createSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await db.schema.createSchema(schema).ifNotExists().execute();
  } catch (err) {
    // Concurrent CREATE SCHEMA IF NOT EXISTS can still collide on the catalog; the schema then exists.
    if (!isUniqueViolation(err)) throw err;
  }
}
