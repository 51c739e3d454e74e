// better-sqlite3 prepares every statement Kysely sends; the same few statements run thousands of times a
// second in the task engine, so keep them prepared.
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

const MAX_STATEMENTS = 500;

export function withStatementCache(db: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (!stmt) {
        stmt = db.prepare(sql) as unknown as SqliteStatement;
        // Statements vary little (IN lists of different lengths); a full reset keeps this simple and bounded.
        if (cache.size >= MAX_STATEMENTS) cache.clear();
        cache.set(sql, stmt);
      }
      return stmt;
    },
    close(): void {
      cache.clear();
      db.close();
    },
  };
}
