import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';
import { digestSettings } from './digest-spec.ts';

const settings = (env: Record<string, string> = {}) =>
  digestSettings(loadConfig({ NEWSDESK_DATA_DIR: '/tmp/x', ...env }).raw);

describe('digest config', () => {
  it('defaults to the five house categories, 其他 hidden while empty', () => {
    const s = settings();
    expect(s.categories).toEqual([
      { name: '金融业网络安全事件', showWhenEmpty: true },
      { name: '重大网络安全事件', showWhenEmpty: true },
      { name: '重大数据泄露事件', showWhenEmpty: true },
      { name: '重大漏洞风险提示', showWhenEmpty: true },
      { name: '其他', showWhenEmpty: false },
    ]);
    expect(s).toMatchObject({
      capPerCategory: 10,
      markdownLinks: false,
      pdfLayout: 'a4',
      chromiumPath: '/usr/bin/chromium',
      repeatDays: 3,
      delivery: { attempts: 3, baseDelayMs: 2000, maxDelayMs: 60_000 },
      publicBaseUrl: undefined,
    });
  });

  it('reads a custom category list of names or objects, and the other keys', () => {
    const s = settings({
      NEWSDESK_DIGEST_CATEGORIES: '["漏洞", {"name": "事件", "showWhenEmpty": false}, "其他"]',
      NEWSDESK_DIGEST_MARKDOWN_LINKS: 'true',
      NEWSDESK_DIGEST_PDF_LAYOUT: 'single-page',
      NEWSDESK_PUBLIC_BASE_URL: 'https://news.example.com/',
    });
    expect(s.categories).toEqual([
      { name: '漏洞', showWhenEmpty: true },
      { name: '事件', showWhenEmpty: false },
      { name: '其他', showWhenEmpty: false },
    ]);
    expect(s).toMatchObject({
      markdownLinks: true,
      pdfLayout: 'single-page',
      publicBaseUrl: 'https://news.example.com',
    });
  });

  it('refuses a bad category list or URL, naming the key', () => {
    expect(() => settings({ NEWSDESK_DIGEST_CATEGORIES: 'not json' })).toThrow(
      /NEWSDESK_DIGEST_CATEGORIES: must be a JSON list/,
    );
    expect(() => settings({ NEWSDESK_DIGEST_CATEGORIES: '["a","a"]' })).toThrow(
      /NEWSDESK_DIGEST_CATEGORIES: category names must be unique/,
    );
    expect(() => settings({ NEWSDESK_DIGEST_CATEGORIES: '[]' })).toThrow(/NEWSDESK_DIGEST_CATEGORIES/);
    expect(() => settings({ NEWSDESK_PUBLIC_BASE_URL: 'news.example.com' })).toThrow(
      /NEWSDESK_PUBLIC_BASE_URL/,
    );
    expect(() => settings({ NEWSDESK_DELIVERY_ATTEMPTS: '0' })).toThrow(/NEWSDESK_DELIVERY_ATTEMPTS/);
  });
});
