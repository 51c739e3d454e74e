// Today's news in a real browser over realistic enriched articles grouped into events: default filters
// (since the last digest, 其他 off), category/source/search filters kept in the URL, event badges, a
// selection that survives a reload, a digest built from it, used articles hidden, hostile text inert.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, loadFixtures } from '../../src/events/testdata/fixtures.ts';
import { runGroupTask, seedArticle, SOURCE_NAMES } from '../../src/events/testdata/seed-articles.ts';
import { seedContent } from '../../src/store/testing-content.ts';
import { collectErrors, fitsViewport, startHarness, type Harness } from './harness.ts';

const fixtures = loadFixtures('articles.json');
const SHIFT = Date.now() - HOUR - Math.max(...fixtures.map((f) => f.publishedAt ?? f.fetchedAt));
const HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1">恶意标题<script>window.__pwned=2</script>';
const HOSTILE_SUMMARY =
  '<svg onload="window.__pwned=3"></svg>摘要 <a href="javascript:window.__pwned=4">点我</a>';

describe('dashboard: today’s news', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  const cards = () => page.locator('#news-list .news-card');
  const count = () => cards().count();
  const api = async (method: string, url: string, payload?: unknown) =>
    (await h.t.http.inject({ method: method as 'GET', url, payload: payload as object })).json();

  beforeAll(async () => {
    h = await startHarness({ seedSchedules: false });
    page = await h.page();
    errors = collectErrors(page);
    const db = { kind: 'sqlite' as const, file: (h.t.config.database as { file: string }).file };
    const sourceIds = [...new Set(fixtures.map((f) => f.sourceId))];
    await seedContent(db, {
      sources: sourceIds.map((id) => ({
        id,
        name: SOURCE_NAMES[id] ?? id,
        url: `https://${id}.example.test/feed`,
      })),
      articles: [
        ...fixtures.map((f) => seedArticle(f, SHIFT)),
        {
          id: 'hostile-1',
          sourceId: 'freebuf',
          title: HOSTILE_TITLE,
          titleZh: HOSTILE_TITLE,
          summary: HOSTILE_SUMMARY,
          contentText: '<script>window.__pwned=5</script>正文',
          category: '重大网络安全事件',
          fetchedAt: Date.now() - 2 * HOUR,
        },
      ],
    });
    const grouped = await runGroupTask(h.t);
    expect(grouped.status, JSON.stringify(grouped.error)).toBe('succeeded');
  });
  afterAll(() => h?.close());

  it('shows every article since the last digest except 其他, with event badges', async () => {
    await h.open(page, '/news');
    const others = fixtures.filter((f) => f.category === '其他').length;
    expect(await count()).toBe(fixtures.length + 1 - others);
    expect(await page.locator('#news-summary-line').textContent()).toContain(
      `共 ${fixtures.length + 1 - others} 篇`,
    );
    const ivanti = fixtures.find((f) => f.expect.event === 'ivanti-2025')!;
    const badge = page.locator(`.news-card[data-id="${ivanti.id}"] .event-badge`);
    expect(await badge.textContent()).toMatch(/^\+\d+ 个来源$/);
    expect(await badge.getAttribute('href')).toMatch(/^\/ui\/events\//);
    await h.screenshot(page, 'news', { viewport: true });
  });

  it('marks a generated summary as such on the card and on the article page', async () => {
    await h.open(page, '/news');
    const card = page.locator('.news-card[data-id="hostile-1"]');
    expect(await card.locator('.summary-origin').textContent()).toBe('生成摘要');
    await h.open(page, '/news/hostile-1');
    await page.waitForSelector('#article-summary');
    expect(await page.locator('.summary-origin').textContent()).toBe('生成摘要');
  });

  it('asks the API for everything but the unchecked categories in one request', async () => {
    const requests: string[] = [];
    const listen = (r: { url(): string }) => r.url().includes('/api/articles?') && requests.push(r.url());
    page.on('request', listen);
    await h.open(page, '/news');
    page.off('request', listen);
    expect(requests).toHaveLength(1);
    expect(new URL(requests[0]).searchParams.get('excludeCategory')).toBe('其他');
    const res = await api(
      'GET',
      `/api/articles?limit=100&excludeCategory=${encodeURIComponent('其他,重大漏洞风险提示')}`,
    );
    const kept =
      fixtures.filter((f) => f.category !== '其他' && f.category !== '重大漏洞风险提示').length + 1;
    expect(res.total).toBe(kept);
    for (const a of res.items) expect(['其他', '重大漏洞风险提示']).not.toContain(a.category);
  });

  it('filters by category, source and title, keeping the filters in the URL', async () => {
    const before = await count();
    await page.locator('#category-chips label', { hasText: '其他' }).click();
    await page.waitForFunction(
      (n) => document.querySelectorAll('#news-list .news-card').length === n + 1,
      before,
    );
    expect(new URL(page.url()).searchParams.get('cat')).toContain('其他');

    await page.locator('#category-chips label', { hasText: '重大漏洞风险提示' }).click();
    const vulns = fixtures.filter((f) => f.category === '重大漏洞风险提示').length;
    await page.waitForFunction(
      (n) =>
        document.body.dataset.ready === 'news' &&
        document.querySelectorAll('#news-list .news-card').length === n,
      before + 1 - vulns,
    );

    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'news');
    expect(await count()).toBe(before + 1 - vulns);

    await h.open(page, '/news');
    await page.selectOption('#source-mode', 'except');
    await page.waitForFunction(() => document.body.dataset.ready === 'news');
    await page.locator('.source-picker summary').click();
    await page.locator('.source-list label', { hasText: 'BleepingComputer' }).click();
    await page.waitForFunction(
      () => document.body.dataset.ready === 'news' && location.search.includes('src='),
    );
    const names = await page.locator('#news-list .news-source').allTextContents();
    expect(names.length).toBeGreaterThan(0);
    expect(names).not.toContain('BleepingComputer');

    await h.open(page, '/news');
    await page.fill('#news-search', 'Ivanti');
    await page.press('#news-search', 'Enter');
    await page.waitForFunction(
      () => document.body.dataset.ready === 'news' && location.search.includes('q=Ivanti'),
    );
    const titles = await page
      .locator('#news-list .news-card')
      .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) expect(title.toLowerCase()).toContain('ivanti');
  });

  it('renders a hostile feed item as text, on the list and on its page', async () => {
    await h.open(page, '/news');
    const card = page.locator('.news-card[data-id="hostile-1"]');
    expect(await card.locator('.news-title').textContent()).toBe(HOSTILE_TITLE);
    expect(await card.locator('.news-summary').textContent()).toContain(HOSTILE_SUMMARY);
    expect(await page.locator('#news-list img, #news-list svg, #news-list script').count()).toBe(0);
    await card.locator('.news-title a').click();
    await page.waitForFunction(() => document.body.dataset.ready === 'article');
    expect(await page.locator('h1').textContent()).toBe(HOSTILE_TITLE);
    expect(await page.locator('#article-body').textContent()).toContain(
      '<script>window.__pwned=5</script>正文',
    );
    expect(await page.locator('main script, main img, main svg').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await h.screenshot(page, 'article');
  });

  it('keeps the selection across a reload and builds a digest from it', async () => {
    await h.open(page, '/news');
    const picked = await cards().evaluateAll((els) =>
      els.slice(0, 3).map((e) => (e as HTMLElement).dataset.id!),
    );
    for (const id of picked) await page.locator(`.news-card[data-id="${id}"] .select-box`).check();
    expect(await page.locator('#selection-count').textContent()).toBe('已选 3 篇');
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'news');
    expect(await page.locator('#selection-count').textContent()).toBe('已选 3 篇');
    for (const id of picked)
      expect(await page.locator(`.news-card[data-id="${id}"] .select-box`).isChecked()).toBe(true);
    await h.screenshot(page, 'news-selection', { viewport: true });

    await page.fill('#digest-date', '2026-11-30');
    await page.click('#generate-digest');
    await page.waitForFunction(() => document.body.dataset.ready === 'digest');
    expect(await page.locator('.digest-item').count()).toBe(3);
    expect(await page.evaluate(() => localStorage.getItem('newsdesk.selection'))).toBeNull();
    const digests = await api('GET', '/api/digests');
    const digest = await api('GET', `/api/digests/${digests.items[0].id}`);
    expect(digest.date).toBe('2026-11-30');
    expect(new Set(digest.items.map((i: { articleId: string }) => i.articleId))).toEqual(new Set(picked));
  });

  it('hides articles already used in a digest, and starts after the last digest by default', async () => {
    const weekAgo = Date.now() - 168 * HOUR;
    const inWeek = fixtures.filter((f) => f.category !== '其他' && f.fetchedAt + SHIFT >= weekAgo).length + 1;
    await h.open(page, '/news?range=168');
    expect(await count()).toBe(inWeek - 3);
    expect(await page.locator('#news-summary-line').textContent()).toContain('已隐藏 3 篇');
    await h.open(page, '/news?range=168&used=show');
    expect(await count()).toBe(inWeek);
    await h.open(page, '/news');
    expect(await count()).toBe(0);
    expect(await page.locator('#news-summary-line').textContent()).toMatch(/自 .* 起/);
  });

  it('lists events with their sources and shows one with its articles', async () => {
    await h.open(page, '/events');
    expect(await page.locator('#event-list li').count()).toBeGreaterThan(0);
    await page.selectOption('#events-window', '30d');
    await page.waitForFunction(
      () => document.body.dataset.ready === 'events' && location.search.includes('30d'),
    );
    expect(await page.locator('#event-list li').count()).toBeGreaterThan(5);
    await h.screenshot(page, 'events');
    const ivanti = fixtures.find((f) => f.expect.event === 'ivanti-2025')!;
    const eventId = (await api('GET', `/api/articles/${ivanti.id}`)).eventId as string;
    await page.click(`#event-list li[data-id="${eventId}"] a.event-label`);
    await page.waitForFunction(() => document.body.dataset.ready === 'event');
    const members = fixtures.filter((f) => f.expect.event === 'ivanti-2025').length;
    expect(await page.locator('#event-members li').count()).toBe(members);
    await h.screenshot(page, 'event');
  });

  it('fits a phone screen', async () => {
    const phone = await h.newPage({ width: 375, height: 800 });
    for (const path of ['/news?range=168', '/events', `/news/${fixtures[0].id}`]) {
      await h.open(phone, path);
      expect(await fitsViewport(phone), path).toBe(true);
    }
    await h.open(phone, '/news?range=168');
    await h.screenshot(phone, 'news-375', { viewport: true });
    await phone.close();
    expect(errors).toEqual([]);
  });
});
