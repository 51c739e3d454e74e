import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from './open-sqlite.ts';
import { BACKSTOP_PAGES, WalCheckpointer } from './wal-checkpointer.ts';

const PAGE_TEXT = 'x'.repeat(3000);
let dir: string;
const open: { close(): unknown }[] = [];

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-wal-'));
});
afterEach(() => {
  for (const o of open.splice(0)) o.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A WAL database that never checkpoints by itself, as the main connection behaves up to its backstop. */
function database(): { db: BetterSqlite3.Database; file: string; write(rows: number): void } {
  const file = path.join(dir, 'db.sqlite');
  const db = new BetterSqlite3(file);
  open.push(db);
  db.pragma('journal_mode = WAL');
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE t (v TEXT)');
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  return {
    db,
    file,
    write: (rows) =>
      db.transaction(() => {
        for (let i = 0; i < rows; i++) insert.run(PAGE_TEXT);
      })(),
  };
}

function checkpointer(file: string, errors: Error[] = []): WalCheckpointer {
  const c = new WalCheckpointer(file, {
    busyTimeoutMs: 1000,
    intervalMs: 20,
    onError: (e) => errors.push(e),
  });
  open.push(c);
  return c;
}

const until = async (what: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WalCheckpointer', () => {
  it('leaves a small WAL alone: no thread', async () => {
    const { file, write } = database();
    const c = checkpointer(file);
    write(50);
    await pause(150);
    expect(c.threadStarted).toBe(false);
    expect(c.completed).toBe(0);
  });

  it('starts its thread once the WAL reaches the start size and copies every frame back', async () => {
    const { db, file, write } = database();
    const c = checkpointer(file);
    write(2000); // ~8 MB of WAL
    await until(() => c.completed >= 1);
    expect(c.threadStarted).toBe(true);
    const after = await c.checkpoint();
    expect(after).toMatchObject({ busy: 0 });
    expect(after!.checkpointed).toBe(after!.log);
    // The data is in the database file: a reader that ignores the WAL would still see it.
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 2000 });
  });

  it('checkpoints again after later writes, and not while nothing is written', async () => {
    const { file, write } = database();
    const c = checkpointer(file);
    write(2000);
    await until(() => c.completed >= 1);
    await pause(100);
    const idle = c.completed;
    await pause(150);
    expect(c.completed).toBe(idle);
    write(10);
    await until(() => c.completed > idle);
  });

  it('reports a thread that cannot open the database, hands checkpoints back, and answers none after', async () => {
    const errors: Error[] = [];
    let stopped = 0;
    const c = new WalCheckpointer(path.join(dir, 'missing.sqlite'), {
      busyTimeoutMs: 1000,
      onError: (e) => errors.push(e),
      onStopped: () => stopped++,
    });
    open.push(c);
    await expect(c.checkpoint()).resolves.toBeUndefined();
    expect(errors.length).toBeGreaterThan(0);
    expect(stopped).toBe(1);
    await expect(c.checkpoint()).resolves.toBeUndefined();
    expect(stopped).toBe(1);
  });

  it('ends its thread on close, quietly', async () => {
    const { file, write } = database();
    const errors: Error[] = [];
    const c = checkpointer(file, errors);
    write(2000);
    await until(() => c.completed >= 1);
    const pending = c.checkpoint();
    await c.close(); // resolves once the thread has exited
    await expect(pending).resolves.toBeUndefined();
    await expect(c.checkpoint()).resolves.toBeUndefined();
    expect(errors).toEqual([]);
  });
});

describe('openSqlite with a file', () => {
  it('leaves checkpoints to SQLite unless asked', async () => {
    const db = openSqlite(path.join(dir, 'plain.sqlite'));
    try {
      const row = await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(db);
      expect(row.rows[0].wal_autocheckpoint).toBe(1000);
    } finally {
      await db.destroy();
    }
  });

  it('keeps the WAL short while writing far more than it, with its own threshold only as a backstop', async () => {
    const file = path.join(dir, 'store.sqlite');
    const db = openSqlite(file, { backgroundCheckpoints: true });
    try {
      const row = await sql<{ wal_autocheckpoint: number }>`PRAGMA wal_autocheckpoint`.execute(db);
      expect(row.rows[0].wal_autocheckpoint).toBe(BACKSTOP_PAGES);
      await sql`CREATE TABLE t (v TEXT)`.execute(db);
      let maxWal = 0;
      // 60 MB in 2 MB transactions, with the event loop turning between them as it does in the service.
      for (let i = 0; i < 30; i++) {
        await db.transaction().execute(async (trx) => {
          for (let j = 0; j < 500; j++) await sql`INSERT INTO t (v) VALUES (${PAGE_TEXT + i})`.execute(trx);
        });
        await pause(60);
        maxWal = Math.max(maxWal, statSync(`${file}-wal`).size);
      }
      // Without the thread the WAL would hold all 60 MB (the backstop is 25,000 pages, ~100 MB).
      expect(maxWal).toBeLessThan(30 * 1024 * 1024);
    } finally {
      await db.destroy();
    }
  });
});
