// A `browser` source: listing and articles exist only after their scripts ran, rendered by the system
// Chromium that the crawler starts on first use and stops with the service.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRawConfig } from '../config/config.ts';
import { crawlSettings } from '../config/crawl-spec.ts';
import { createSqliteTestStore, type DisposableStore } from '../store/testing.ts';
import { CrawlService } from './crawl-service.ts';
import { startTestServer, type TestServer } from './test-support/http-server.ts';

const paragraphs = (n: number) =>
  Array.from(
    { length: 5 },
    (_, i) =>
      `Paragraph ${i + 1} of rendered story ${n}: the council approved the new budget after a long debate about schools, roads and the harbour.`,
  );

const listing = `<!doctype html><html><head><title>Rendered news</title></head><body><main id="list"></main>
<script>
  setTimeout(() => {
    document.getElementById('list').innerHTML = [1, 2]
      .map((n) => '<div class="item"><a href="/rendered/' + n + '">Rendered story number ' + n + '</a></div>')
      .join('');
  }, 30);
</script></body></html>`;

const article = (
  n: number,
) => `<!doctype html><html><head><title>Rendered story ${n}</title></head><body><div id="app"></div>
<script>
  const text = ${JSON.stringify(paragraphs(n))};
  setTimeout(() => {
    document.getElementById('app').innerHTML =
      '<article><h1>Rendered story ${n}</h1>' + text.map((t) => '<p>' + t + '</p>').join('') + '</article>';
  }, 30);
</script></body></html>`;

describe('browser source (system Chromium)', () => {
  let server: TestServer;
  let store: DisposableStore;
  let service: CrawlService;

  beforeAll(async () => {
    server = await startTestServer({
      '/listing': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(listing);
      },
      '/rendered/1': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(article(1));
      },
      '/rendered/2': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(article(2));
      },
    });
    store = await createSqliteTestStore();
    const settings = crawlSettings(
      parseRawConfig({ NEWSDESK_CRAWL_ALLOW_PRIVATE: '127.0.0.1', NEWSDESK_CRAWL_PER_HOST_DELAY_MS: '0' }),
    );
    service = new CrawlService({
      sources: store.sources,
      articles: store.articles,
      settings,
      logger: pino({ level: 'silent' }),
    });
  });

  afterAll(async () => {
    await service?.stop();
    await store?.destroy();
    await server?.close();
  });

  it('finds the links and the article text written by JavaScript, launching Chromium only then', async () => {
    const s = await store.sources.create({
      name: 'Rendered',
      url: `${server.url}/listing`,
      type: 'browser',
      selectors: { list: '.item' },
    });
    expect(service.browserRunning).toBe(false);
    const r = await service.crawlOne(s.id);
    expect(r).toMatchObject({ status: 'ok', itemsFound: 2, itemsNew: 2 });
    expect(service.browserRunning).toBe(true);
    const list = (await store.articles.list({ sourceIds: [s.id] })).items;
    expect(list.map((a) => a.url).sort()).toEqual([`${server.url}/rendered/1`, `${server.url}/rendered/2`]);
    const one = await store.articles.get(list.find((a) => a.url.endsWith('/1'))!.id);
    expect(one?.title).toBe('Rendered story 1');
    expect(one?.contentText).toContain('Paragraph 5 of rendered story 1');
    await service.stop();
    expect(service.browserRunning).toBe(false);
  }, 60_000);
});
