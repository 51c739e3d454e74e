import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractArticle } from '../extract/extract-article.ts';
import { FetchError } from '../fetch/errors.ts';
import { startTestServer, type TestServer } from '../test-support/http-server.ts';
import { BrowserFetcher } from './browser-fetcher.ts';

const paragraphs = [
  'The regional transport authority announced on Monday that the new tram line will open in the spring, two months ahead of schedule.',
  'Officials said testing had gone better than expected and that the line would carry up to forty thousand passengers a day.',
  'Residents along the route welcomed the news, although some shop owners said the construction had hurt their business for a year.',
  'The authority will publish the final timetable next month after consultation with the city council and local groups.',
];

// The article text exists only after the script runs.
const jsPage = `<!doctype html><html><head><title>Tram line opens early</title></head><body>
<nav><a href="/">Home</a></nav><main id="app"></main>
<script>
  const text = ${JSON.stringify(paragraphs)};
  setTimeout(() => {
    const article = document.createElement('article');
    article.innerHTML = '<h1>Tram line opens early</h1>' + text.map((t) => '<p>' + t + '</p>').join('');
    document.getElementById('app').appendChild(article);
  }, 50);
</script></body></html>`;

describe('BrowserFetcher (system Chromium)', () => {
  let server: TestServer;
  let browser: BrowserFetcher;

  beforeAll(async () => {
    server = await startTestServer({
      '/js-article': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(jsPage);
      },
      '/missing': (_req, res) => {
        res.writeHead(404);
        res.end('gone');
      },
    });
    browser = new BrowserFetcher({ allowPrivate: ['127.0.0.1/32'], settleMs: 100 });
    await browser.start();
  }, 60_000);

  afterAll(async () => {
    await browser?.stop();
    await server?.close();
  });

  it('extracts an article whose content is written by JavaScript', async () => {
    const a = await extractArticle(browser, `${server.url}/js-article`);
    expect(a?.text).toContain('The regional transport authority announced on Monday');
    expect(a?.text).toContain('final timetable next month');
    expect(a?.finalUrl).toBe(`${server.url}/js-article`);
  });

  it('reports HTTP errors and refuses internal addresses', async () => {
    const notFound = await browser.loadPage(`${server.url}/missing`).catch((e: unknown) => e);
    expect((notFound as FetchError).code).toBe('UPSTREAM_HTTP_404');
    const strict = new BrowserFetcher();
    const blocked = await strict.loadPage(`${server.url}/js-article`).catch((e: unknown) => e);
    expect((blocked as FetchError).code).toBe('SSRF_BLOCKED');
    expect(strict.running).toBe(false);
  });

  it('stops cleanly', async () => {
    expect(browser.running).toBe(true);
    await browser.stop();
    expect(browser.running).toBe(false);
  });
});
