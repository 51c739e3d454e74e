import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import { renderHtml } from './html.ts';
import type { Digest } from './model.ts';
import { fullDigest, houseDigest } from './testdata/fixtures.ts';

const hostile: Digest = {
  id: 'h',
  date: '2026-11-29',
  title: '标题 <script>alert("t")</script>',
  intro: '<b>intro</b>',
  items: [
    {
      id: 'x1',
      articleId: 'a',
      category: '重大网络安全事件',
      title: '<img src=x onerror=alert(1)> 攻击',
      summary: '摘要 <script>document.title="pwned"</script> & more',
      links: [
        { url: 'https://example.com/a?q="><script>alert(2)</script>', source: '<i>src</i>' },
        { url: 'javascript:alert(3)', source: 'js' },
        { url: 'data:text/html,<script>alert(4)</script>', source: 'data' },
      ],
      order: 0,
    },
  ],
};

describe('renderHtml', () => {
  it('escapes every piece of article text', () => {
    const html = renderHtml(hostile);
    const { document } = parseHTML(html);
    expect(document.querySelectorAll('script')).toHaveLength(0);
    expect(document.querySelectorAll('img')).toHaveLength(0);
    expect(document.querySelectorAll('i')).toHaveLength(0);
    expect(document.querySelectorAll('b')).toHaveLength(0);
    expect(html).not.toMatch(/<script|<img/i);
    expect([...document.querySelectorAll('*')].some((el) => el.hasAttribute('onerror'))).toBe(false);
    expect(document.querySelector('.item-title')!.textContent).toBe('<img src=x onerror=alert(1)> 攻击');
    expect(document.querySelector('.summary')!.textContent).toBe(
      '摘要 <script>document.title="pwned"</script> & more',
    );
    expect(document.querySelector('h1')!.textContent).toBe('标题 <script>alert("t")</script>');
    expect(document.querySelector('title')!.textContent).toBe('标题 <script>alert("t")</script>');
  });

  it('keeps only http(s) links and escapes their attributes', () => {
    const { document } = parseHTML(renderHtml(hostile));
    const anchors = [...document.querySelectorAll('a')];
    expect(anchors).toHaveLength(1);
    expect(anchors[0].getAttribute('href')).toBe('https://example.com/a?q="><script>alert(2)</script>');
    expect(anchors[0].textContent).toBe('<i>src</i>');
    expect(anchors[0].getAttribute('rel')).toContain('noopener');
  });

  it('is self-contained: no scripts, no external assets, a CSP that forbids them', () => {
    const html = renderHtml(fullDigest);
    const { document } = parseHTML(html);
    expect(document.querySelectorAll('script, link, img, iframe, object, embed')).toHaveLength(0);
    expect(html).not.toMatch(/@import|url\(/);
    expect(
      document.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content'),
    ).toContain("default-src 'none'");
    expect(document.querySelector('style')!.textContent).toMatch(/Noto Sans CJK SC/);
    expect(document.querySelector('style')!.textContent).toMatch(/@page\{size:A4/);
    expect(document.documentElement.getAttribute('lang')).toBe('zh-CN');
  });

  it('lays out the same sections as the Markdown', () => {
    const { document } = parseHTML(renderHtml(houseDigest));
    expect([...document.querySelectorAll('h2')].map((h) => h.textContent)).toEqual([
      '一、金融业网络安全事件',
      '二、重大网络安全事件',
      '三、重大数据泄露事件',
      '四、重大漏洞风险提示',
    ]);
    expect(document.querySelectorAll('.empty')).toHaveLength(2);
    const titles = [...document.querySelectorAll('.item-title')].map((t) => t.textContent);
    expect(titles[0]).toBe('某国有大行遭遇大规模 DDoS 攻击');
    expect([...document.querySelectorAll('.summary')][1].textContent).toBe('暂无摘要');
    expect(document.querySelector('h1')!.textContent).toBe('每日网安情报速递【20261129】');
  });

  it('can leave links out and add a footer', () => {
    const { document } = parseHTML(renderHtml(fullDigest, { includeLinks: false, footer: 'newsdesk <1>' }));
    expect(document.querySelectorAll('a')).toHaveLength(0);
    expect(document.querySelector('footer')!.textContent).toBe('newsdesk <1>');
  });
});
