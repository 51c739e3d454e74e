// With NEWSDESK_API_TOKEN set: pages read without a token; the first change asks for it in a dialog,
// the token is kept in sessionStorage and sent as a Bearer header, never in a URL.
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectErrors, startHarness, type Harness } from './harness.ts';

const TOKEN = 'test-token-0123456789abcdef';

describe('dashboard: API token', () => {
  let h: Harness;
  let page: Page;
  const requests: Request[] = [];

  beforeAll(async () => {
    h = await startHarness({ env: { NEWSDESK_API_TOKEN: TOKEN } });
    page = await h.page();
    page.on('request', (r) => requests.push(r));
  });
  afterAll(() => h?.close());

  it('reads without a token, asks for it on the first change, then retries the change with it', async () => {
    const errors = collectErrors(page, [/401/]);
    await h.open(page, '/schedules');
    expect(await page.locator('#login').isVisible()).toBe(true);
    const card = page.locator('section.schedule[data-name="maintenance.cleanup"]');
    await card.locator('button[data-action="run"]').click();

    const dialog = page.locator('#login-dialog');
    await dialog.waitFor();
    await page.fill('#token-input', 'wrong-token-0123456789');
    await page.click('#login-submit');
    await expect.poll(() => dialog.locator('.field-error').textContent()).toBe('令牌无效');
    await h.screenshot(page, 'login-dialog');

    await page.fill('#token-input', TOKEN);
    await page.click('#login-submit');
    // The run went through after the login: we land on its execution.
    await page.waitForFunction(() => document.body.dataset.ready === 'execution', undefined, {
      timeout: 10_000,
    });
    expect(await page.evaluate(() => sessionStorage.getItem('newsdesk.token'))).toBe(TOKEN);
    expect(await page.locator('#logout').isVisible()).toBe(true);

    const run = requests.filter(
      (r) => r.method() === 'POST' && r.url().includes('/api/schedules/') && r.url().endsWith('/run'),
    );
    expect(run.length).toBe(2);
    expect(await run[0].headerValue('authorization')).toBeNull();
    expect(await run[1].headerValue('authorization')).toBe(`Bearer ${TOKEN}`);
    expect(errors).toEqual([]);
  });

  it('keeps the token across page loads in the tab and sends it on every change', async () => {
    await page.reload();
    await h.open(page, '/executions');
    await page.click('#run-task summary');
    await page.selectOption('#run-task-name', 'diagnostics.noop');
    await page.click('#run-task-submit');
    await page.waitForFunction(() => document.body.dataset.ready === 'execution');
    expect(await page.locator('#login-dialog').count()).toBe(0);
    const post = requests.filter(
      (r) => r.method() === 'POST' && r.url().includes('/api/tasks/diagnostics.noop/run'),
    );
    expect(await post.at(-1)!.headerValue('authorization')).toBe(`Bearer ${TOKEN}`);
  });

  it('never puts the token in a URL', () => {
    expect(requests.length).toBeGreaterThan(5);
    for (const r of requests) expect(r.url()).not.toContain(TOKEN);
  });

  it('forgets the token on logout', async () => {
    await page.click('#logout');
    expect(await page.evaluate(() => sessionStorage.getItem('newsdesk.token'))).toBeNull();
    expect(await page.locator('#login').isVisible()).toBe(true);
  });

  it('a fresh browser session starts logged out', async () => {
    // sessionStorage belongs to one tab: a new tab (not opened by the first) has none.
    const fresh = await h.newPage();
    await fresh.goto(`${h.base}/ui/`);
    await fresh.waitForFunction(() => document.body.dataset.ready === 'overview');
    expect(await fresh.evaluate(() => sessionStorage.getItem('newsdesk.token'))).toBeNull();
    await fresh.close();
  });
});
