// Sources in a real browser against a local feed site: discovery, validation messages under the field,
// add, crawl now with its history, OPML export and import, crawl everything with a live progress bar,
// and a hostile feed item that renders inert on the news page and the article page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/app.ts';
import { collectErrors, startHarness, type Harness } from './harness.ts';

function rss(title: string, items: { title: string; link: string; html: string }[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>${title}</title><link>http://example.test/</link><description>test</description>
${items
  .map(
    (i) =>
      `<item><title>${i.title}</title><link>${i.link}</link><guid>${i.link}</guid><pubDate>${new Date().toUTCString()}</pubDate><description><![CDATA[${i.html}]]></description><content:encoded><![CDATA[${i.html}]]></content:encoded></item>`,
  )
  .join('\n')}
</channel></rss>`;
}

const HOSTILE_HTML =
  '<p>Hostile body text.</p><img src="x" onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:window.__pwned=3">link</a><iframe src="javascript:1"></iframe>';

describe('dashboard: sources', () => {
  let h: Harness;
  let page: Page;
  let site: Server;
  let base = '';

  beforeAll(async () => {
    site = createServer((req, res) => {
      const url = req.url ?? '/';
      if (url === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          '<!doctype html><html><head><title>Test site</title><link rel="alternate" type="application/rss+xml" title="Test Feed" href="/feed.xml"></head><body>hi</body></html>',
        );
      } else if (url === '/feed.xml') {
        res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
        res.end(
          rss('Test Feed', [
            {
              title: 'Bank systems hit by ransomware',
              link: `${base}/a/1`,
              html: '<p>Ransomware hit a bank.</p>',
            },
            {
              title: 'Critical OpenSSH vulnerability patched',
              link: `${base}/a/2`,
              html: '<p>CVE-2026-0001 in OpenSSH.</p>',
            },
            {
              title: '&lt;img src=x onerror="window.__pwned=9"&gt;Hostile item',
              link: `${base}/a/3`,
              html: HOSTILE_HTML,
            },
          ]),
        );
      } else if (url.startsWith('/slow/')) {
        const n = url.replace(/\D/g, '');
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
          res.end(
            rss(`Slow ${n}`, [
              { title: `Slow story ${n}`, link: `${base}/slow-story/${n}`, html: '<p>slow</p>' },
            ]),
          );
        }, 600);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    h = await startHarness({
      seedSchedules: false,
      env: {
        NEWSDESK_CRAWL_ALLOW_PRIVATE: '127.0.0.1',
        NEWSDESK_CRAWL_PER_HOST_DELAY_MS: '0',
        NEWSDESK_CRAWL_PER_HOST_CONCURRENCY: '1',
      },
    });
    page = await h.page();
  });
  afterAll(async () => {
    await h?.close();
    await new Promise((resolve) => site?.close(resolve));
  });

  it('shows the API message under the URL field and adds a source found by discovery', async () => {
    const errors = collectErrors(page, [/400/]);
    await h.open(page, '/sources');
    await page.click('#add-source summary');
    const form = page.locator('#add-source form.source-form');
    await form.locator('input[name="name"]').fill('Bad one');
    await form.locator('input[name="url"]').fill('ftp://example.test/feed');
    await form.locator('button[type="submit"]').click();
    await expect.poll(() => form.locator('.field-error[data-field="url"]').textContent()).toMatch(/http/i);
    await h.screenshot(page, 'sources-validation');

    await form.locator('input[name="name"]').fill('');
    await page.fill('#discover-url', `${base}/`);
    await page.click('#discover');
    const result = page.locator('#discover-results li', { hasText: 'Test Feed' });
    await result.waitFor();
    await result.locator('button').click();
    expect(await form.locator('input[name="url"]').inputValue()).toBe(`${base}/feed.xml`);
    expect(await form.locator('input[name="name"]').inputValue()).toBe('Test Feed');
    await form.locator('button[type="submit"]').click();
    await page.waitForFunction(() => document.body.dataset.ready === 'source');
    expect(await page.locator('h1').textContent()).toBe('Test Feed');
    expect(errors).toEqual([]);
  });

  it('crawls the source now and lists the run in its history', async () => {
    await page.click('#source-crawl');
    await page.waitForFunction(
      () =>
        document.body.dataset.ready === 'source' &&
        document.querySelectorAll('#crawl-runs tbody tr').length > 0,
      undefined,
      { timeout: 20_000 },
    );
    const run = page.locator('#crawl-runs tbody tr').first();
    expect(await run.getAttribute('data-status')).toBe('ok');
    expect(await run.textContent()).toContain('3 / 3');
    expect(await page.locator('.health').getAttribute('data-health')).toBe('ok');
    await h.screenshot(page, 'source');
  });

  it('refuses an out-of-range interval with a message under that field; disables and enables', async () => {
    const form = page.locator('form.source-form');
    await form.locator('input[name="fetchIntervalMinutes"]').fill('1');
    await form.locator('button[type="submit"]').click();
    await expect
      .poll(() => form.locator('.field-error[data-field="fetchIntervalMinutes"]').textContent())
      .not.toBe('');
    await page.click('#source-toggle');
    await page.waitForFunction(
      () => document.querySelector('.health')?.getAttribute('data-health') === 'disabled',
    );
    await page.click('#source-toggle');
    await page.waitForFunction(() => document.querySelector('.health')?.getAttribute('data-health') === 'ok');
  });

  it('shows a hostile feed item as text on the news page and its article without running anything', async () => {
    const all = encodeURIComponent(
      [
        '金融业网络安全事件',
        '重大网络安全事件',
        '重大数据泄露事件',
        '重大漏洞风险提示',
        '其他',
        '__unclassified',
      ].join(','),
    );
    await h.open(page, `/news?cat=${all}`);
    const card = page.locator('.news-card', { hasText: 'Hostile item' });
    // The crawler keeps titles as plain text; whatever is left is shown as text.
    expect(await card.locator('.news-title').textContent()).toContain('Hostile item');
    expect(await page.locator('#news-list img').count()).toBe(0);
    await card.locator('.news-title a').click();
    await page.waitForFunction(() => document.body.dataset.ready === 'article');
    const body = page.locator('#article-body');
    expect(await body.textContent()).toContain('Hostile body text.');
    expect(await body.locator('script, iframe, [onerror], a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('exports and imports OPML', async () => {
    await h.open(page, '/sources');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-opml')]);
    const exported = readFileSync((await download.path())!, 'utf8');
    expect(exported).toContain(`${base}/feed.xml`);
    const opml = `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>${[1, 2, 3, 4]
      .map((n) => `<outline type="rss" text="Slow ${n}" title="Slow ${n}" xmlUrl="${base}/slow/${n}.xml"/>`)
      .join('')}<outline type="rss" text="Test Feed" xmlUrl="${base}/feed.xml"/></body></opml>`;
    await page.setInputFiles('#opml-file', {
      name: 'feeds.opml',
      mimeType: 'text/xml',
      buffer: Buffer.from(opml),
    });
    await page.waitForFunction(() => document.querySelector('.toast')?.textContent?.includes('新增 4 个'));
    await page.waitForFunction(
      () =>
        document.body.dataset.ready === 'sources' &&
        document.querySelectorAll('#source-table tbody tr').length === 5,
    );
  });

  it('crawls every source with a progress bar that advances live', async () => {
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { seen: number[] }).seen = seen;
      const bar = document.getElementById('crawl-all-progress')!;
      new MutationObserver(() => {
        const v = Number(bar.dataset.current);
        if (bar.dataset.current && seen.at(-1) !== v) seen.push(v);
      }).observe(bar, { attributes: true });
    });
    await page.click('#crawl-all');
    await page.waitForFunction(() => (window as unknown as { seen: number[] }).seen.length >= 2, undefined, {
      timeout: 20_000,
    });
    const seen = await page.evaluate(() => (window as unknown as { seen: number[] }).seen);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    await h.screenshot(page, 'sources-crawling', { viewport: true });
    await page.waitForFunction(
      () =>
        document.body.dataset.ready === 'sources' &&
        document.querySelectorAll('#source-table tr[data-health="ok"]').length === 5,
      undefined,
      { timeout: 30_000 },
    );
    await waitFor(
      async () => (await h.t.http.inject({ method: 'GET', url: '/api/articles?limit=1' })).json().total === 7,
      10_000,
    );
    await h.screenshot(page, 'sources');
  });
});
