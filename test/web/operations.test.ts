// The operator's pages in a real browser: overview, executions (live progress, cancel), schedules
// (instant cron validation), settings, language switch, phone width, and inert hostile text.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/app.ts';
import { collectErrors, fitsViewport, pageLoadMs, startHarness, type Harness } from './harness.ts';
import { holdRoute, type HeldRoute } from './held-route.ts';

describe('dashboard: operations pages', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    h = await startHarness();
    page = await h.page();
    errors = collectErrors(page);
  });
  afterAll(() => h?.close());

  const api = async (method: string, url: string, payload?: unknown) => {
    const res = await h.t.http.inject({ method: method as 'GET', url, payload: payload as object });
    return res.json();
  };
  const statusOf = async (id: string): Promise<string> => (await api('GET', `/api/executions/${id}`)).status;
  /** A diagnostics.sleep run, once the engine reports it running. */
  const startRunningSleep = async (payload: { ms: number; steps: number }): Promise<string> => {
    const { executionId } = await api('POST', '/api/tasks/diagnostics.sleep/run', { payload });
    await expect.poll(() => statusOf(executionId)).toBe('running');
    return executionId;
  };
  /** Other capabilities seed schedules too: find the one these tests edit by name. */
  const cleanupSchedule = async (): Promise<{ cron: string; enabled: boolean }> =>
    (await api('GET', '/api/schedules')).items.find(
      (s: { name: string }) => s.name === 'maintenance.cleanup',
    );

  it('serves the shell with a strict CSP and redirects / to /ui/', async () => {
    const root = await h.t.http.inject({ method: 'GET', url: '/' });
    expect(root.statusCode).toBe(302);
    expect(root.headers.location).toBe('/ui/');
    const shell = await h.t.http.inject({ method: 'GET', url: '/ui/executions/whatever' });
    expect(shell.statusCode).toBe(200);
    expect(shell.headers['content-security-policy']).toContain("script-src 'self'");
    expect(shell.body).toMatch(/<script type="module" src="\/ui\/assets\/app\.[A-Z0-9]+\.js">/);
    const stale = await h.t.http.inject({ method: 'GET', url: '/ui/assets/app.000000000000.js' });
    expect(stale.statusCode).toBe(404);
  });

  it('loads every operations page in Chinese, cleanly, at desktop and phone widths', async () => {
    const phone = await h.newPage({ width: 375, height: 780 });
    const phoneErrors = collectErrors(phone);
    for (const [path, name, heading] of [
      ['/', 'overview', '概览'],
      ['/executions', 'executions', '执行记录'],
      ['/schedules', 'schedules', '定时任务'],
      ['/settings', 'settings', '设置'],
    ] as const) {
      await h.open(page, path);
      expect(await page.locator('h1').first().textContent()).toBe(heading);
      expect(await page.evaluate(() => document.body.dataset.ready)).toBe(name);
      expect(await pageLoadMs(page)).toBeGreaterThan(0);
      await h.screenshot(page, name);
      await h.open(phone, path);
      expect(await fitsViewport(phone), `${path} fits 375 px`).toBe(true);
      await h.screenshot(phone, `${name}-375`);
    }
    await phone.close();
    expect(phoneErrors).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows the enrichment and content cards on the overview', async () => {
    await h.open(page, '/');
    expect(await page.locator('#content-stats .stat').count()).toBe(3);
    expect(await page.locator('#enrich-stats .stat').count()).toBe(4);
  });

  it('adds a delivery channel (with the API field error first), shows it masked, deletes it', async () => {
    page.once('dialog', (d) => void d.accept());
    await h.open(page, '/settings');
    expect(await page.locator('[data-key="NEWSDESK_API_TOKEN"] .config-value').textContent()).toContain(
      '未设置',
    );
    await page.locator('details.subsection summary').click();
    await page.fill('#channel-name', '值班群');
    await page.selectOption('#channel-type', 'webhook');
    await page.fill('#channel-config', '{"url": "ftp://hooks.example.test/x"}');
    await page.click('#channel-form button[type="submit"]');
    await expect.poll(() => page.locator('#channel-error').textContent()).toContain('config.url');
    const secret = 'webhook-secret-0123456789';
    await page.fill('#channel-config', JSON.stringify({ url: 'https://hooks.example.test/x', secret }));
    await page.click('#channel-form button[type="submit"]');
    await page.waitForFunction(() => document.querySelector('#channels [data-channel="值班群"]') !== null);
    expect(await page.content()).not.toContain(secret);
    await page.locator('#channels [data-channel="值班群"] .switch').click();
    await waitFor(async () => (await api('GET', '/api/channels')).items[0].enabled === false);
    await h.screenshot(page, 'settings-channels');
    await page.locator('#channels [data-channel="值班群"] .btn-danger-ghost').click();
    await waitFor(async () => (await api('GET', '/api/channels')).items.length === 0);
  });

  it('switches to English and keeps the choice across a reload', async () => {
    await h.open(page, '/schedules');
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Schedules');
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'schedules');
    expect(await page.locator('h1').textContent()).toBe('Schedules');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.click('#lang-switch');
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === '定时任务');
  });

  it('validates a cron expression as it is typed and shows the next five runs', async () => {
    await h.open(page, '/schedules');
    const card = page.locator('section.schedule[data-name="maintenance.cleanup"]');
    const cron = card.locator('input[name="cron"]');
    await expect.poll(() => card.locator('.next-runs li').count()).toBe(5);

    await cron.fill('61 * * * *');
    await expect.poll(() => card.locator('.cron-error').textContent()).not.toBe('');
    expect(await cron.getAttribute('aria-invalid')).toBe('true');
    expect(await card.locator('.next-runs li').count()).toBe(0);
    await h.screenshot(page, 'schedules-invalid-cron');

    await cron.fill('30 7 * * 1-5');
    await expect.poll(() => card.locator('.next-runs li').count()).toBe(5);
    expect(await card.locator('.cron-error').textContent()).toBe('');
    const times = await card.locator('.next-runs time').allTextContents();
    for (const time of times) expect(time).toMatch(/ 07:30$/);
    await h.screenshot(page, 'schedules-valid-cron');

    await card.locator('button[data-action="save"]').click();
    await page.waitForFunction(() => document.querySelector('.toast')?.textContent?.includes('已保存'));
    const stored = await cleanupSchedule();
    expect(stored.cron).toBe('30 7 * * 1-5');
  });

  it('disables and enables a schedule', async () => {
    await h.open(page, '/schedules');
    const toggle = page.locator('section.schedule[data-name="maintenance.cleanup"] input[name="enabled"]');
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await waitFor(async () => (await cleanupSchedule()).enabled === false);
    await toggle.click();
    await waitFor(async () => (await cleanupSchedule()).enabled === true);
  });

  it('starts a task from the page and watches its progress bar advance live', async () => {
    await h.open(page, '/executions');
    await page.click('#run-task summary');
    await page.selectOption('#run-task-name', 'diagnostics.sleep');
    await page.fill('#run-task-payload', '{"ms": 2400, "steps": 8}');
    await page.click('#run-task-submit');
    await page.waitForFunction(() => document.body.dataset.ready === 'execution');
    // Record every value the bar shows, as the browser sees it.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seen: string[] }).seen = seen;
      const bar = document.getElementById('exec-progress')!;
      new MutationObserver(() => {
        const v = bar.dataset.current ?? '';
        if (v && seen.at(-1) !== v) seen.push(v);
      }).observe(bar, { attributes: true });
    });
    await page.waitForFunction(
      () => document.querySelector('#exec-status [data-status]')?.getAttribute('data-status') === 'succeeded',
      undefined,
      { timeout: 15_000 },
    );
    const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen.map(Number));
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(seen.at(-1)).toBe(8);
    expect(await page.locator('#count-success').textContent()).toBe('8');
    await expect.poll(() => page.locator('#exec-logs li').count()).toBeGreaterThan(0);
    expect(await page.locator('#cancel-execution').isHidden()).toBe(true);
    await h.screenshot(page, 'execution-succeeded');
  });

  it('shows a running task on the overview and executions list, updating live', async () => {
    await h.open(page, '/');
    const { executionId } = await api('POST', '/api/tasks/diagnostics.sleep/run', {
      payload: { ms: 1500, steps: 5 },
    });
    const row = page.locator(`tr.exec-row[data-id="${executionId}"]`);
    await row.waitFor();
    await page.waitForFunction(
      (id) =>
        Number(document.querySelector(`tr[data-id="${id}"] .progress`)?.getAttribute('data-current')) >= 2,
      executionId,
    );
    await h.screenshot(page, 'overview-running');
    await page.waitForFunction(
      (id) => document.querySelector(`tr[data-id="${id}"]`)?.getAttribute('data-status') === 'succeeded',
      executionId,
      { timeout: 10_000 },
    );
  });

  it.each(['/', '/executions'])(
    'shows a run that started while %s loaded, before its live stream was open',
    async (path) => {
      const stream = await holdRoute(page, '**/api/stream*');
      try {
        await h.open(page, path);
        const executionId = await startRunningSleep({ ms: 6000, steps: 6 });
        // Its queued and running events went out while the page had no stream: the row must come from
        // reading the list again once the stream is open, well before the run ends.
        stream.release();
        await page.locator(`tr.exec-row[data-id="${executionId}"]`).waitFor({ timeout: 4_000 });
        // Let it finish (a cancelled run would show in the history filter below).
        await expect.poll(() => statusOf(executionId), { timeout: 15_000 }).toBe('succeeded');
      } finally {
        await stream.close();
      }
    },
  );

  it.each(['/', '/executions'])(
    'does not bring back as running a run whose end %s showed before its list read again arrived',
    async (path) => {
      // The list read again when the stream opens is answered while the run runs, and handed to the
      // page only after the stream has told it the run ended: what a busy machine can do.
      const stream = await holdRoute(page, '**/api/stream*');
      let list: HeldRoute | undefined;
      try {
        await h.open(page, path);
        const executionId = await startRunningSleep({ ms: 2500, steps: 5 });
        list = await holdRoute(page, '**/api/executions?*', { answerFirst: true });
        stream.release();
        await list.answered;
        await expect.poll(() => statusOf(executionId), { timeout: 15_000 }).toBe('succeeded');
        const row = page.locator(`tr.exec-row[data-id="${executionId}"]`);
        // The executions page shows the end it was told; the overview never listed the run.
        if (path === '/executions')
          await expect.poll(() => row.getAttribute('data-status')).toBe('succeeded');
        else await page.waitForTimeout(500);
        const stale = page.waitForResponse('**/api/executions?*');
        list.release();
        await stale;
        await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
        expect(
          await page.locator(`tr.exec-row[data-id="${executionId}"][data-status="running"]`).count(),
        ).toBe(0);
      } finally {
        await stream.close();
        await list?.close();
      }
    },
  );

  it('shows the end of a run that finished before its page had its live stream open', async () => {
    const stream = await holdRoute(page, '**/api/executions/*/events');
    try {
      const { executionId } = await api('POST', '/api/tasks/diagnostics.sleep/run', {
        payload: { ms: 1500, steps: 3 },
      });
      await h.open(page, `/executions/${executionId}`);
      await expect.poll(() => statusOf(executionId), { timeout: 15_000 }).toBe('succeeded');
      // Its last events went out while the page had no stream: the page must read the run again.
      stream.release();
      await page.waitForFunction(
        () =>
          document.querySelector('#exec-status [data-status]')?.getAttribute('data-status') === 'succeeded',
        undefined,
        { timeout: 5_000 },
      );
    } finally {
      await stream.close();
    }
  });

  it('cancels a running task', async () => {
    const { executionId } = await api('POST', '/api/tasks/diagnostics.sleep/run', {
      payload: { ms: 30_000, steps: 300 },
    });
    await h.open(page, `/executions/${executionId}`);
    await page.waitForFunction(() => Number(document.getElementById('exec-progress')?.dataset.current) >= 1);
    await page.click('#cancel-execution');
    await page.waitForFunction(
      () => document.querySelector('#exec-status [data-status]')?.getAttribute('data-status') === 'cancelled',
      undefined,
      { timeout: 10_000 },
    );
    expect(await statusOf(executionId)).toBe('cancelled');
    await h.screenshot(page, 'execution-cancelled');
  });

  it('keeps showing the end of a run when the answer to its cancel arrives after the end', async () => {
    const { executionId } = await api('POST', '/api/tasks/diagnostics.sleep/run', {
      payload: { ms: 30_000, steps: 300 },
    });
    // The cancel is sent; its answer (the run still running, cancel requested) is held back until
    // the stream has shown the run cancelled, which is what a busy machine does to the page.
    const answer = await holdRoute(page, '**/api/executions/*/cancel', { answerFirst: true });
    try {
      await h.open(page, `/executions/${executionId}`);
      await page.waitForFunction(
        () => Number(document.getElementById('exec-progress')?.dataset.current) >= 1,
      );
      await page.click('#cancel-execution');
      await page.waitForFunction(
        () =>
          document.querySelector('#exec-status [data-status]')?.getAttribute('data-status') === 'cancelled',
        undefined,
        { timeout: 10_000 },
      );
      answer.release();
      await page.locator('.toast', { hasText: /./ }).first().waitFor();
      expect(await page.locator('#exec-status [data-status]').getAttribute('data-status')).toBe('cancelled');
      expect(await page.locator('#cancel-execution').isHidden()).toBe(true);
    } finally {
      await answer.close();
    }
  });

  it('filters the history and shows an error with its stack', async () => {
    const { executionId } = await api('POST', '/api/tasks/diagnostics.sleep/run', {
      payload: { ms: 10, steps: 1, fail: 'permanent' },
    });
    await waitFor(async () => (await statusOf(executionId)) === 'failed');
    await h.open(page, '/executions?status=failed');
    expect(await page.locator('tr.exec-row').count()).toBe(1);
    expect(await page.locator('#stats-table').textContent()).toContain('diagnostics.sleep');
    await page.click(`tr.exec-row[data-id="${executionId}"] a`);
    await page.waitForFunction(() => document.body.dataset.ready === 'execution');
    expect(await page.locator('#exec-error').textContent()).toContain('failing permanently as asked');
    expect(await page.locator('#exec-error pre.stack').textContent()).toContain('PermanentFailure');
    await h.screenshot(page, 'execution-failed');
    // The filter form writes the URL: a reload shows the same list.
    await h.open(page, '/executions');
    await page.click('#exec-filters >> xpath=..//summary');
    await page.check('#exec-filters input[value="cancelled"]');
    await page.click('#exec-filters button[type="submit"]');
    await page.waitForFunction(
      () => location.search.includes('status=cancelled') && document.body.dataset.ready === 'executions',
    );
    const cancelled = (await api('GET', '/api/executions?status=cancelled')).items.length;
    expect(cancelled).toBeGreaterThan(0);
    expect(await page.locator('tr.exec-row').count()).toBe(cancelled);
    expect(await page.locator('tr.exec-row[data-status="cancelled"]').count()).toBe(cancelled);
  });

  it('renders hostile text inert', async () => {
    const name = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    await api('POST', '/api/schedules', { name, task: 'diagnostics.noop', cron: '0 0 1 1 *' });
    await h.open(page, '/schedules');
    const title = page.locator('section.schedule h2', { hasText: '<img' });
    expect(await title.textContent()).toBe(name);
    expect(await page.locator('section.schedule img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  });
});
