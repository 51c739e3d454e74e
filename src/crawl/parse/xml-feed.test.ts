// The one-pass XML feed reader: namespaces by URI, Atom text constructs, entities as feeds write them,
// and well-formedness problems reported without losing entries.
import { describe, expect, it } from 'vitest';
import { parseFeedText } from './feed.ts';
import { MAX_MARKUP_DEPTH } from './markup-depth.ts';
import { readXmlTree } from './xml-tree.ts';

const FEED_URL = 'http://news.example.com/feed.xml';

describe('readXmlTree', () => {
  it('reports an element closed by its parent, but not a self-closing one', () => {
    expect(readXmlTree('<a><b/><c x="1"/></a>').problems).toEqual([]);
    expect(readXmlTree('<a><b>text</a>').problems).toEqual(['<b> is not closed where its parent ends']);
    expect(readXmlTree('<a><b>cut off').problems).toHaveLength(2);
  });

  it('keeps CDATA verbatim and decodes entities outside it', () => {
    const tree = readXmlTree('<a><t>&lt;b&gt; &amp;amp; &nbsp;</t><c><![CDATA[&lt;kept&gt;]]></c></a>');
    const [t, c] = tree.roots[0].children;
    expect(t.text).toBe('<b> &amp; \u00a0');
    expect(c.text).toBe('&lt;kept&gt;');
  });

  it('takes the markup inside an element verbatim from the source', () => {
    const src = '<a><content>Hi <b>there</b> &amp; <i>you</i></content></a>';
    const el = readXmlTree(src).roots[0].children[0];
    expect(src.slice(el.innerStart, el.innerEnd)).toBe('Hi <b>there</b> &amp; <i>you</i>');
  });
});

describe('parseFeedText (XML)', () => {
  it('reads Atom elements under any prefix bound to the Atom namespace', () => {
    const rss = `<rss version="2.0"><channel><title>T</title>
      <a10:link xmlns:a10="http://www.w3.org/2005/Atom" rel="self" href="http://feeds.example.com/t"/>
      <item><title>One</title><a10:link xmlns:a10="http://www.w3.org/2005/Atom" href="/one"/></item>
      </channel></rss>`;
    const feed = parseFeedText(rss, { feedUrl: FEED_URL });
    expect(feed.selfUrl).toBe('http://feeds.example.com/t');
    expect(feed.entries[0].url).toBe('http://news.example.com/one');
  });

  it('takes the RSS link from the <link> with text, also after an Atom link in the default namespace', () => {
    const rss = `<rss version="2.0"><channel><title>T</title>
      <link xmlns="http://www.w3.org/2005/Atom" rel="self" href="http://feeds.example.com/t"/>
      <link>http://news.example.com/</link>
      <item><title>One</title><link xmlns="http://www.w3.org/2005/Atom" href="/one"/></item>
      <item><title>Two</title><link/><link>/two</link></item>
      </channel></rss>`;
    const feed = parseFeedText(rss, { feedUrl: FEED_URL });
    expect(feed.link).toBe('http://news.example.com/');
    expect(feed.selfUrl).toBe('http://feeds.example.com/t');
    expect(feed.entries.map((e) => e.url)).toEqual([
      'http://news.example.com/one',
      'http://news.example.com/two',
    ]);
  });

  it('unwraps Atom xhtml content and escapes type="text" content', () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
      <entry><id>1</id><title>X</title><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Body <b>bold</b></p></div></content></entry>
      <entry><id>2</id><title>Y</title><content type="text">a &lt; b</content></entry></feed>`;
    const feed = parseFeedText(atom, { feedUrl: FEED_URL });
    expect(feed.entries[0].contentHtml).toBe('<p>Body <b>bold</b></p>');
    expect(feed.entries[1].contentHtml).toBe('a &lt; b');
    expect(feed.warnings).toEqual([]);
  });

  it('reads undeclared HTML entities in text but leaves a URL query alone', () => {
    const rss = `<rss version="2.0"><channel><title>T</title><item>
      <title>Caf&eacute;&nbsp;news</title><link>http://example.com/a?x=1&amp;copy=2</link>
      <author>editor@example.com (Jane Doe)</author></item></channel></rss>`;
    const [entry] = parseFeedText(rss, { feedUrl: FEED_URL }).entries;
    expect(entry.title).toBe('Café news');
    expect(entry.url).toBe('http://example.com/a?x=1&copy=2');
    expect(entry.author).toBe('Jane Doe');
  });

  it('normalises CRLF line breaks in content', () => {
    const rss =
      '<rss version="2.0"><channel><title>T</title><item><title>A</title><link>http://e.com/a</link>' +
      '<description>line one\r\nline two\rthree</description></item></channel></rss>';
    expect(parseFeedText(rss).entries[0].contentHtml).toBe('line one\nline two\nthree');
  });

  it('names the malformation and keeps the entries after it', () => {
    const rss = `<rss version="2.0"><channel><title>T</title>
      <item><title>A <b>bold</title><link>http://e.com/a</link></item>
      <item><title>B</title><link>http://e.com/b?x=1&y=2</link></item></channel></rss>`;
    const feed = parseFeedText(rss);
    expect(feed.entries.map((e) => e.url)).toEqual(['http://e.com/a', 'http://e.com/b?x=1&y=2']);
    expect(feed.entries[0].title).toBe('A bold');
    expect(feed.warnings).toEqual([
      'malformed XML: <b> is not closed where its parent ends',
      'malformed XML: a bare "&" that is not an entity',
    ]);
  });

  it('stops reading at hostile nesting, quickly, keeping the entries before it', () => {
    const rss = `<rss version="2.0"><channel><title>T</title>
      <item><title>Kept</title><link>http://e.com/k</link></item>${'<x>'.repeat(500_000)}
      <item><title>Deep</title><link>http://e.com/d</link></item></channel></rss>`;
    const started = performance.now();
    const feed = parseFeedText(rss);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(feed.entries.map((e) => e.title)).toEqual(['Kept']);
    expect(feed.warnings).toContain(
      `malformed XML: elements nested more than ${MAX_MARKUP_DEPTH} deep; the rest of the document is not read`,
    );
  });
});

describe('parseFeedText (JSON Feed)', () => {
  it('keeps attachment types and sizes', () => {
    const json = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'J',
      items: [
        {
          id: '1',
          url: 'https://e.com/1',
          content_text: 'x',
          attachments: [{ url: 'https://e.com/a.mp3', mime_type: 'audio/mpeg', size_in_bytes: 1234 }],
        },
      ],
    });
    const feed = parseFeedText(json);
    expect(feed.version).toBe('json11');
    expect(feed.entries[0].enclosures).toEqual([
      { url: 'https://e.com/a.mp3', type: 'audio/mpeg', length: 1234 },
    ]);
  });
});
