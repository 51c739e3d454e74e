import { describe, expect, it } from 'vitest';
import { discoverFeeds } from './discover.ts';
import { FeedParseError, parseFeedText } from './feed.ts';
import { generateOpmlDocument, parseOpml } from './opml.ts';

describe('OPML', () => {
  const opml = `<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My feeds</title></head><body>
  <outline text="Security">
    <outline text="Krebs" title="Krebs on Security" type="rss" xmlUrl="https://krebsonsecurity.com/feed/" htmlUrl="https://krebsonsecurity.com/"/>
    <outline text="Nested"><outline text="Deep" xmlUrl="https://deep.example/rss"/></outline>
  </outline>
  <outline text="Top level" xmlUrl="https://top.example/atom.xml"/>
  <outline text="Duplicate" xmlUrl="https://top.example/atom.xml"/>
</body></opml>`;

  it('reads nested outlines as categories and skips duplicates', () => {
    const doc = parseOpml(opml);
    expect(doc.title).toBe('My feeds');
    expect(doc.sources).toEqual([
      {
        title: 'Krebs on Security',
        xmlUrl: 'https://krebsonsecurity.com/feed/',
        htmlUrl: 'https://krebsonsecurity.com/',
        category: 'Security',
      },
      { title: 'Deep', xmlUrl: 'https://deep.example/rss', category: 'Security / Nested' },
      { title: 'Top level', xmlUrl: 'https://top.example/atom.xml' },
    ]);
  });

  it('round-trips through generate and parse', () => {
    const sources = parseOpml(opml).sources;
    const xml = generateOpmlDocument('Export', sources, new Date(Date.UTC(2024, 2, 5)));
    expect(xml).toContain('<opml');
    const back = parseOpml(xml);
    expect(back.title).toBe('Export');
    expect(back.sources.map((s) => s.xmlUrl).sort()).toEqual(sources.map((s) => s.xmlUrl).sort());
    expect(back.sources.find((s) => s.xmlUrl === 'https://deep.example/rss')?.category).toBe(
      'Security / Nested',
    );
  });

  it('rejects a document that is not OPML with PARSE', () => {
    expect(() => parseOpml('<html><body>no</body></html>')).toThrow(FeedParseError);
  });
});

describe('feed discovery', () => {
  it('finds advertised RSS, Atom and JSON feeds, resolves them and lists probe candidates', () => {
    const html = `<html><head><base href="https://www.example.com/blog/">
      <link rel="alternate" type="application/rss+xml" title="RSS" href="feed.xml">
      <link rel="alternate" type="application/atom+xml" title="Atom" href="/atom.xml">
      <link rel="alternate" type="application/feed+json" href="https://www.example.com/feed.json">
      <link rel="alternate" type="text/html" hreflang="de" href="/de/">
      <link rel="stylesheet" href="/s.css">
      </head><body><a href="/comments.rss" rel="alternate" type="application/rss+xml">comments</a></body></html>`;
    const d = discoverFeeds(html, 'https://www.example.com/blog/post');
    expect(d.feeds).toEqual([
      { url: 'https://www.example.com/blog/feed.xml', type: 'rss', title: 'RSS' },
      { url: 'https://www.example.com/atom.xml', type: 'atom', title: 'Atom' },
      { url: 'https://www.example.com/feed.json', type: 'json' },
      { url: 'https://www.example.com/comments.rss', type: 'rss' },
    ]);
    expect(d.candidates).toContain('https://www.example.com/feed');
    expect(d.candidates).not.toContain('https://www.example.com/atom.xml');
  });

  it('keeps the feeds advertised before hostile nesting and stops reading there, quickly', () => {
    const started = performance.now();
    const html = `<html><head><link rel="alternate" type="application/rss+xml" href="/rss"></head>
      <body>${'<div>'.repeat(300_000)}<a rel="alternate" type="application/rss+xml" href="/deep.rss">x</a></body></html>`;
    const d = discoverFeeds(html, 'https://site.example/');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(d.feeds.map((f) => f.url)).toEqual(['https://site.example/rss']);
  });

  it('returns only candidates for a page that advertises nothing', () => {
    const d = discoverFeeds('<html><head><title>x</title></head></html>', 'https://site.example/about');
    expect(d.feeds).toEqual([]);
    expect(d.candidates[0]).toBe('https://site.example/feed');
  });
});

describe('parseFeedText edge cases', () => {
  it('handles CDF channels and Atom entry documents leniently', () => {
    const cdf = parseFeedText(
      '<CHANNEL HREF="http://example.com/"><TITLE>Example feed</TITLE><ITEM HREF="http://example.com/1"><TITLE>One</TITLE></ITEM></CHANNEL>',
    );
    expect(cdf).toMatchObject({ format: 'cdf', title: 'Example feed' });
    expect(cdf.entries[0].url).toBe('http://example.com/1');
    const entry = parseFeedText(
      '<entry xmlns="http://www.w3.org/2005/Atom"><title>Alone</title><id>urn:x</id></entry>',
    );
    expect(entry.entries).toHaveLength(1);
    expect(entry.warnings.length).toBeGreaterThan(0);
  });

  it('keeps entries in document order and caps them', () => {
    const items = Array.from(
      { length: 5 },
      (_, i) => `<item><title>T${i}</title><link>http://e.com/${i}</link></item>`,
    ).join('');
    const f = parseFeedText(`<rss version="2.0"><channel><title>x</title>${items}</channel></rss>`, {
      maxEntries: 3,
    });
    expect(f.entries.map((e) => e.title)).toEqual(['T0', 'T1', 'T2']);
  });
});
