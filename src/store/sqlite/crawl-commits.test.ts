// On SQLite a crawl's writes that arrive together share one commit (savepoint-batcher.ts): counted here
// as commit frames in the write-ahead log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewArticle } from '../crawl-types.ts';
import { openStore } from '../open-store.ts';
import type { Store } from '../store.ts';

let dir: string;
let file: string;
let store: Store;

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-commits-'));
  file = path.join(dir, 'newsdesk.db');
  store = await openStore({ kind: 'sqlite', file });
  await store.migrate();
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Empties the WAL, so that what follows is all it holds. */
function truncateWal(): void {
  const db = new BetterSqlite3(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Frames whose header records a database size: the last frame of each commit (SQLite's WAL format). */
function commitsInWal(): number {
  const wal = readFileSync(`${file}-wal`);
  const pageSize = wal.readUInt32BE(8);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize)
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  return commits;
}

const article = (n: number): NewArticle => ({
  url: `https://news.example.test/a/${n}`,
  canonicalUrl: `https://news.example.test/a/${n}`,
  guid: `guid-${n}`,
  title: `Title ${n}`,
  author: null,
  feedSummary: null,
  contentHtml: `<p>Body ${n}</p>`,
  contentText: `Body ${n}`,
  contentHash: `hash-${n}`,
  publishedAt: null,
});

describe('crawl writes on SQLite', () => {
  it('share one commit when they arrive together: source states and article inserts', async () => {
    const sources = await Promise.all(
      [0, 1, 2, 3].map((i) => store.sources.create({ name: `s${i}`, url: `https://s${i}.test/rss` })),
    );
    truncateWal();
    await Promise.all([
      store.sources.updateState(sources[0].id, { lastStatus: 304 }),
      store.sources.updateState(sources[1].id, { lastStatus: 304 }),
      store.articles.insertForSource(sources[2].id, [article(1), article(2)], 1_000),
      store.articles.insertForSource(sources[3].id, [article(3)], 1_000),
    ]);
    expect(commitsInWal()).toBe(1);
    expect(await store.articles.countBySource(sources[2].id)).toBe(2);
    expect((await store.sources.get(sources[1].id))?.lastStatus).toBe(304);

    // One at a time, each is its own commit.
    truncateWal();
    await store.sources.updateState(sources[0].id, { lastStatus: 200 });
    await store.sources.updateState(sources[1].id, { lastStatus: 200 });
    expect(commitsInWal()).toBe(2);
  });
});
