import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../schema.ts';
import { openSqlite } from './open-sqlite.ts';
import { SavepointBatcher } from './savepoint-batcher.ts';

let dir: string;
let file: string;
let db: Kysely<Database>;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-batcher-'));
  file = path.join(dir, 'db.sqlite');
  db = openSqlite(file);
  await sql`create table t (v text primary key)`.execute(db);
});
afterEach(async () => {
  await db.destroy().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

const insert = (v: string) => (trx: Kysely<Database>) => sql`insert into t (v) values (${v})`.execute(trx);
const stored = async () =>
  (await sql<{ v: string }>`select v from t order by v`.execute(db)).rows.map((r) => r.v);

describe('SavepointBatcher', () => {
  it('runs writes queued in the same turn in one transaction and settles them after the commit', async () => {
    const batcher = new SavepointBatcher(db);
    // Another connection sees only committed rows: each write must be visible there once it resolves.
    const other = new BetterSqlite3(file, { readonly: true });
    const seen: number[] = [];
    const count = () => (other.prepare('select count(*) as n from t').get() as { n: number }).n;
    await Promise.all(
      ['a', 'b', 'c'].map((v) =>
        batcher
          .run(async (trx) => {
            await insert(v)(trx);
            return v;
          })
          .then(() => seen.push(count())),
      ),
    );
    other.close();
    expect(batcher.transactions).toBe(1);
    expect(seen).toEqual([3, 3, 3]);
    expect(await stored()).toEqual(['a', 'b', 'c']);
  });

  it('rolls back a failing write alone; only its caller sees the error', async () => {
    const batcher = new SavepointBatcher(db);
    const results = await Promise.allSettled([
      batcher.run(async (trx) => (await insert('a')(trx), 'first')),
      batcher.run(async (trx) => {
        await insert('b')(trx); // written, then undone with its savepoint
        throw new Error('second write fails');
      }),
      batcher.run(async (trx) => insert('a')(trx)), // primary key conflict with the first
      batcher.run(async (trx) => (await insert('d')(trx), 'fourth')),
    ]);
    expect(batcher.transactions).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseFulfilledResult<string>).value).toBe('first');
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('second write fails');
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/UNIQUE/);
    expect(await stored()).toEqual(['a', 'd']);
  });

  it('starts a new transaction once a batch is full', async () => {
    const batcher = new SavepointBatcher(db, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((v) => batcher.run(insert(v))));
    expect(batcher.transactions).toBe(3);
    expect(await stored()).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('rejects every write of a batch whose transaction cannot run', async () => {
    const batcher = new SavepointBatcher(db);
    await db.destroy();
    const results = await Promise.allSettled([batcher.run(insert('a')), batcher.run(insert('b'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
