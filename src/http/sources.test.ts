// Sources and articles through the HTTP API on a real app (temp SQLite, embedded engine) crawling real
// feed servers on 127.0.0.1: CRUD and bad input, crawl triggers as tracked tasks, history, the news list
// and detail, OPML round trip, discovery.
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, waitFor, type TestApp } from '../../test/helpers/app.ts';
import { parseOpml } from '../crawl/parse/opml.ts';
import { startTestServer, type TestServer } from '../crawl/test-support/http-server.ts';

const HOUR = 3_600_000;

function rss(prefix: string, n: number, title = 'Feed'): string {
  const items = Array.from(
    { length: n },
    (_, i) =>
      `<item><title>${prefix} headline ${i}</title><link>http://news.example.test/${prefix}/${i}</link><guid>${prefix}-${i}</guid><pubDate>${new Date(Date.now() - (i + 1) * HOUR).toUTCString()}</pubDate><description>Body of ${prefix} ${i}.</description></item>`,
  ).join('');
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>http://news.example.test/</link>${items}</channel></rss>`;
}

describe('sources and articles API', () => {
  let t: TestApp;
  let feeds: TestServer;
  const slow: http.ServerResponse[] = [];
  const send = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    headers?: Record<string, string>,
  ) =>
    t.http.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: payload as string | object }),
      ...(headers ? { headers } : {}),
    });
  const create = async (body: Record<string, unknown>) => {
    const res = await send('POST', '/api/sources', body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json();
  };
  const finished = (id: string) =>
    waitFor(async () => {
      const e = (await send('GET', `/api/executions/${id}`)).json();
      return ['succeeded', 'failed', 'cancelled', 'timed_out', 'skipped'].includes(e.status) ? e : undefined;
    }, 15_000);

  beforeAll(async () => {
    feeds = await startTestServer({
      '/a.xml': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(rss('a', 3, 'Feed A'));
      },
      '/b.xml': (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/rss+xml' });
        res.end(rss('b', 2, 'Feed B'));
      },
      '/slow.xml': (_req, res) => {
        slow.push(res);
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/rss+xml' });
          res.end(rss('slow', 1));
        }, 600);
      },
      '/site': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<html><head><title>A site</title><link rel="alternate" type="application/rss+xml" title="Main feed" href="/a.xml"><link rel="alternate" type="application/atom+xml" href="/atom.xml"></head><body>Hi</body></html>`,
        );
      },
    });
    t = await createTestApp({
      seedSchedules: false,
      env: {
        NEWSDESK_CRAWL_ALLOW_PRIVATE: '127.0.0.1',
        NEWSDESK_CRAWL_PER_HOST_DELAY_MS: '0',
        NEWSDESK_CRAWL_FULLTEXT_MIN_CHARS: '0',
      },
    });
  });
  afterAll(async () => {
    await t?.close();
    for (const res of slow) res.destroy();
    await feeds?.close();
  });

  it('creates, reads, edits and deletes a source; bad input is a clear 4xx', async () => {
    const s = await create({
      name: 'Example',
      url: 'HTTPS://Example.COM/feed.xml',
      headers: { Cookie: 'session=secret', Referer: 'https://example.com/' },
      proxy: 'http://user:pw@proxy.example:3128',
      fetchIntervalMinutes: 30,
    });
    expect(s).toMatchObject({
      name: 'Example',
      url: 'https://example.com/feed.xml',
      type: 'feed',
      active: true,
      maxFetchDays: 3,
      fetchIntervalMinutes: 30,
      headers: { Cookie: '••••', Referer: 'https://example.com/' },
      proxy: 'http://user:%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2@proxy.example:3128/',
      state: { consecutiveFailures: 0, lastErrorCode: null, nextCheckAt: null },
    });
    expect(s.createdAt).toMatch(/\+08:00$/);

    const dup = await send('POST', '/api/sources', { name: 'Again', url: 'https://example.com/feed.xml' });
    expect(dup.statusCode).toBe(409);
    expect(dup.json().error.code).toBe('CONFLICT');

    const bad = async (body: unknown, field: string) => {
      const res = await send('POST', '/api/sources', body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION');
      expect(JSON.stringify(res.json().error.details)).toContain(field);
    };
    await bad({ name: 'x', url: 'ftp://example.com/feed' }, 'url');
    await bad({ name: 'x', url: 'javascript:alert(1)' }, 'url');
    await bad({ name: 'x', url: 'not a url' }, 'url');
    await bad({ url: 'https://x.example/feed' }, 'name');
    await bad({ name: 'x', url: 'https://x.example/feed', fetchIntervalMinutes: 1 }, 'fetchIntervalMinutes');
    await bad({ name: 'x', url: 'https://x.example/feed', maxFetchDays: -1 }, 'maxFetchDays');
    await bad({ name: 'x', url: 'https://x.example/feed', type: 'ftp' }, 'type');
    await bad({ name: 'x', url: 'https://x.example/feed', headers: { 'Bad Header': 'v' } }, 'headers');
    await bad({ name: 'x', url: 'https://x.example/feed', color: 'red' }, 'color');

    expect((await send('GET', '/api/sources/nope')).statusCode).toBe(404);
    expect((await send('PATCH', '/api/sources/nope', { name: 'x' })).statusCode).toBe(404);
    expect((await send('POST', '/api/sources/nope/crawl')).statusCode).toBe(404);
    expect((await send('GET', '/api/sources/nope/history')).statusCode).toBe(404);
    expect((await send('PATCH', `/api/sources/${s.id}`, { url: 'file:///etc/passwd' })).statusCode).toBe(400);

    // A masked credential sent back unchanged keeps the stored value.
    const patched = await send('PATCH', `/api/sources/${s.id}`, {
      name: 'Renamed',
      headers: { Cookie: '••••', Referer: 'https://example.com/news' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Renamed', headers: { Cookie: '••••' } });
    expect((await t.app.store.sources.get(s.id))?.headers).toEqual({
      Cookie: 'session=secret',
      Referer: 'https://example.com/news',
    });

    const off = await send('POST', `/api/sources/${s.id}/disable`, { reason: 'paused for now' });
    expect(off.json()).toMatchObject({ active: false, state: { disabledReason: 'paused for now' } });
    const on = await send('POST', `/api/sources/${s.id}/enable`);
    expect(on.json()).toMatchObject({ active: true, state: { disabledReason: null } });

    const listed = await send('GET', '/api/sources?q=renamed');
    expect(listed.json().items.map((x: { id: string }) => x.id)).toEqual([s.id]);
    expect((await send('GET', '/api/sources?active=maybe')).statusCode).toBe(400);

    expect((await send('DELETE', `/api/sources/${s.id}`)).statusCode).toBe(204);
    expect((await send('DELETE', `/api/sources/${s.id}`)).statusCode).toBe(404);
  });

  it('crawls through the task engine: 202, history, articles, detail, enrichment follow-up', async () => {
    const a = await create({ name: 'Feed A', url: `${feeds.url}/a.xml` });
    const res = await send('POST', `/api/sources/${a.id}/crawl`);
    expect(res.statusCode).toBe(202);
    const exec = await finished(res.json().executionId);
    expect(exec).toMatchObject({ task: 'crawl.source', status: 'succeeded', trigger: 'api' });
    expect(exec.result).toMatchObject({ id: a.id, status: 'ok', found: 3, new: 3 });

    const history = (await send('GET', `/api/sources/${a.id}/history`)).json();
    expect(history.total).toBe(1);
    expect(history.items[0]).toMatchObject({
      executionId: exec.id,
      status: 'ok',
      httpStatus: 200,
      itemsNew: 3,
    });
    expect(history.items[0].log.length).toBeGreaterThan(0);

    const one = (await send('GET', `/api/sources/${a.id}`)).json();
    expect(one).toMatchObject({ articles: 3, state: { lastStatus: 200, itemsNew: 3, lastErrorCode: null } });

    const list = (await send('GET', `/api/articles?sourceId=${a.id}`)).json();
    expect(list.total).toBe(3);
    expect(list.items[0]).toMatchObject({ sourceName: 'Feed A', enrichment: { state: expect.any(String) } });
    const detail = (await send('GET', `/api/articles/${list.items[0].id}`)).json();
    expect(detail).toMatchObject({ id: list.items[0].id, contentText: expect.stringMatching(/^Body of a/) });
    expect(detail.usage).toMatchObject({ totals: { calls: expect.any(Number) } });
    expect((await send('GET', '/api/articles/missing')).statusCode).toBe(404);

    // New articles queue enrichment as a follow-up of the crawl.
    const followUps = (await send('GET', '/api/executions?task=enrich.articles')).json().items;
    expect(
      followUps.some(
        (e: { parentId: string; trigger: string }) => e.parentId === exec.id && e.trigger === 'chain',
      ),
    ).toBe(true);
  });

  it('a second trigger for a source being crawled returns the same execution', async () => {
    const s = await create({ name: 'Slow', url: `${feeds.url}/slow.xml` });
    const first = (await send('POST', `/api/sources/${s.id}/crawl`)).json();
    const second = (await send('POST', `/api/sources/${s.id}/crawl`)).json();
    expect(second).toMatchObject({ executionId: first.executionId, deduplicated: true });
    await finished(first.executionId);
  });

  it('crawl-now crawls every active source; the scheduler executions endpoint lists crawl runs', async () => {
    await create({ name: 'Feed B', url: `${feeds.url}/b.xml` });
    const res = await send('POST', '/api/sources/scheduler/crawl-now');
    expect(res.statusCode).toBe(202);
    const exec = await finished(res.json().executionId);
    expect(exec).toMatchObject({ task: 'crawl.sources', status: 'succeeded' });
    expect(exec.result).toMatchObject({ failed: 0, articlesNew: 2 });
    expect(exec.result.results.length).toBe(exec.result.sources);
    expect(exec.progress.current).toBe(exec.result.sources);

    const runs = (await send('GET', '/api/sources/scheduler/executions?limit=10')).json();
    expect(runs.items[0]).toMatchObject({ id: exec.id, task: 'crawl.sources' });
    expect(runs.items.every((e: { task: string }) => e.task.startsWith('crawl.'))).toBe(true);
    expect(runs.total).toBeGreaterThanOrEqual(3);
  });

  it('lists articles with filters, keyset pages and "since the last digest"; bad filters are 400', async () => {
    const all = (await send('GET', '/api/articles?limit=2')).json();
    expect(all.items).toHaveLength(2);
    expect(all.nextCursor).toEqual(expect.any(String));
    const next = (await send('GET', `/api/articles?limit=2&cursor=${all.nextCursor}`)).json();
    expect(next.items.map((x: { id: string }) => x.id)).not.toContain(all.items[0].id);
    const b = (await send('GET', '/api/articles?q=b%20HEADLINE')).json();
    expect(b.items.map((x: { title: string }) => x.title).sort()).toEqual(['b headline 0', 'b headline 1']);
    const notB = (await send('GET', `/api/articles?excludeSourceId=${b.items[0].sourceId}`)).json();
    expect(notB.items.every((x: { sourceId: string }) => x.sourceId !== b.items[0].sourceId)).toBe(true);
    expect((await send('GET', '/api/articles?state=pending,done,running,failed,skipped')).json().total).toBe(
      all.total,
    );

    expect((await send('GET', '/api/articles?state=bogus')).statusCode).toBe(400);
    expect((await send('GET', '/api/articles?since=yesterday')).statusCode).toBe(400);
    expect((await send('GET', '/api/articles?limit=0')).statusCode).toBe(400);

    expect((await send('GET', '/api/articles?sinceLastDigest=true')).json().total).toBe(all.total);
    await t.app.store.digests.create({ date: '2026-11-29', items: [], createdAt: Date.now() + 1000 });
    const since = (await send('GET', '/api/articles?sinceLastDigest=true')).json();
    expect(since.total).toBe(0);
    expect(since.since).toMatch(/\+08:00$/);
  });

  it('imports and exports OPML (XML or JSON body); broken OPML is 422', async () => {
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
      <outline text="Security"><outline text="Krebs" xmlUrl="https://krebsonsecurity.com/feed/"/>
      <outline text="FTP" xmlUrl="ftp://files.example/feed"/></outline>
      <outline text="Known" xmlUrl="https://known.example/feed"/>
      <outline text="Schneier" xmlUrl="https://www.schneier.com/feed/atom/"/></body></opml>`;
    await create({ name: 'Known', url: 'https://known.example/feed' });
    const res = await send('POST', '/api/sources/opml', opml, { 'content-type': 'text/xml' });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report.created).toBe(2);
    expect(report.items.map((s: { name: string }) => s.name).sort()).toEqual(['Krebs', 'Schneier']);
    expect(report.skipped.map((s: { url: string }) => s.url).sort()).toEqual([
      'ftp://files.example/feed',
      'https://known.example/feed',
    ]);

    const json = await send('POST', '/api/sources/opml', {
      opml: '<opml version="2.0"><body><outline text="J" xmlUrl="https://j.example/rss"/></body></opml>',
    });
    expect(json.json().created).toBe(1);

    const exported = await send('GET', '/api/sources/opml');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/opml/);
    const urls = parseOpml(exported.body).sources.map((s) => s.xmlUrl);
    const stored = (await send('GET', '/api/sources?type=feed'))
      .json()
      .items.map((s: { url: string }) => s.url);
    expect(urls.sort()).toEqual(stored.sort());
    expect(urls).toContain('https://krebsonsecurity.com/feed/');

    const broken = await send('POST', '/api/sources/opml', '<html>nope</html>', {
      'content-type': 'text/xml',
    });
    expect(broken.statusCode).toBe(422);
    expect(broken.json().error.code).toBe('PARSE');
  });

  it('discovers the feeds a site advertises, or the URL itself when it is a feed', async () => {
    const site = await send('POST', '/api/sources/discover', { url: `${feeds.url}/site` });
    expect(site.statusCode, site.body).toBe(200);
    expect(site.json()).toMatchObject({
      isFeed: false,
      title: 'A site',
      feeds: [
        { url: `${feeds.url}/a.xml`, type: 'rss', title: 'Main feed' },
        { url: `${feeds.url}/atom.xml`, type: 'atom' },
      ],
    });
    const feed = await send('POST', '/api/sources/discover', { url: `${feeds.url}/b.xml` });
    expect(feed.json()).toMatchObject({
      isFeed: true,
      title: 'Feed B',
      feeds: [{ url: `${feeds.url}/b.xml`, type: 'rss' }],
    });
    expect((await send('POST', '/api/sources/discover', { url: 'gopher://x.example/' })).statusCode).toBe(
      400,
    );
    // Private addresses outside the allow-list are refused without a request.
    const internal = await send('POST', '/api/sources/discover', { url: 'http://10.1.2.3/' });
    expect(internal.statusCode).toBe(400);
    expect(internal.json().error.message).toMatch(/url/);
    const missing = await send('POST', '/api/sources/discover', { url: `${feeds.url}/missing` });
    expect(missing.statusCode).toBe(502);
  });
});
