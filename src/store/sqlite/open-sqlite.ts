// SQLite glue: one better-sqlite3 connection per Store, tuned for a busy job table.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../schema.ts';
import { withStatementCache } from './statement-cache.ts';
import { BACKSTOP_PAGES, WalCheckpointer } from './wal-checkpointer.ts';

export const SQLITE_BUSY_TIMEOUT_MS = 5000;

export interface OpenSqliteOptions {
  /** WAL checkpoints on a background thread instead of inside commits (see wal-checkpointer.ts). */
  backgroundCheckpoints?: boolean;
  /** Told when background WAL checkpoints fail (the connection then checkpoints by itself). */
  onCheckpointError?: (err: Error) => void;
}

export function openSqlite(file: string, opts: OpenSqliteOptions = {}): Kysely<Database> {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    raw.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
    raw.pragma('journal_mode = WAL');
    // With WAL, NORMAL is durable against application crashes; only a power cut may lose the last commits.
    raw.pragma('synchronous = NORMAL');
    raw.pragma('foreign_keys = ON');
  } catch (err) {
    raw.close();
    throw err;
  }
  const database = withStatementCache(raw);
  const wal = file !== ':memory:' && raw.pragma('journal_mode', { simple: true }) === 'wal';
  if (wal && opts.backgroundCheckpoints) {
    // Checkpoints (and their fsyncs) on a thread of their own; see wal-checkpointer.ts.
    const ownThreshold = raw.pragma('wal_autocheckpoint', { simple: true }) as number;
    raw.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    const checkpointer = new WalCheckpointer(path.resolve(file), {
      busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS,
      onError: opts.onCheckpointError,
      onStopped: () => {
        if (raw.open) raw.pragma(`wal_autocheckpoint = ${ownThreshold}`);
      },
    });
    const close = database.close.bind(database);
    database.close = () => {
      void checkpointer.close();
      close();
    };
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

export function isSqliteBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
