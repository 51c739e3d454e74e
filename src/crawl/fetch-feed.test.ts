import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FetchError } from './fetch/errors.ts';
import { HttpFetcher } from './fetch/http-fetcher.ts';
import { fetchFeed } from './fetch-feed.ts';
import { encodeLegacy, startTestServer, type TestServer } from './test-support/http-server.ts';

let server: TestServer;
let fetcher: HttpFetcher;

function serve(
  path: string,
  body: string | Buffer,
  contentType = 'application/xml',
  extra: Record<string, string> = {},
) {
  server.route(path, (_req, res) => {
    res.writeHead(200, { 'content-type': contentType, ...extra });
    res.end(body);
  });
}

beforeAll(async () => {
  server = await startTestServer();
  fetcher = new HttpFetcher({ allowPrivate: ['127.0.0.1/32'] });
});

afterAll(async () => {
  await fetcher.close();
  await server.close();
});

const rss = (version: string, title: string, item: string) =>
  `<?xml version="1.0"?><rss version="${version}"><channel><title>${title}</title><link>http://example.com/</link>${item}</channel></rss>`;

describe('fetchFeed: every format over HTTP', () => {
  const cases: Record<string, { body: string; type: string; format: string; version: string }> = {
    rss091: {
      body: rss(
        '0.91',
        'RSS 0.91',
        '<item><title>One</title><link>http://example.com/1</link><description>d</description></item>',
      ),
      type: 'application/rss+xml',
      format: 'rss',
      version: 'rss091',
    },
    rss092: {
      body: rss('0.92', 'RSS 0.92', '<item><title>One</title><link>http://example.com/1</link></item>'),
      type: 'application/rss+xml',
      format: 'rss',
      version: 'rss092',
    },
    rss20: {
      body: rss(
        '2.0',
        'RSS 2.0',
        '<item><title>One</title><link>http://example.com/1</link><guid>g1</guid><pubDate>Tue, 05 Mar 2024 10:20:00 +0800</pubDate><category>A</category></item>',
      ),
      type: 'application/rss+xml',
      format: 'rss',
      version: 'rss20',
    },
    rss10: {
      body: `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="http://example.com/"><title>RSS 1.0</title><link>http://example.com/</link></channel>
        <item rdf:about="http://example.com/1"><title>One</title><link>http://example.com/1</link><dc:date>2024-03-05T02:20:00Z</dc:date></item></rdf:RDF>`,
      type: 'application/rdf+xml',
      format: 'rdf',
      version: 'rss10',
    },
    atom03: {
      body: `<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Atom 0.3</title><link rel="alternate" type="text/html" href="http://example.com/"/>
        <entry><title>One</title><link rel="alternate" type="text/html" href="http://example.com/1"/><id>tag:1</id><issued>2024-03-05T02:20:00Z</issued><modified>2024-03-05T02:20:00Z</modified></entry></feed>`,
      type: 'application/atom+xml',
      format: 'atom',
      version: 'atom03',
    },
    atom10: {
      body: `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom 1.0</title><link href="http://example.com/"/><id>urn:f</id><updated>2024-03-05T02:20:00Z</updated>
        <entry><title type="html">&lt;b&gt;One&lt;/b&gt;</title><link href="http://example.com/1"/><id>tag:1</id><published>2024-03-05T02:20:00Z</published><updated>2024-03-05T02:20:00Z</updated><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>`,
      type: 'application/atom+xml',
      format: 'atom',
      version: 'atom10',
    },
    json10: {
      body: JSON.stringify({
        version: 'https://jsonfeed.org/version/1',
        title: 'JSON 1.0',
        home_page_url: 'http://example.com/',
        items: [
          {
            id: '1',
            url: 'http://example.com/1',
            title: 'One',
            date_published: '2024-03-05T02:20:00Z',
            author: { name: 'A' },
          },
        ],
      }),
      type: 'application/feed+json',
      format: 'json',
      version: 'json10',
    },
    json11: {
      body: JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'JSON 1.1',
        home_page_url: 'http://example.com/',
        items: [
          {
            id: '1',
            url: 'http://example.com/1',
            title: 'One',
            content_html: '<p>x</p>',
            date_published: '2024-03-05T10:20:00+08:00',
            authors: [{ name: 'A' }],
          },
        ],
      }),
      type: 'application/feed+json',
      format: 'json',
      version: 'json11',
    },
  };

  for (const [name, c] of Object.entries(cases)) {
    it(`parses ${name}`, async () => {
      serve(`/${name}`, c.body, c.type);
      const r = await fetchFeed(fetcher, `${server.url}/${name}`);
      if (r.notModified) throw new Error('unexpected 304');
      expect(r.feed.format).toBe(c.format);
      expect(r.feed.version).toBe(c.version);
      expect(r.feed.entries).toHaveLength(1);
      expect(r.feed.entries[0].title).toBe('One');
      expect(r.feed.entries[0].url).toBe('http://example.com/1');
      if (!['rss091', 'rss092'].includes(name))
        expect(r.feed.entries[0].publishedAt).toBe(Date.UTC(2024, 2, 5, 2, 20));
    });
  }
});

