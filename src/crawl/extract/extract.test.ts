import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from '../fetch/errors.ts';
import { HttpFetcher } from '../fetch/http-fetcher.ts';
import { encodeLegacy, startTestServer, type TestServer } from '../test-support/http-server.ts';
import { extractArticle, extractArticleHtml, httpPageLoader } from './extract-article.ts';
import { extractListLinks, extractWithSelectors } from './page-source.ts';
import { densestBlock, extractArticleFromHtml, MAX_PAGE_DEPTH, parseDocument } from './readability.ts';
import { htmlToPlainText, sanitizeArticleHtml } from './sanitize.ts';

const para = (s: string, n = 6) => Array.from({ length: n }, (_, i) => `<p>${s} (${i + 1})</p>`).join('\n');
const english =
  'The city council voted on Tuesday to expand the bus network, adding three new routes that will connect the northern suburbs to the central station and the university campus';
const chinese =
  '国务院常务会议今天研究部署进一步做好稳就业工作，会议指出要加大对中小企业的支持力度，保障重点群体就业';

function page(body: string, head = '<title>Test page</title>') {
  return `<!doctype html><html><head>${head}</head><body><nav><a href="/">Home</a><a href="/world">World</a></nav>${body}<footer>Copyright 2024 Example News</footer></body></html>`;
}

describe('sanitising', () => {
  it('removes scripts, event handlers, javascript: URLs and iframes, and absolutises links', () => {
    const dirty = `<p onclick="steal()">Hello <a href="javascript:alert(1)">x</a> <a href="/story/1">story</a></p>
      <script>alert(1)</script><iframe src="https://evil.example/"></iframe><img src="/i.png" onerror="x()"><style>p{}</style>`;
    const clean = sanitizeArticleHtml(dirty, 'https://news.example/section/');
    expect(clean).not.toMatch(/script|onclick|onerror|javascript:|iframe|style/i);
    expect(clean).toContain('href="https://news.example/story/1"');
    expect(clean).toContain('src="https://news.example/i.png"');
    expect(htmlToPlainText(clean)).toBe('Hello x story');
  });

  it('renders plain text with one line per block', () => {
    expect(
      htmlToPlainText('<h2>Title</h2><p>One &amp; two</p><ul><li>a</li><li>b</li></ul>text<br>more'),
    ).toBe('Title\nOne & two\na\nb\ntext\nmore');
  });
});

describe('extractArticleFromHtml', () => {
  it('extracts the article and leaves navigation, footer and captions out', () => {
    const html =
      page(`<article><h1>Buses</h1><figure><img src="/bus.jpg"><figcaption>Photo: a bus (Credit: Agency)</figcaption></figure>${para(english)}</article>
      <aside class="related"><a href="/x">Related story one</a></aside>`);
    const a = extractArticleFromHtml(html, 'https://news.example/2024/03/05/buses')!;
    expect(a.method).toBe('readability');
    expect(a.text).toContain('The city council voted on Tuesday');
    expect(a.text).not.toMatch(/Copyright|Related story|Photo: a bus|Home/);
    expect(a.html).toContain('src="https://news.example/bus.jpg"');
  });

  it('extracts a short Chinese article that the default threshold would miss', () => {
    const html = page(`<div class="content">${para(chinese, 3)}</div>`);
    const a = extractArticleFromHtml(html, 'https://news.example.cn/a/1.html');
    expect(a?.text).toContain('国务院常务会议今天研究部署');
  });

  it('falls back to the densest block when Readability finds too little', () => {
    // The furniture filter drops the only container (its class says "comment"); Readability is left with nothing.
    const html = page(`<div class="user-comment-thread">${para(english, 8)}</div>`);
    const a = extractArticleFromHtml(html, 'https://news.example/p')!;
    expect(a.method).toBe('density');
    expect(a.text).toContain('The city council voted on Tuesday');
    expect(a.text).not.toContain('Copyright');
    expect(densestBlock(parseDocument(html))).toContain('city council');
  });

  it('returns undefined for a page without text', () => {
    expect(extractArticleFromHtml('<html><body><img src="x.png"></body></html>')).toBeUndefined();
  });

  it('refuses hostile nesting with PARSE, quickly, but reads a page nested just within the limit', () => {
    const nested = (n: number) => page(`${'<div>'.repeat(n)}${para(english)}${'</div>'.repeat(n)}`);
    const started = performance.now();
    const err = (() => {
      try {
        extractArticleFromHtml(page(`${'<div>'.repeat(300_000)}${para(english)}`), 'https://e.com/a');
      } catch (e) {
        return e;
      }
    })();
    expect(performance.now() - started).toBeLessThan(2000);
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).code).toBe('PARSE');
    expect(extractArticleFromHtml(nested(MAX_PAGE_DEPTH - 10))?.text).toContain('The city council voted');
    expect(() => extractArticleFromHtml(nested(MAX_PAGE_DEPTH + 1))).toThrow(FetchError);
  });
});

