// The crawl orchestrator against real HTTP servers on 127.0.0.1 and a real SQLite store.
import type http from 'node:http';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseRawConfig } from '../config/config.ts';
import { crawlSettings, type CrawlSettings } from '../config/crawl-spec.ts';
import type { Source } from '../store/content-types.ts';
import type { NewSource } from '../store/crawl-types.ts';
import { createSqliteTestStore, type DisposableStore } from '../store/testing.ts';
import { crawlSource, crawlSources, type CrawlDeps } from './crawl-source.ts';
import { CrawlService } from './crawl-service.ts';
import type { CrawlParser, WorkerCrawlParser } from './parse-pool.ts';
import { startTestServer, type TestServer } from './test-support/http-server.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const logger = pino({ level: 'silent' });

interface Item {
  title: string;
  link: string;
  guid?: string;
  date?: number;
  description?: string;
}

function rss(items: Item[], extra = ''): string {
  const body = items
    .map(
      (
        i,
      ) => `<item><title>${i.title}</title><link>${i.link}</link>${i.guid ? `<guid isPermaLink="false">${i.guid}</guid>` : ''}
      <pubDate>${new Date(i.date ?? Date.now() - HOUR).toUTCString()}</pubDate>
      <description>${i.description ?? `A long enough description of ${i.title} so that nobody fetches the page for more text. `.repeat(4)}</description></item>`,
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Test</title><link>http://example.test/</link>${extra}${body}</channel></rss>`;
}

const items = (prefix: string, n: number, base = 'http://news.example.test/'): Item[] =>
  Array.from({ length: n }, (_, i) => ({
    title: `${prefix} story ${i}`,
    link: `${base}${prefix}/${i}`,
    guid: `${prefix}-${i}`,
  }));

function settings(over: Partial<CrawlSettings> = {}, env: Record<string, string> = {}): CrawlSettings {
  const raw = parseRawConfig({
    NEWSDESK_CRAWL_ALLOW_PRIVATE: '127.0.0.1',
    NEWSDESK_CRAWL_PER_HOST_DELAY_MS: '0',
    NEWSDESK_CRAWL_FULLTEXT_MIN_CHARS: '0',
    // Inline parsing here; the threads have their own tests and run in the API tests.
    NEWSDESK_CRAWL_PARSE_THREADS: '0',
    ...env,
  });
  return { ...crawlSettings(raw), ...over };
}

function xml(res: http.ServerResponse, body: string, headers: Record<string, string> = {}) {
  res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', ...headers });
  res.end(body);
}

describe('crawlSource / crawlSources', () => {
  let server: TestServer;
  let store: DisposableStore;
  let service: CrawlService;

  const add = (input: Partial<NewSource> & { url: string }) =>
    store.sources.create({ name: input.url.split('/').pop() ?? 'source', ...input });
  const reload = async (s: Source) => (await store.sources.get(s.id))!;
  const deps = async (over: Partial<CrawlDeps> = {}): Promise<CrawlDeps> => ({
    sources: store.sources,
    articles: store.articles,
    fetcher: await service.fetcher(),
    parser: service.parser(),
    browser: () => service.browser(),
    settings: service.settings,
    log: logger,
    ...over,
  });

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    store = await createSqliteTestStore();
    service = new CrawlService({
      sources: store.sources,
      articles: store.articles,
      settings: settings(),
      logger,
    });
  });
  afterEach(async () => {
    await service.stop();
    await store.destroy();
  });

  it('stores new entries, then answers a 304 with no parse and no article writes', async () => {
    let bodies = 0;
    server.route('/cond.xml', (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.writeHead(304, { etag: '"v1"' });
        return res.end();
      }
      bodies++;
      xml(res, rss(items('cond', 5)), { etag: '"v1"', 'last-modified': 'Wed, 01 Jan 2025 00:00:00 GMT' });
    });
    const s = await add({ url: `${server.url}/cond.xml` });
    const first = await service.crawlOne(s.id);
    expect(first).toMatchObject({ status: 'ok', httpStatus: 200, itemsFound: 5, itemsNew: 5 });
    const after1 = await reload(s);
    expect(after1).toMatchObject({
      etag: '"v1"',
      lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT',
      lastStatus: 200,
      itemsNew: 5,
    });
    const second = await service.crawlOne(s.id);
    expect(second).toMatchObject({ status: 'not_modified', httpStatus: 304, itemsNew: 0 });
    expect(bodies).toBe(1);
    expect(await store.articles.countBySource(s.id)).toBe(5);
    const after2 = await reload(s);
    expect(after2).toMatchObject({
      etag: '"v1"',
      lastStatus: 304,
      lastMessage: 'not modified',
      consecutiveFailures: 0,
    });
    expect(after2.nextCheckAt).toBeGreaterThan(Date.now());
    const history = await store.sources.listRuns(s.id);
    expect(history.items.map((r) => r.status)).toEqual(['not_modified', 'ok']);
    expect(history.items[1].log.some((l) => l.msg.includes('5 new of 5'))).toBe(true);
  });

  it('without ETag or Last-Modified, the same body as last time is handled like a 304: no parse, no article writes', async () => {
    let body = rss(items('same', 4).map((i) => ({ ...i, date: Date.UTC(2025, 0, 1) })));
    let validators: Record<string, string> = {};
    server.route('/same.xml', (_req, res) => xml(res, body, validators));
    const s = await add({ url: `${server.url}/same.xml`, maxFetchDays: 0 });
    const inner = service.parser();
    let parses = 0;
    const counting: CrawlParser = { ...inner, parse: (job) => (parses++, inner.parse(job)) };
    const crawl = async () => crawlSource(await reload(s), await deps({ parser: counting }));

    expect(await crawl()).toMatchObject({ status: 'ok', itemsNew: 4 });
    expect((await reload(s)).bodyHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await crawl()).toMatchObject({
      status: 'not_modified',
      httpStatus: 200,
      itemsFound: 0,
      itemsNew: 0,
    });
    expect(parses).toBe(1);
    const unchanged = await reload(s);
    expect(unchanged.lastMessage).toMatch(/^not modified \(the same body as last time/);
    expect((await store.sources.listRuns(s.id)).items[0].status).toBe('not_modified');

    // A changed body is read again; a server that starts sending an ETag makes the hash unnecessary.
    body = rss(items('same', 6).map((i) => ({ ...i, date: Date.UTC(2025, 0, 1) })));
    expect(await crawl()).toMatchObject({ status: 'ok', itemsNew: 2 });
    expect(parses).toBe(2);
    validators = { etag: '"v6"' };
    expect(await crawl()).toMatchObject({ status: 'ok', itemsNew: 0 });
    expect(parses).toBe(3);
    expect(await reload(s)).toMatchObject({ bodyHash: null, etag: '"v6"' });
    expect(await store.articles.countBySource(s.id)).toBe(6);
  });

  it('re-crawls without validators store nothing twice; two concurrent crawls of one source store each entry once', async () => {
    let version = 5;
    server.route('/plain.xml', (_req, res) => xml(res, rss(items('plain', version))));
    const s = await add({ url: `${server.url}/plain.xml` });
    expect((await service.crawlOne(s.id))?.itemsNew).toBe(5);
    version = 7;
    expect((await service.crawlOne(s.id))?.itemsNew).toBe(2);
    version = 12;
    // Bypass the in-process guard: two crawls of the same source at the same moment.
    const fresh = await reload(s);
    const d = await deps();
    const [a, b] = await Promise.all([crawlSource(fresh, d), crawlSource(fresh, d)]);
    expect(a.itemsNew + b.itemsNew).toBe(5);
    expect(await store.articles.countBySource(s.id)).toBe(12);
  });

  it('stores the same story from two sources as two articles linked by duplicate_of', async () => {
    const shared: Item = {
      title: 'Shared story',
      link: 'http://news.example.test/shared?utm_source=feed',
      guid: 'x',
    };
    server.route('/one.xml', (_req, res) => xml(res, rss([shared])));
    server.route('/two.xml', (_req, res) =>
      xml(res, rss([{ ...shared, link: 'HTTP://NEWS.example.test:80/shared#top', guid: 'y' }])),
    );
    const one = await add({ url: `${server.url}/one.xml` });
    const two = await add({ url: `${server.url}/two.xml` });
    await service.crawlOne(one.id);
    const second = await service.crawlOne(two.id);
    expect(second?.itemsNew).toBe(1);
    const [copy] = (await store.articles.list({ sourceIds: [two.id] })).items;
    const [orig] = (await store.articles.list({ sourceIds: [one.id] })).items;
    expect(copy.canonicalUrl).toBe('http://news.example.test/shared');
    expect(copy.canonicalUrl).toBe(orig.canonicalUrl);
    expect(copy.duplicateOf).toBe(orig.id);
    expect(orig.duplicateOf).toBeNull();
  });

  it('promotes a permanent redirect after 3 crawls in a row, never a temporary one', async () => {
    server.route('/old.xml', (_req, res) => {
      res.writeHead(301, { location: '/new.xml' });
      res.end();
    });
    server.route('/new.xml', (_req, res) => xml(res, rss(items('moved', 1))));
    server.route('/temp.xml', (_req, res) => {
      res.writeHead(302, { location: '/new.xml' });
      res.end();
    });
    const perm = await add({ url: `${server.url}/old.xml` });
    const temp = await add({ url: `${server.url}/temp.xml` });
    await service.crawlOne(perm.id);
    expect(await reload(perm)).toMatchObject({
      url: `${server.url}/old.xml`,
      pendingRedirectUrl: `${server.url}/new.xml`,
      pendingRedirectCount: 1,
    });
    await service.crawlOne(perm.id);
    expect((await reload(perm)).url).toBe(`${server.url}/old.xml`);
    const third = await service.crawlOne(perm.id);
    expect(third?.promotedTo).toBe(`${server.url}/new.xml`);
    expect(await reload(perm)).toMatchObject({
      url: `${server.url}/new.xml`,
      pendingRedirectUrl: null,
      pendingRedirectCount: 0,
    });
    for (let i = 0; i < 4; i++) await service.crawlOne(temp.id);
    expect(await reload(temp)).toMatchObject({ url: `${server.url}/temp.xml`, pendingRedirectUrl: null });
  });

  it('respects Retry-After on a 429 and backs off with stable error codes', async () => {
    server.route('/busy.xml', (_req, res) => {
      res.writeHead(429, { 'retry-after': '7200' });
      res.end('slow down');
    });
    server.route('/gone.xml', (_req, res) => {
      res.writeHead(404);
      res.end();
    });
    const busy = await add({ url: `${server.url}/busy.xml` });
    const before = Date.now();
    const r = await service.crawlOne(busy.id);
    expect(r).toMatchObject({ status: 'failed', errorCode: 'UPSTREAM_HTTP_429', httpStatus: 429 });
    const b = await reload(busy);
    expect(b).toMatchObject({ lastErrorCode: 'UPSTREAM_HTTP_429', lastStatus: 429, consecutiveFailures: 1 });
    expect(b.nextCheckAt!).toBeGreaterThanOrEqual(before + 2 * HOUR);

    const gone = await add({ url: `${server.url}/gone.xml` });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t = Date.now();
      await service.crawlOne(gone.id);
      const g = await reload(gone);
      waits.push(g.nextCheckAt! - t);
    }
    const g = await reload(gone);
    expect(g).toMatchObject({ lastErrorCode: 'UPSTREAM_HTTP_404', consecutiveFailures: 4, active: true });
    expect(g.firstFailureAt).not.toBeNull();
    // 5, 10, 20, 40 minutes ± 20 %: each wait longer than the last.
    for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThan(waits[i - 1]);
    expect(waits[3]).toBeGreaterThan(30 * 60_000);
    const history = await store.sources.listRuns(gone.id);
    expect(history.items.every((h) => h.errorCode === 'UPSTREAM_HTTP_404' && h.status === 'failed')).toBe(
      true,
    );
  });

  it('records a timeout as UPSTREAM_TIMEOUT and disables only after the long failure period, with the reason', async () => {
    const slow = new CrawlService({
      sources: store.sources,
      articles: store.articles,
      settings: settings({ totalTimeoutMs: 300, headersTimeoutMs: 300 }),
      logger,
    });
    const hanging = new Set<http.ServerResponse>();
    server.route('/slow.xml', (_req, res) => void hanging.add(res));
    try {
      const s = await add({ url: `${server.url}/slow.xml` });
      expect(await slow.crawlOne(s.id)).toMatchObject({ status: 'failed', errorCode: 'UPSTREAM_TIMEOUT' });
      expect((await reload(s)).active).toBe(true);
      // Failing for 20 days, 25 times: the next failure disables it, and says why.
      await store.sources.updateState(s.id, {
        consecutiveFailures: 25,
        firstFailureAt: Date.now() - 20 * DAY,
      });
      const r = await slow.crawlOne(s.id);
      expect(r?.disabledReason).toMatch(
        /^disabled automatically: failing for 20 days \(26 consecutive failures\); last error UPSTREAM_TIMEOUT/,
      );
      expect(await reload(s)).toMatchObject({ active: false, disabledReason: r?.disabledReason });
    } finally {
      for (const res of hanging) res.destroy();
      await slow.stop();
    }
  });

  it('does not penalise sources when every source fails at the network level at once', async () => {
    const closed = await startTestServer();
    const deadUrl = closed.url;
    await closed.close();
    const down = await Promise.all([1, 2, 3].map((i) => add({ url: `${deadUrl}/feed-${i}.xml` })));
    const summary = await service.crawlDue({});
    expect(summary).toMatchObject({ sources: 3, failed: 3, outage: true });
    for (const s of down) {
      const after = await reload(s);
      expect(after).toMatchObject({
        consecutiveFailures: 0,
        firstFailureAt: null,
        lastErrorCode: 'CONNECTION',
      });
      expect(after.lastMessage).toMatch(/^not counted/);
    }
    expect((await store.sources.listRuns(down[0].id)).items[0]).toMatchObject({
      outage: true,
      errorCode: 'CONNECTION',
    });

    // With one source answering, the same failures count.
    server.route('/alive.xml', (_req, res) => xml(res, rss(items('alive', 1))));
    await add({ url: `${server.url}/alive.xml` });
    const again = await service.crawlDue({ force: true });
    expect(again).toMatchObject({ sources: 4, succeeded: 1, failed: 3, outage: false });
    expect((await reload(down[0])).consecutiveFailures).toBe(1);
  });

  it('parses and builds at most bodyConcurrency fetched feeds at once, whatever the crawl concurrency', async () => {
    // A new body on every request: an unchanged one would not be parsed at all the second time.
    let served = 0;
    for (let i = 0; i < 6; i++)
      server.route(`/gate-${i}.xml`, (_req, res) =>
        xml(res, rss(items(`gate${i}`, 2), `<!-- ${++served} -->`)),
      );
    const sources = await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => add({ url: `${server.url}/gate-${i}.xml` })),
    );
    const peakReading = async (bodyConcurrency: number) => {
      const inner = service.parser();
      let reading = 0;
      let peak = 0;
      // Each feed counts as being read from its parse until its build; a pause makes overlaps visible.
      const parser: CrawlParser = {
        ...inner,
        parse: async (job) => {
          peak = Math.max(peak, ++reading);
          await new Promise((r) => setTimeout(r, 20));
          const handle = await inner.parse(job);
          return {
            ...handle,
            build: (indexes, options) => handle.build(indexes, options).finally(() => reading--),
          };
        },
      };
      const summary = await crawlSources(
        await deps({ parser, settings: settings({ concurrency: 6, bodyConcurrency }) }),
        { sourceIds: sources.map((s) => s.id), force: true },
      );
      expect(summary).toMatchObject({ sources: 6, failed: 0 });
      return peak;
    };
    expect(await peakReading(2)).toBe(2);
    expect(await peakReading(6)).toBeGreaterThan(2);
  });

  it('records a malformed feed per source without stopping the run, and recovers what it can', async () => {
    server.route('/html.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body><p>This is not a feed</p></body></html>');
    });
    server.route('/amp.xml', (_req, res) =>
      xml(res, rss([{ title: 'Fish & chips', link: 'http://news.example.test/fish', guid: 'f' }])),
    );
    server.route('/fine.xml', (_req, res) => xml(res, rss(items('fine', 2))));
    const bad = await add({ url: `${server.url}/html.xml` });
    const amp = await add({ url: `${server.url}/amp.xml` });
    await add({ url: `${server.url}/fine.xml` });
    const summary = await service.crawlDue({});
    expect(summary).toMatchObject({ sources: 3, succeeded: 2, failed: 1, articlesNew: 3, outage: false });
    expect(await reload(bad)).toMatchObject({ lastErrorCode: 'PARSE', consecutiveFailures: 1 });
    const [fish] = (await store.articles.list({ sourceIds: [amp.id] })).items;
    expect(fish.title).toBe('Fish & chips');
    const runs = await store.sources.listRuns(amp.id);
    expect(runs.items[0].log.some((l) => l.level === 'warn' && /malformed/.test(l.msg))).toBe(true);
    expect(summary.results.find((r) => r.sourceId === bad.id)).toMatchObject({
      status: 'failed',
      errorCode: 'PARSE',
    });
  });

  it('refuses loopback sources unless the allow-list names them (SSRF guard)', async () => {
    server.route('/private.xml', (_req, res) => xml(res, rss(items('private', 1))));
    const strict = new CrawlService({
      sources: store.sources,
      articles: store.articles,
      settings: settings({}, { NEWSDESK_CRAWL_ALLOW_PRIVATE: '' }),
      logger,
    });
    try {
      const s = await add({ url: `${server.url}/private.xml` });
      const before = server.requests.length;
      expect(await strict.crawlOne(s.id)).toMatchObject({ status: 'failed', errorCode: 'SSRF_BLOCKED' });
      expect(server.requests.length).toBe(before);
      expect(await store.articles.countBySource(s.id)).toBe(0);
    } finally {
      await strict.stop();
    }
  });

  it('skips entries older than maxFetchDays and fetches the page of thin entries', async () => {
    const article = (t: string) =>
      `<!doctype html><html><head><title>${t}</title></head><body><nav><a href="/">Home</a></nav><article><h1>${t}</h1>${Array.from(
        { length: 6 },
        (_, i) =>
          `<p>Paragraph ${i} of the full article about ${t}, with enough words in it to count as real body text for the extractor.</p>`,
      ).join('')}</article></body></html>`;
    server.route('/robots.txt', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('User-agent: *\nDisallow: /private/\n');
    });
    server.route('/pages/thin', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(article('Thin entry'));
    });
    server.route('/thin.xml', (_req, res) =>
      xml(
        res,
        rss([
          { title: 'Thin entry', link: `${server.url}/pages/thin`, description: 'Short.' },
          { title: 'Blocked entry', link: `${server.url}/private/x`, description: 'Short too.' },
          {
            title: 'Old entry',
            link: `${server.url}/pages/old`,
            date: Date.now() - 10 * DAY,
            description: 'Old.',
          },
        ]),
      ),
    );
    const thin = new CrawlService({
      sources: store.sources,
      articles: store.articles,
      settings: settings({}, { NEWSDESK_CRAWL_FULLTEXT_MIN_CHARS: '200', NEWSDESK_CRAWL_PARSE_THREADS: '1' }),
      logger,
    });
    try {
      const s = await add({ url: `${server.url}/thin.xml`, maxFetchDays: 3 });
      const r = await thin.crawlOne(s.id);
      expect(r).toMatchObject({ status: 'ok', itemsFound: 3, itemsNew: 2 });
      const list = (await store.articles.list({ sourceIds: [s.id] })).items;
      expect(list.map((a) => a.title).sort()).toEqual(['Blocked entry', 'Thin entry']);
      const full = await store.articles.get(list.find((a) => a.title === 'Thin entry')!.id);
      expect(full?.contentText).toContain('Paragraph 5 of the full article about Thin entry');
      const blocked = await store.articles.get(list.find((a) => a.title === 'Blocked entry')!.id);
      expect(blocked?.contentText).toBe('Short too.');
      const log = (await store.sources.listRuns(s.id)).items[0].log.map((l) => l.msg).join('\n');
      expect(log).toMatch(/1 entries older than 3 days skipped/);
      expect(log).toMatch(/full text of .*\/private\/x failed \(ROBOTS\)/);
      expect(server.requests.some((q) => q.url === '/pages/old')).toBe(false);
      // The feed and the one page that was fetched were both read on the parser thread.
      expect((thin.parser() as WorkerCrawlParser).counts).toEqual({ threaded: 2, inline: 0 });
    } finally {
      await thin.stop();
    }
  });

  it('crawls a `page` source through list and content selectors', async () => {
    const story = (n: number) =>
      `<html><head><title>Site | Story ${n}</title></head><body><div class="ad">Buy now</div><h2 class="headline">Headline ${n}</h2><div class="body"><p>Body text of story ${n}.</p></div></body></html>`;
    server.route('/listing', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<html><body><nav><a href="/about">About</a></nav><ul>${[1, 2, 3]
          .map((n) => `<li class="story"><a href="/story/${n}">Story ${n}</a></li>`)
          .join('')}</ul><a href="/unrelated">Unrelated</a></body></html>`,
      );
    });
    for (const n of [1, 2, 3])
      server.route(`/story/${n}`, (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(story(n));
      });
    const s = await add({
      url: `${server.url}/listing`,
      type: 'page',
      selectors: { list: 'li.story', title: 'h2.headline', content: 'div.body' },
    });
    const r = await service.crawlOne(s.id);
    expect(r).toMatchObject({ status: 'ok', itemsFound: 3, itemsNew: 3 });
    const list = (await store.articles.list({ sourceIds: [s.id] })).items;
    expect(list.map((a) => a.title).sort()).toEqual(['Headline 1', 'Headline 2', 'Headline 3']);
    const one = await store.articles.get(list.find((a) => a.title === 'Headline 2')!.id);
    expect(one?.contentText).toBe('Body text of story 2.');
    expect(one?.contentHtml).not.toContain('Buy now');
    expect((await service.crawlOne(s.id))?.itemsNew).toBe(0);
  });
});
