// The crawl's fast entry cleaner: hostile markup never survives, and on real feeds it keeps what the
// general-purpose sanitiser keeps.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { htmlToPlainText, sanitizeArticleHtml } from './extract/sanitize.ts';
import { decodeBody } from './fetch/charset.ts';
import { cleanFeedHtml } from './feed-html.ts';
import { parseFeedText } from './parse/feed.ts';

const CORPUS = path.resolve(process.cwd(), '../shared/corpus/feeds');

describe('cleanFeedHtml', () => {
  it('removes scripts, handlers, styles, frames and javascript: URLs; absolutises links', () => {
    const dirty = `<p onclick="steal()" style="x">Hello <a href="javascript:alert(1)">x</a> <a href="/story/1" target="_blank">story</a></p>
      <script>alert(1)</script><iframe src="https://evil.example/"></iframe><img src="/i.png" onerror="x()"><style>p{}</style>
      <a href="jav&#x09;ascript:alert(2)">y</a><a href=" JAVASCRIPT:alert(3)">z</a><img src="javascript:alert(4)">
      <svg><script>alert(5)</script><a href="https://ok.example/">in svg</a></svg><form action="/x"><input value="v"></form>
      <img src="data:text/html;base64,PHNjcmlwdD4="><img src="data:image/png;base64,iVBO" alt="dot">
      <div><b>unclosed <i>tags</div> after</p><object data="x"></object><embed src="y">`;
    const { html, text } = cleanFeedHtml(dirty, 'https://news.example/section/');
    expect(html).not.toMatch(
      /script|onclick|onerror|style=|iframe|svg|form|input|object|embed|target=|in svg/i,
    );
    expect(html).toContain(
      '<a href="https://news.example/story/1" rel="noopener noreferrer nofollow">story</a>',
    );
    expect(html).toContain('<img src="https://news.example/i.png" />');
    expect(html).toContain('<img src="data:image/png;base64,iVBO" alt="dot" />');
    expect(html).not.toContain('data:text/html');
    expect(html).toContain('<a rel="noopener noreferrer nofollow">x</a>');
    expect(html).toContain('<div><b>unclosed <i>tags</i></b></div>');
    expect(text.split('\n')).toEqual(['Hello x story', 'yz', 'unclosed tags', 'after']);
  });

  it('escapes text and attribute values it writes back', () => {
    const { html, text } = cleanFeedHtml(
      '<p title="t">a &lt;b&gt; &amp; c</p><abbr title="&quot;><script>x</script>">AB</abbr>',
    );
    expect(html).toBe(
      '<p>a &lt;b&gt; &amp; c</p><abbr title="&quot;&gt;&lt;script&gt;x&lt;/script&gt;">AB</abbr>',
    );
    expect(text).toBe('a <b> & c\nAB');
  });

  it('stops at hostile nesting, quickly, keeping the text before it and closing what it opened', () => {
    const started = performance.now();
    const { html, text } = cleanFeedHtml(`<p>Intro <b>bold</b></p><div>${'<span>'.repeat(300_000)}lost`);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(text).toBe('Intro bold');
    expect(html.startsWith('<p>Intro <b>bold</b></p><div>')).toBe(true);
    expect(html.endsWith('</span></div>')).toBe(true);
  });

  it('keeps the text the general sanitiser keeps on every corpus feed entry', () => {
    let entries = 0;
    let same = 0;
    const differ: string[] = [];
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((n) => {
        const p = path.join(dir, n);
        return statSync(p).isDirectory() ? walk(p) : [p];
      });
    for (const file of walk(CORPUS)) {
      if (/\/output\/|\.(md|tsv)$|expected\.json$|serde\.json$/.test(file)) continue;
      let feed;
      try {
        feed = parseFeedText(decodeBody(readFileSync(file), {}).text, {
          feedUrl: 'http://example.test/feed',
        });
      } catch {
        continue;
      }
      for (const e of feed.entries.slice(0, 20)) {
        const input = e.contentHtml ?? e.summary;
        if (!input) continue;
        entries++;
        const base = e.url ?? 'http://example.test/feed';
        const ours = cleanFeedHtml(input, base).text.replace(/\s+/g, ' ').trim();
        const theirs = htmlToPlainText(sanitizeArticleHtml(input, base)).replace(/\s+/g, ' ').trim();
        if (ours === theirs) same++;
        else if (differ.length < 5)
          differ.push(
            `${path.basename(file)}: ${JSON.stringify(ours.slice(0, 80))} vs ${JSON.stringify(theirs.slice(0, 80))}`,
          );
      }
    }
    console.log(
      `cleanFeedHtml vs sanitize-html on ${entries} corpus entries: ${same} identical texts`,
      differ,
    );
    expect(entries).toBeGreaterThan(400);
    expect(same / entries).toBeGreaterThan(0.97);
  });
});