describe('page sources', () => {
  const listing = page(`<ul class="news">
      <li><a href="/2024/03/05/council-expands-bus-network.html">Council expands the bus network to the north</a></li>
      <li><a href="https://news.example/world/story-12345">Flood warnings issued for the river valley</a></li>
      <li><a href="/2024/03/05/council-expands-bus-network.html#comments">Council expands the bus network to the north</a></li>
      <li><a href="/a/20240305/88.shtml">国务院部署稳就业工作</a></li>
      <li><a href="javascript:void(0)">More stories from today</a></li>
      <li><a href="https://other.example/2024/03/05/elsewhere.html">An article on another site entirely</a></li>
      <li><a href="/tag/transport">Transport</a></li>
    </ul>`);

  it('finds article links by heuristics: same host, de-duplicated, navigation skipped', () => {
    const links = extractListLinks(listing, 'https://news.example/latest/');
    expect(links.map((l) => l.url)).toEqual([
      'https://news.example/2024/03/05/council-expands-bus-network.html',
      'https://news.example/world/story-12345',
      'https://news.example/a/20240305/88.shtml',
    ]);
    expect(links[0].title).toBe('Council expands the bus network to the north');
    expect(extractListLinks(listing, 'https://news.example/latest/', { max: 1 })).toHaveLength(1);
  });

  it('uses a CSS selector when the source gives one', () => {
    const links = extractListLinks(listing, 'https://news.example/latest/', {
      selector: 'ul.news li a[href*="other"]',
    });
    expect(links).toEqual([
      {
        url: 'https://other.example/2024/03/05/elsewhere.html',
        title: 'An article on another site entirely',
      },
    ]);
  });

  it('extracts title, content and date with selectors', () => {
    const html = page(
      `<h1 class="t">Headline</h1><span class="d">2024年3月5日 10:20</span><div class="body"><p>First.</p><p>Second <script>x()</script></p></div>`,
    );
    const a = extractWithSelectors(html, 'https://news.example/a', {
      title: 'h1.t',
      content: 'div.body',
      date: '.d',
    })!;
    expect(a).toMatchObject({
      title: 'Headline',
      text: 'First.\nSecond',
      method: 'selectors',
      publishedTime: '2024年3月5日 10:20',
    });
    const r = extractArticleHtml(html, 'https://news.example/a', {
      selectors: { content: 'div.body', date: '.d' },
    })!;
    expect(r.publishedAt).toBe(Date.UTC(2024, 2, 5, 2, 20));
  });
});

describe('extractArticle over HTTP', () => {
  let server: TestServer;
  let fetcher: HttpFetcher;
  beforeAll(async () => {
    server = await startTestServer({
      '/robots.txt': (_req, res) => res.end('User-agent: *\nDisallow: /members/\n'),
      '/gbk.html': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(
          encodeLegacy(
            page(`<article>${para(chinese, 4)}</article>`, '<meta charset="gbk"><title>新闻</title>'),
            'gb18030',
          ),
        );
      },
      '/members/a.html': (_req, res) => res.end(page(para(english))),
    });
    fetcher = new HttpFetcher({ allowPrivate: ['127.0.0.1/32'] });
  });
  afterAll(async () => {
    await fetcher.close();
    await server.close();
  });

  it('decodes a GBK page by its meta charset and extracts it', async () => {
    const a = await extractArticle(httpPageLoader(fetcher), `${server.url}/gbk.html`);
    expect(a?.text).toContain('国务院常务会议今天研究部署');
    expect(a?.text).not.toContain('\uFFFD');
  });

  it('refuses pages that robots.txt disallows', async () => {
    const err = await extractArticle(httpPageLoader(fetcher), `${server.url}/members/a.html`).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FetchError);
    expect((err as FetchError).code).toBe('ROBOTS');
  });
});