describe('fetchFeed: character sets', () => {
  const title = {
    gbk: '新闻标题：中国经济',
    big5: '新聞標題：臺灣經濟',
    shift_jis: 'ニュース見出し：日本経済',
    'koi8-r': 'Новости экономики',
    'euc-kr': '뉴스 제목',
  };

  for (const [enc, text] of Object.entries(title)) {
    it(`decodes ${enc} declared in the XML prolog`, async () => {
      const label = enc === 'gbk' ? 'GB2312' : enc.toUpperCase();
      const xml = rss(
        '2.0',
        text,
        `<item><title>${text} 1</title><link>http://example.com/1</link></item>`,
      ).replace('<?xml version="1.0"?>', `<?xml version="1.0" encoding="${label}"?>`);
      serve(`/enc-${enc}`, encodeLegacy(xml, enc === 'gbk' ? 'gb18030' : enc), 'application/rss+xml');
      const r = await fetchFeed(fetcher, `${server.url}/enc-${enc}`);
      if (r.notModified) throw new Error('unexpected 304');
      expect(r.feed.title).toBe(text);
      expect(r.feed.entries[0].title).toBe(`${text} 1`);
      expect(JSON.stringify(r.feed)).not.toContain('\uFFFD');
    });
  }

  it('decodes with the HTTP charset when the document does not declare one', async () => {
    const text = '北京时间 新闻';
    serve('/http-gbk', encodeLegacy(rss('2.0', text, ''), 'gb18030'), 'text/xml; charset=gbk');
    const r = await fetchFeed(fetcher, `${server.url}/http-gbk`);
    expect(!r.notModified && r.feed.title).toBe(text);
    expect(!r.notModified && r.encoding).toBe('gb18030');
  });

  it('lets the HTTP charset override the XML prolog for application/*+xml', async () => {
    const text = '臺灣新聞';
    const xml = rss('2.0', text, '').replace(
      '<?xml version="1.0"?>',
      '<?xml version="1.0" encoding="iso-8859-1"?>',
    );
    serve('/override', encodeLegacy(xml, 'big5'), "application/rss+xml; charset='big5'");
    const r = await fetchFeed(fetcher, `${server.url}/override`);
    expect(!r.notModified && r.feed.title).toBe(text);
  });

  for (const [enc, bom] of [
    ['utf-16le', Buffer.from([0xff, 0xfe])],
    ['utf-16be', Buffer.from([0xfe, 0xff])],
  ] as const) {
    it(`decodes ${enc} with a BOM`, async () => {
      const xml = rss('2.0', 'Ünïcödé 标题', '<item><title>x</title></item>');
      let body = Buffer.from(xml, 'utf16le');
      if (enc === 'utf-16be') body = Buffer.from(body.swap16());
      serve(`/${enc}`, Buffer.concat([bom, body]), 'application/xml');
      const r = await fetchFeed(fetcher, `${server.url}/${enc}`);
      expect(!r.notModified && r.feed.title).toBe('Ünïcödé 标题');
    });
  }

  it('sniffs feeds that declare no charset at all (KOI8-R, GB18030, Shift_JIS, UTF-8)', async () => {
    const samples: [string, string][] = [
      ['koi8-r', 'Последние новости экономики и политики России сегодня'],
      ['gb18030', '今天的新闻：国务院常务会议研究部署进一步做好经济工作的政策措施'],
      ['shift_jis', '今日のニュース：日本銀行は金融政策決定会合で現状維持を決めました'],
      ['utf-8', 'Ελληνικά νέα σήμερα'],
    ];
    for (const [enc, text] of samples) {
      const xml = rss(
        '2.0',
        text,
        `<item><title>${text}</title><description>${text} ${text}</description></item>`,
      );
      serve(`/sniff-${enc}`, enc === 'utf-8' ? Buffer.from(xml) : encodeLegacy(xml, enc), 'application/xml');
      const r = await fetchFeed(fetcher, `${server.url}/sniff-${enc}`);
      expect(!r.notModified && r.feed.title, enc).toBe(text);
    }
  });
});

