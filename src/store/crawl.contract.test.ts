// Sources, crawl history and articles (dedup, list, detail) on SQLite and PostgreSQL.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError } from '../errors.ts';
import type { NewArticle, NewCrawlRun } from './crawl-types.ts';
import { openStore } from './open-store.ts';
import { sql } from 'kysely';
import { openPostgres } from './postgres/open-postgres.ts';
import { openSqlite } from './sqlite/open-sqlite.ts';
import { seedContent } from './testing-content.ts';
import { storeFactories, type DisposableStore, type StoreFactory } from './testing.ts';

const T0 = 1_800_000_000_000;
const HOUR = 3_600_000;

function article(n: number | string, more: Partial<NewArticle> = {}): NewArticle {
  const url = `https://news.example.test/a/${n}`;
  return {
    url,
    canonicalUrl: url,
    guid: `guid-${n}`,
    title: `Title ${n}`,
    author: null,
    feedSummary: `Summary ${n}`,
    contentHtml: `<p>Body ${n}</p>`,
    contentText: `Body ${n}`,
    contentHash: `hash-${n}`,
    publishedAt: T0 - HOUR,
    ...more,
  };
}

function run(sourceId: string, startedAt: number, more: Partial<NewCrawlRun> = {}): NewCrawlRun {
  return {
    sourceId,
    executionId: 'exec-1',
    url: 'https://feeds.example.test/rss',
    status: 'ok',
    httpStatus: 200,
    errorCode: null,
    errorMessage: null,
    itemsFound: 3,
    itemsNew: 2,
    outage: false,
    startedAt,
    finishedAt: startedAt + 120,
    durationMs: 120,
    log: [{ ts: startedAt, level: 'info', msg: 'fetched' }],
    ...more,
  };
}

/**
 * 50,000 articles in one INSERT … SELECT over a generated series (portable SQL): row i belongs to source
 * ⌊i / 2000⌋, was fetched at T0 + ⌊i / 500⌋ minutes, and every 97th title contains "Needle".
 */
async function seedGenerated(store: DisposableStore, sourceIds: string[]): Promise<void> {
  const opts = store.options;
  const db = opts.kind === 'sqlite' ? openSqlite(opts.file) : (await openPostgres(opts.url, opts.schema)).db;
  const sourceOf = sql.join(
    sourceIds.map((id, k) => sql`WHEN ${sql.lit(k)} THEN ${sql.lit(id)}`),
    sql` `,
  );
  try {
    await sql`
      WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 49999)
      INSERT INTO articles (id, source_id, url, canonical_url, title, content_hash, fetched_at, enrich_state, enrich_attempts)
      SELECT CAST(100000 + i AS TEXT), CASE (i / 2000) ${sourceOf} END,
             'https://n.test/' || CAST(i AS TEXT), 'https://n.test/' || CAST(i AS TEXT),
             CASE WHEN i % 97 = 0 THEN 'Needle story ' ELSE 'Story ' END || CAST(i AS TEXT),
             'h' || CAST(i AS TEXT), ${sql.lit(T0)} + (i / 500) * 60000, 'pending', 0
      FROM n`.execute(db);
  } finally {
    await db.destroy();
  }
}

