// The table the bench's comparison crawlers (naive and reference) store articles in: one row per
// (source, URL), a transaction per source, WAL with synchronous=NORMAL as the service runs SQLite.
import BetterSqlite3 from 'better-sqlite3';

export interface BaselineArticle {
  url: string;
  guid: string | null;
  title: string;
  content: string;
  published: number | string | null;
}

export function openBaselineArticles(file: string): {
  /** Inserts a source's articles in one transaction; returns how many were new. */
  insertSource(source: number, articles: BaselineArticle[]): number;
  close(): void;
} {
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE articles (id INTEGER PRIMARY KEY, source INTEGER NOT NULL, url TEXT NOT NULL, guid TEXT,
    title TEXT, content TEXT, published, UNIQUE (source, url))`);
  const insert = db.prepare(
    'INSERT OR IGNORE INTO articles (source, url, guid, title, content, published) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const insertAll = db.transaction((source: number, articles: BaselineArticle[]) => {
    let changes = 0;
    for (const a of articles)
      changes += insert.run(source, a.url, a.guid, a.title, a.content, a.published).changes;
    return changes;
  });
  return {
    insertSource: (source, articles) => insertAll(source, articles),
    close: () => db.close(),
  };
}
