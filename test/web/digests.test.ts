// The digest editor in a real browser: sections, live preview (IME-safe), reorder and remove, save,
// Markdown equal to the server's, PDF download, repeat-check badges, delivery with its attempts,
// hostile titles shown as text.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../src/digest/delivery/testdata/http-receiver.ts';
import { seedContent } from '../../src/store/testing-content.ts';
import { collectErrors, fitsViewport, startHarness, type Harness } from './harness.ts';

const HOSTILE = '<img src=x onerror="window.__pwned=1">漏洞<script>window.__pwned=2</script>';

describe('dashboard: digests', () => {
  let h: Harness;
  let page: Page;
  let errors: string[];
  let receiver: Receiver;
  let digestId: string;
  let ids: string[];

  const api = async (method: string, url: string, payload?: unknown) =>
    h.t.http.inject({ method: method as 'GET', url, payload: payload as object });
  const digest = async () => (await api('GET', `/api/digests/${digestId}`)).json();
  const previewText = () => page.locator('#digest-preview').innerText();
  /** A few frames: the preview follows an edit on the next animation frame. */
  const PREVIEW_FRAME = { timeout: 2_000, interval: 20 };

  beforeAll(async () => {
    receiver = await startReceiver(() => ({ status: 200, body: { ok: true } }));
    h = await startHarness({
      env: { NEWSDESK_DELIVERY_BASE_DELAY_MS: '10', NEWSDESK_DELIVERY_MAX_DELAY_MS: '50' },
    });
    page = await h.page();
    errors = collectErrors(page);
    const db = { kind: 'sqlite' as const, file: (h.t.config.database as { file: string }).file };
    const { sourceIds } = await seedContent(db, {
      sources: [{ name: 'FreeBuf' }, { name: 'BleepingComputer' }],
    });
    const articles = [
      { titleZh: '某银行遭勒索软件攻击', category: '金融业网络安全事件' },
      { titleZh: '某券商客户数据疑似泄露', category: '金融业网络安全事件' },
      { titleZh: 'OpenSSH 高危漏洞 CVE-2026-1234', category: '重大漏洞风险提示' },
      { titleZh: '电商平台千万用户数据泄露', category: '重大数据泄露事件' },
      { titleZh: HOSTILE, category: '重大网络安全事件' },
      { titleZh: '某厂商发布季度安全报告', category: '其他' },
    ];
    ({ articleIds: ids } = await seedContent(db, {
      articles: articles.map((a, i) => ({
        sourceId: sourceIds[i % 2],
        title: `Article ${i}`,
        titleZh: a.titleZh,
        summary: `第 ${i + 1} 条摘要：事件经过、技术细节、影响与处置建议。`,
        category: a.category,
      })),
    }));
    // Yesterday's digest already carried the ransomware story: the repeat check must flag it.
    expect((await api('POST', '/api/digests', { date: '2026-11-29', articleIds: [ids[0]] })).statusCode).toBe(
      201,
    );
    const created = await api('POST', '/api/digests', { date: '2026-11-30', articleIds: ids });
    expect(created.statusCode, created.body).toBe(201);
    digestId = created.json().id;
    const channel = await api('POST', '/api/channels', {
      name: '值班 webhook',
      type: 'webhook',
      config: { url: `${receiver.url}/hook` },
    });
    expect(channel.statusCode, channel.body).toBe(201);
  });
  afterAll(async () => {
    await h?.close();
    await receiver?.close();
  });

  it('lists digests and opens one with its sections and a live preview; hostile titles stay text', async () => {
    await h.open(page, '/digests');
    expect(await page.locator('#digest-list tbody tr').count()).toBe(2);
    await h.screenshot(page, 'digests');
    await page.click(`#digest-list tr[data-id="${digestId}"] a`);
    await page.waitForFunction(() => document.body.dataset.ready === 'digest');
    const sections = await page.locator('.digest-section h3').allTextContents();
    expect(sections.map((s) => s.replace(/\s*\(\d+\)$/, ''))).toEqual([
      '一、金融业网络安全事件',
      '二、重大网络安全事件',
      '三、重大数据泄露事件',
      '四、重大漏洞风险提示',
      '五、其他',
    ]);
    const preview = await previewText();
    expect(preview).toContain('每日网安情报速递【20261130】');
    expect(preview).toContain('某银行遭勒索软件攻击');
    expect(preview).toContain(HOSTILE);
    expect(await page.locator('#digest-preview img, #digest-preview script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await h.screenshot(page, 'digest-editor');
  });

  it('reorders and removes items; the preview follows at once and saving keeps the order', async () => {
    const finance = page.locator('.digest-section[data-section="金融业网络安全事件"] .digest-item');
    expect(
      await finance
        .locator('.item-title')
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    ).toEqual(['某银行遭勒索软件攻击', '某券商客户数据疑似泄露']);
    await finance.first().locator('button[data-move="1"]').click();
    expect(
      await finance
        .locator('.item-title')
        .evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)),
    ).toEqual(['某券商客户数据疑似泄露', '某银行遭勒索软件攻击']);
    // The preview re-renders on the next animation frame: poll briefly rather than read it at once.
    await expect
      .poll(async () => {
        const text = await previewText();
        return text.indexOf('某券商客户数据疑似泄露') < text.indexOf('某银行遭勒索软件攻击');
      }, PREVIEW_FRAME)
      .toBe(true);

    await page.locator(`.digest-item[data-article-id="${ids[5]}"] button[data-action="remove"]`).click();
    await expect.poll(previewText, PREVIEW_FRAME).not.toContain('五、其他');
    expect(await page.locator('#digest-dirty').isVisible()).toBe(true);

    // Move the vulnerability item to the data-leak section through its category.
    await page
      .locator(`.digest-item[data-article-id="${ids[2]}"] select.item-category`)
      .selectOption('重大数据泄露事件');
    expect(await page.locator('.digest-section[data-section="重大数据泄露事件"] .digest-item').count()).toBe(
      2,
    );
    await expect.poll(previewText, PREVIEW_FRAME).toMatch(/四、重大漏洞风险提示\s+暂无/);

    await page.click('#digest-save');
    await page.waitForFunction(() => document.getElementById('digest-dirty')?.hidden === true);
    const stored = await digest();
    expect(stored.items.map((i: { articleId: string }) => i.articleId)).toEqual([
      ids[1],
      ids[0],
      ids[4],
      ids[3],
      ids[2],
    ]);
    expect(stored.items.find((i: { articleId: string }) => i.articleId === ids[2]).category).toBe(
      '重大数据泄露事件',
    );
    expect(stored.revision).toBe(2);
  });

  it('keeps an input method composition intact: the preview waits for the committed text', async () => {
    const summary = page.locator(`.digest-item[data-article-id="${ids[3]}"] textarea.item-summary`);
    await summary.click();
    await summary.press('End');
    await page.evaluate(() => {
      const log: string[] = [];
      (window as unknown as { imeLog: string[] }).imeLog = log;
      for (const type of ['compositionstart', 'compositionend'])
        document.addEventListener(type, () => log.push(type), true);
    });
    const cdp = await h.context.newCDPSession(page);
    await cdp.send('Input.imeSetComposition', { text: 'ceshi', selectionStart: 5, selectionEnd: 5 });
    // Give the page a few frames: a preview that re-rendered mid-composition would now show "ceshi".
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await summary.inputValue()).toContain('ceshi');
    expect(await previewText()).not.toContain('ceshi');
    await cdp.send('Input.insertText', { text: '测试补充' });
    await expect.poll(previewText).toContain('处置建议。测试补充');
    expect(await previewText()).not.toContain('ceshi');
    expect(await summary.inputValue()).toBe('第 4 条摘要：事件经过、技术细节、影响与处置建议。测试补充');
    expect(await page.evaluate(() => (window as unknown as { imeLog: string[] }).imeLog)).toEqual([
      'compositionstart',
      'compositionend',
    ]);
    await cdp.detach();
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => document.getElementById('digest-dirty')?.hidden === true);
    expect(
      (await digest()).items.find((i: { articleId: string }) => i.articleId === ids[3]).summary,
    ).toContain('测试补充');
  });

  it("shows exactly the server's Markdown as the preview source", async () => {
    await page.getByRole('button', { name: 'Markdown 源文本' }).click();
    const shown = await page.locator('#digest-markdown').textContent();
    const server = (await api('GET', `/api/digests/${digestId}.md`)).body;
    expect(shown).toBe(server);
    await page.getByRole('button', { name: 'Markdown 源文本' }).click();
  });

  it('downloads the PDF with its house file name', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 60_000 }),
      page.click('button[data-download="pdf"]'),
    ]);
    expect(download.suggestedFilename()).toBe('每日网安情报速递【20261130】.pdf');
    const file = await download.path();
    expect(readFileSync(file!).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it("runs the repeat check and marks the item seen in yesterday's digest", async () => {
    await page.click('#digest-check');
    await page.waitForFunction(
      () =>
        document.body.dataset.ready === 'digest' &&
        /1 条疑似重复/.test(document.getElementById('check-info')?.textContent ?? ''),
      undefined,
      { timeout: 20_000 },
    );
    const flagged = page.locator('.digest-item.is-repeat');
    expect(await flagged.count()).toBe(1);
    expect(await flagged.getAttribute('data-article-id')).toBe(ids[0]);
    const note = await flagged.locator('.repeat-note').textContent();
    expect(note).toContain('2026-11-29');
    expect(note).toContain('某银行遭勒索软件攻击');
    await h.screenshot(page, 'digest-repeat-check');
  });

  it('delivers to a channel and lists the attempt', async () => {
    expect(await page.locator('#deliver-channels input[value="值班 webhook"]').isChecked()).toBe(true);
    await page.click('#digest-deliver');
    await page.waitForFunction(
      () =>
        document.body.dataset.ready === 'digest' &&
        document.querySelectorAll('#delivery-attempts tbody tr').length > 0,
      undefined,
      { timeout: 20_000 },
    );
    expect(await page.locator('#delivery-attempts tbody tr[data-ok="true"]').count()).toBe(1);
    expect(receiver.requests.length).toBe(1);
    expect(receiver.requests[0].body).toContain('某银行遭勒索软件攻击');
    expect(await page.locator('#digest-status').textContent()).toBe('已推送');
    await h.screenshot(page, 'digest-delivered');
  });

  it('builds a digest automatically from the list page', async () => {
    await h.open(page, '/digests');
    await page.click('#digest-auto');
    await page.waitForFunction(
      () => document.body.dataset.ready === 'digest' && !location.pathname.endsWith('/digests'),
    );
    expect((await api('GET', '/api/digests')).json().total).toBe(3);
  });

  it('is usable on a phone: editor and preview as tabs, nothing wider than the screen', async () => {
    const phone = await h.newPage({ width: 375, height: 800 });
    await h.open(phone, `/digests/${digestId}`);
    expect(await fitsViewport(phone)).toBe(true);
    expect(await phone.locator('.preview-card').isVisible()).toBe(false);
    await phone.click('.editor-tabs [data-tab="preview"]');
    expect(await phone.locator('.preview-card').isVisible()).toBe(true);
    expect(await phone.locator('.editor-card').isVisible()).toBe(false);
    await h.screenshot(phone, 'digest-375');
    await phone.close();
    expect(errors).toEqual([]);
  });
});