describe('fetchFeed: conditional GET, malformed documents, links and dates', () => {
  it('returns notModified on 304 without parsing', async () => {
    server.route('/cond', (req, res) => {
      if (req.headers['if-none-match'] === '"e1"') {
        res.writeHead(304);
        res.end();
        return;
      }
      res.writeHead(200, { etag: '"e1"', 'content-type': 'application/rss+xml' });
      res.end(rss('2.0', 'Cond', ''));
    });
    const first = await fetchFeed(fetcher, `${server.url}/cond`);
    expect(first.notModified).toBe(false);
    expect(first.response.etag).toBe('"e1"');
    const second = await fetchFeed(fetcher, `${server.url}/cond`, { etag: first.response.etag });
    expect(second.notModified).toBe(true);
    expect('feed' in second).toBe(false);
  });

  it('recovers entries from malformed XML and records a warning', async () => {
    const broken = `<?xml version="1.0"?><rss version="2.0"><channel><title>Broken & bad</title>
      <item><title>First & foremost</title><link>http://example.com/a?x=1&y=2</link></item>
      <item><title>Second <b>bold</title><link>http://example.com/b</link></item>
      <item><title>Third</title><link>http://example.com/c</link>`;
    serve('/broken', broken, 'application/rss+xml');
    const r = await fetchFeed(fetcher, `${server.url}/broken`);
    if (r.notModified) throw new Error('unexpected 304');
    expect(r.feed.entries.map((e) => e.url)).toEqual([
      'http://example.com/a?x=1&y=2',
      'http://example.com/b',
      'http://example.com/c',
    ]);
    expect(r.feed.entries[0].title).toBe('First & foremost');
    expect(r.feed.warnings.join(' ')).toMatch(/malformed/);
  });

  it('fails with PARSE for a document that is not a feed', async () => {
    serve('/html', '<!doctype html><html><body><p>Hello</p></body></html>', 'text/html');
    serve('/empty', '', 'application/rss+xml');
    for (const p of ['/html', '/empty']) {
      const err = await fetchFeed(fetcher, `${server.url}${p}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FetchError);
      expect((err as FetchError).code).toBe('PARSE');
    }
  });

  it('resolves relative links against xml:base and the feed URL, and reads Chinese dates in Asia/Shanghai', async () => {
    const atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="http://news.example.cn/base/"><title>Rel</title><link href="../"/>
      <entry xml:base="sub/"><title>A</title><link href="a.html"/><id>a</id><updated>2024年3月5日 10:20</updated></entry>
      <entry><title>B</title><link href="/b.html"/><id>b</id><updated>2024-03-05 10:20:00</updated></entry></feed>`;
    serve('/feeds/atom.xml', atom, 'application/atom+xml');
    serve(
      '/feeds/rss.xml',
      rss(
        '2.0',
        'R',
        '<item><title>C</title><link>c.html</link><pubDate>2024-03-05 10:20</pubDate></item>',
      ).replace('<link>http://example.com/</link>', '<link>/</link>'),
      'application/rss+xml',
    );
    const a = await fetchFeed(fetcher, `${server.url}/feeds/atom.xml`);
    if (a.notModified) throw new Error('unexpected 304');
    expect(a.feed.link).toBe('http://news.example.cn/');
    expect(a.feed.entries[0].url).toBe('http://news.example.cn/base/sub/a.html');
    expect(a.feed.entries[1].url).toBe('http://news.example.cn/b.html');
    expect(a.feed.entries[0].publishedAt).toBe(Date.UTC(2024, 2, 5, 2, 20));
    expect(a.feed.entries[1].publishedAt).toBe(Date.UTC(2024, 2, 5, 2, 20));
    const r = await fetchFeed(fetcher, `${server.url}/feeds/rss.xml`, { defaultTimeZone: 'UTC' });
    if (r.notModified) throw new Error('unexpected 304');
    expect(r.feed.link).toBe(`${server.url}/`);
    expect(r.feed.entries[0].url).toBe(`${server.url}/feeds/c.html`);
    expect(r.feed.entries[0].publishedAt).toBe(Date.UTC(2024, 2, 5, 10, 20));
  });

  it('exposes the feed TTL', async () => {
    serve(
      '/ttl',
      rss('2.0', 'T', '').replace('<title>T</title>', '<title>T</title><ttl>90</ttl>'),
      'application/rss+xml',
    );
    const r = await fetchFeed(fetcher, `${server.url}/ttl`);
    expect(!r.notModified && r.feed.ttlMinutes).toBe(90);
  });
});