describe.each(storeFactories)('crawl store contract: $name', (factory: StoreFactory) => {
  let store: DisposableStore;

  beforeAll(async () => {
    store = await factory.create();
  });
  beforeEach(async () => {
    await store.reset();
  });
  afterAll(async () => {
    await store?.destroy();
  });

  describe('sources', () => {
    it('creates with defaults, reads, lists, updates and deletes; a duplicate URL is a conflict', async () => {
      const s = await store.sources.create(
        {
          name: 'Krebs',
          url: 'https://krebsonsecurity.com/feed/',
          selectors: { list: 'a.story' },
          headers: { Referer: 'https://x.test/' },
        },
        T0,
      );
      expect(s).toMatchObject({
        name: 'Krebs',
        type: 'feed',
        active: true,
        maxFetchDays: 3,
        fetchIntervalMinutes: null,
        fullText: false,
        selectors: { list: 'a.story' },
        headers: { Referer: 'https://x.test/' },
        consecutiveFailures: 0,
        nextCheckAt: null,
        createdAt: T0,
      });
      expect(await store.sources.get(s.id)).toEqual(s);
      expect((await store.sources.getByUrl(s.url))?.id).toBe(s.id);
      await expect(store.sources.create({ name: 'Again', url: s.url })).rejects.toBeInstanceOf(ConflictError);

      const other = await store.sources.create({ name: 'Another', url: 'https://b.test/rss', type: 'page' });
      await expect(store.sources.update(other.id, { url: s.url })).rejects.toBeInstanceOf(ConflictError);
      const changed = await store.sources.update(
        other.id,
        { name: 'B', fetchIntervalMinutes: 30, fullText: true },
        T0 + 5,
      );
      expect(changed).toMatchObject({
        name: 'B',
        fetchIntervalMinutes: 30,
        fullText: true,
        updatedAt: T0 + 5,
      });
      expect(await store.sources.update('missing', { name: 'x' })).toBeUndefined();

      const page = await store.sources.list();
      expect(page.total).toBe(2);
      expect(page.items.map((x) => x.name)).toEqual(['B', 'Krebs']);
      expect((await store.sources.list({ q: 'KREBS' })).items.map((x) => x.id)).toEqual([s.id]);
      expect((await store.sources.list({ type: 'page' })).items.map((x) => x.id)).toEqual([other.id]);
      expect((await store.sources.list({ q: '100%' })).total).toBe(0);

      expect(await store.sources.delete(other.id)).toBe(true);
      expect(await store.sources.delete(other.id)).toBe(false);
    });

    it('lists due sources and writes crawl state with the history row in one go', async () => {
      const a = await store.sources.create({ name: 'a', url: 'https://a.test/rss' });
      const b = await store.sources.create({ name: 'b', url: 'https://b.test/rss' });
      const c = await store.sources.create({ name: 'c', url: 'https://c.test/rss', active: false });
      await store.sources.updateState(b.id, { nextCheckAt: T0 + HOUR });
      expect((await store.sources.listDue(T0)).map((s) => s.id)).toEqual([a.id]);
      expect((await store.sources.listDue(T0 + HOUR)).map((s) => s.id)).toEqual([a.id, b.id]);
      expect((await store.sources.listDue(T0 + HOUR)).map((s) => s.id)).not.toContain(c.id);

      await store.sources.updateState(
        a.id,
        {
          etag: '"v1"',
          lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT',
          lastFetchAt: T0,
          lastStatus: 503,
          lastErrorCode: 'UPSTREAM_HTTP_503',
          lastMessage: 'HTTP 503',
          consecutiveFailures: 2,
          firstFailureAt: T0 - HOUR,
          nextCheckAt: T0 + 600_000,
          pendingRedirectUrl: 'https://a.test/feed',
          pendingRedirectCount: 1,
          entriesPerWeek: 12.5,
        },
        run(a.id, T0, { status: 'failed', httpStatus: 503, errorCode: 'UPSTREAM_HTTP_503' }),
        T0,
      );
      const after = await store.sources.get(a.id);
      expect(after).toMatchObject({
        etag: '"v1"',
        lastStatus: 503,
        lastErrorCode: 'UPSTREAM_HTTP_503',
        consecutiveFailures: 2,
        firstFailureAt: T0 - HOUR,
        nextCheckAt: T0 + 600_000,
        pendingRedirectUrl: 'https://a.test/feed',
        pendingRedirectCount: 1,
        entriesPerWeek: 12.5,
      });
      const runs = await store.sources.listRuns(a.id);
      expect(runs.total).toBe(1);
      expect(runs.items[0]).toMatchObject({
        status: 'failed',
        errorCode: 'UPSTREAM_HTTP_503',
        itemsNew: 2,
        outage: false,
      });
      expect(runs.items[0].log).toEqual([{ ts: T0, level: 'info', msg: 'fetched' }]);
    });

    it('keeps the body hash of a validator-less source, and forgets it with the validators on a new URL', async () => {
      const s = await store.sources.create({ name: 'a', url: 'https://a.test/rss' });
      expect(s.bodyHash).toBeNull();
      await store.sources.updateState(s.id, { bodyHash: 'f'.repeat(64), etag: null });
      expect((await store.sources.get(s.id))?.bodyHash).toBe('f'.repeat(64));
      await store.sources.update(s.id, { name: 'renamed' });
      expect((await store.sources.get(s.id))?.bodyHash).toBe('f'.repeat(64));
      await store.sources.update(s.id, { url: 'https://a.test/other.xml' });
      expect((await store.sources.get(s.id))?.bodyHash).toBeNull();
    });

    it('disables with a reason and re-enables as due now with the failure streak cleared', async () => {
      const s = await store.sources.create({ name: 'a', url: 'https://a.test/rss' });
      await store.sources.updateState(s.id, {
        consecutiveFailures: 30,
        firstFailureAt: T0,
        nextCheckAt: T0 + HOUR,
      });
      const off = await store.sources.setActive(s.id, false, 'failing for 15 days');
      expect(off).toMatchObject({ active: false, disabledReason: 'failing for 15 days' });
      const on = await store.sources.setActive(s.id, true);
      expect(on).toMatchObject({
        active: true,
        disabledReason: null,
        consecutiveFailures: 0,
        nextCheckAt: null,
      });
      expect(await store.sources.setActive('missing', true)).toBeUndefined();
    });

    it('pages history newest first and deletes old runs; deleting a source deletes its runs', async () => {
      const s = await store.sources.create({ name: 'a', url: 'https://a.test/rss' });
      for (let i = 0; i < 5; i++) await store.sources.recordRun(run(s.id, T0 + i * HOUR));
      const page = await store.sources.listRuns(s.id, { limit: 2 });
      expect(page.total).toBe(5);
      expect(page.items.map((r) => r.startedAt)).toEqual([T0 + 4 * HOUR, T0 + 3 * HOUR]);
      expect(await store.sources.deleteRunsBefore(T0 + 2 * HOUR)).toBe(2);
      expect((await store.sources.listRuns(s.id)).total).toBe(3);
      await store.sources.delete(s.id);
      expect((await store.sources.listRuns(s.id)).total).toBe(0);
    });
  });

  describe('articles', () => {
    it('inserts new entries once per (source, canonical URL) and (source, guid)', async () => {
      const s = await store.sources.create({ name: 'a', url: 'https://a.test/rss' });
      const first = await store.articles.insertForSource(s.id, [article(1), article(2), article(2)], T0);
      expect(first).toEqual({ insertedIds: expect.any(Array), duplicates: 1, crossSource: 0 });
      expect(first.insertedIds).toHaveLength(2);
      // Same URL, or same GUID under another URL: both already stored.
      const again = await store.articles.insertForSource(
        s.id,
        [article(1), article(3, { guid: 'guid-2' }), article(4)],
        T0 + 1,
      );
      expect(again.insertedIds).toHaveLength(1);
      expect(again.duplicates).toBe(2);
      expect(await store.articles.countBySource(s.id)).toBe(3);
      const known = await store.articles.findExisting(s.id, {
        canonicalUrls: [article(1).canonicalUrl, article(9).canonicalUrl],
        guids: ['guid-4', 'guid-9'],
      });
      expect([...known.canonicalUrls]).toEqual([article(1).canonicalUrl]);
      expect([...known.guids]).toEqual(['guid-4']);
    });

    it("writes the source's state in the same transaction as its articles, or neither", async () => {
      const s = await store.sources.create({ name: 'a', url: 'https://a.test/rss' });
      const stored = await store.articles.insertForSource(s.id, [article(1), article(2)], T0, (inserted) => ({
        patch: { etag: '"v2"', lastStatus: 200, itemsNew: inserted.insertedIds.length },
        run: run(s.id, T0, { itemsNew: inserted.insertedIds.length }),
        now: T0,
      }));
      expect(stored.insertedIds).toHaveLength(2);
      expect(await store.sources.get(s.id)).toMatchObject({ etag: '"v2"', lastStatus: 200, itemsNew: 2 });
      expect((await store.sources.listRuns(s.id)).items.map((r) => r.itemsNew)).toEqual([2]);
      // A history row that cannot be written (no such source) takes the new article down with it.
      await expect(
        store.articles.insertForSource(s.id, [article(3)], T0 + 1, () => ({
          patch: { etag: '"v3"' },
          run: run('no-such-source', T0 + 1),
          now: T0 + 1,
        })),
      ).rejects.toThrow();
      expect(await store.articles.countBySource(s.id)).toBe(2);
      expect((await store.sources.get(s.id))?.etag).toBe('"v2"');
      // Nothing new to insert: the state is still written.
      await store.articles.insertForSource(s.id, [article(1)], T0 + 2, (inserted) => ({
        patch: { etag: '"v4"', itemsNew: inserted.insertedIds.length },
        now: T0 + 2,
      }));
      expect(await store.sources.get(s.id)).toMatchObject({ etag: '"v4"', itemsNew: 0 });
    });

    it('links the same canonical URL from another source with duplicate_of instead of dropping it', async () => {
      const a = await store.sources.create({ name: 'a', url: 'https://a.test/rss' });
      const b = await store.sources.create({ name: 'b', url: 'https://b.test/rss' });
      const c = await store.sources.create({ name: 'c', url: 'https://c.test/rss' });
      const [orig] = (await store.articles.insertForSource(a.id, [article(1)], T0)).insertedIds;
      const copy = await store.articles.insertForSource(b.id, [article(1, { guid: 'other' })], T0 + 1);
      expect(copy.crossSource).toBe(1);
      const third = await store.articles.insertForSource(c.id, [article(1, { guid: null })], T0 + 2);
      expect((await store.articles.get(copy.insertedIds[0]))?.duplicateOf).toBe(orig);
      // The third copy points at the original, not at the second copy.
      expect((await store.articles.get(third.insertedIds[0]))?.duplicateOf).toBe(orig);
      expect((await store.articles.get(orig))?.duplicateOf).toBeNull();
      const visible = await store.articles.list({ hideDuplicates: true });
      expect(visible.items.map((x) => x.id)).toEqual([orig]);
    });

    it('concurrent inserts of the same entries store each entry once', async () => {
      const s = await store.sources.create({ name: 'a', url: 'https://a.test/rss' });
      // PostgreSQL: a second pool, as another worker would have. SQLite: one connection per process,
      // where the transactions queue on the connection.
      const second = factory.name === 'postgres' ? await openStore(store.options) : undefined;
      const other = second ?? store;
      try {
        const batch = Array.from({ length: 40 }, (_, i) => article(i));
        const results = await Promise.all([
          store.articles.insertForSource(s.id, batch, T0),
          other.articles.insertForSource(s.id, batch, T0),
          store.articles.insertForSource(s.id, batch.slice(10), T0),
        ]);
        const inserted = results.reduce((n, r) => n + r.insertedIds.length, 0);
        expect(inserted).toBe(40);
        expect(await store.articles.countBySource(s.id)).toBe(40);
      } finally {
        await second?.close();
      }
    });

    it('reads the detail with the source name, body and enrichment', async () => {
      const s = await store.sources.create({ name: 'Krebs', url: 'https://a.test/rss' });
      const [id] = (await store.articles.insertForSource(s.id, [article(1, { author: 'B. Krebs' })], T0))
        .insertedIds;
      const a = await store.articles.get(id);
      expect(a).toMatchObject({
        id,
        sourceId: s.id,
        sourceName: 'Krebs',
        title: 'Title 1',
        author: 'B. Krebs',
        contentHtml: '<p>Body 1</p>',
        contentText: 'Body 1',
        publishedAt: T0 - HOUR,
        fetchedAt: T0,
        duplicateOf: null,
        enrichment: { state: 'pending', entities: [], cves: [], attempts: 0 },
      });
      expect(await store.articles.get('missing')).toBeUndefined();
    });

    it('lists with source, time, text, state and category filters, with keyset and offset pages', async () => {
      const { sourceIds } = await seedContent(store.options, {
        sources: [{ name: 'A' }, { name: 'B' }],
      });
      const [a, b] = sourceIds;
      await seedContent(store.options, {
        articles: [
          { sourceId: a, title: 'Ransomware hits hospital', fetchedAt: T0, category: '安全事件' },
          { sourceId: a, title: 'Patch Tuesday', fetchedAt: T0 + 1 * HOUR },
          {
            sourceId: b,
            title: 'Chrome zero-day',
            titleZh: 'Chrome 零日漏洞',
            fetchedAt: T0 + 2 * HOUR,
            category: '漏洞',
          },
          { sourceId: b, title: '100% off_sale', fetchedAt: T0 + 3 * HOUR, enrichState: 'failed' },
        ],
      });
      const titles = async (f: Parameters<typeof store.articles.list>[0]) =>
        (await store.articles.list(f)).items.map((x) => x.title);
      expect(await titles({})).toEqual([
        '100% off_sale',
        'Chrome zero-day',
        'Patch Tuesday',
        'Ransomware hits hospital',
      ]);
      expect(await titles({ sourceIds: [a] })).toEqual(['Patch Tuesday', 'Ransomware hits hospital']);
      expect(await titles({ excludeSourceIds: [a] })).toEqual(['100% off_sale', 'Chrome zero-day']);
      expect(await titles({ since: T0 + HOUR, until: T0 + 3 * HOUR })).toEqual([
        'Chrome zero-day',
        'Patch Tuesday',
      ]);
      expect(await titles({ q: 'ransomWARE' })).toEqual(['Ransomware hits hospital']);
      expect(await titles({ q: '零日' })).toEqual(['Chrome zero-day']);
      expect(await titles({ q: '100%' })).toEqual(['100% off_sale']);
      expect(await titles({ q: 'f_s' })).toEqual(['100% off_sale']);
      expect(await titles({ q: '_' })).toEqual(['100% off_sale']);
      expect(await titles({ enrichState: ['failed'] })).toEqual(['100% off_sale']);
      expect(await titles({ enrichState: ['done'] })).toEqual([
        'Chrome zero-day',
        'Ransomware hits hospital',
      ]);
      expect(await titles({ category: '漏洞' })).toEqual(['Chrome zero-day']);

      const p1 = await store.articles.list({ limit: 3 });
      expect(p1.total).toBe(4);
      expect(p1.items[0].sourceName).toBe('B');
      expect(p1.nextCursor).not.toBeNull();
      const p2 = await store.articles.list({ limit: 3, cursor: p1.nextCursor! });
      expect(p2.items.map((x) => x.title)).toEqual(['Ransomware hits hospital']);
      expect(p2.nextCursor).toBeNull();
      expect((await store.articles.list({ limit: 2, offset: 2 })).items.map((x) => x.title)).toEqual([
        'Patch Tuesday',
        'Ransomware hits hospital',
      ]);
      expect((await store.articles.list({ withTotal: false })).total).toBeNull();
    });

    it('stays fast on 50,000 articles', async () => {
      const sources = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          store.sources.create({ name: `s${i}`, url: `https://s${i}.test/rss` }),
        ),
      );
      await seedGenerated(
        store,
        sources.map((x) => x.id),
      );
      const timed = async (f: Parameters<typeof store.articles.list>[0]) => {
        const t = performance.now();
        const page = await store.articles.list(f);
        return { ms: performance.now() - t, page };
      };
      await timed({}); // warm-up
      const first = await timed({ limit: 50 });
      expect(first.page.total).toBe(50_000);
      let cursor = first.page.nextCursor!;
      let deep = first;
      for (let i = 0; i < 20; i++) {
        deep = await timed({ limit: 50, cursor, withTotal: false });
        cursor = deep.page.nextCursor!;
      }
      const bySource = await timed({ sourceIds: [sources[3].id], limit: 50 });
      const search = await timed({ q: 'needle', limit: 50 });
      const since = await timed({ since: T0 + 90 * 60_000, excludeSourceIds: [sources[0].id], limit: 50 });
      expect(bySource.page.total).toBe(2000);
      expect(search.page.total).toBe(516); // i % 97 === 0 for i < 50,000
      expect(since.page.items.length).toBe(50);
      const timings = {
        first: first.ms,
        deep: deep.ms,
        bySource: bySource.ms,
        search: search.ms,
        since: since.ms,
      };
      console.log(
        `${factory.name} article list on 50k rows (ms):`,
        JSON.stringify(timings, (_k, v) => (typeof v === 'number' ? Math.round(v) : v)),
      );
      // Generous bounds for a shared, busy machine; a missing index or a sort of every row costs far more.
      expect(deep.ms).toBeLessThan(250);
      expect(first.ms).toBeLessThan(1000);
      expect(bySource.ms).toBeLessThan(1000);
      expect(search.ms).toBeLessThan(3000);
    }, 120_000);
  });
});
