// A forgiving feed reader for documents the strict path rejects: htmlparser2 in XML mode never throws,
// so whatever items can be recognised are recovered (RSS 0.9x-2.0, RDF, Atom, CDF).
import { parseDocument, DomUtils } from 'htmlparser2';
import type { Element, AnyNode } from 'domhandler';
import { parseDate } from './dates.ts';
import { escapeHtml } from './from-feedsmith.ts';
import type { NormaliseContext } from './from-feedsmith.ts';
import { collapseWhitespace, decodeEntities, htmlToText, isHttpUrl, resolveUrl } from './text.ts';
import type { FeedEntry, FeedFormat, ParsedFeed } from './types.ts';

function local(name: string): string {
  const i = name.indexOf(':');
  return (i >= 0 ? name.slice(i + 1) : name).toLowerCase();
}

function prefix(name: string): string {
  const i = name.indexOf(':');
  return i >= 0 ? name.slice(0, i).toLowerCase() : '';
}

function children(el: Element): Element[] {
  return el.children.filter((c): c is Element => c.type === 'tag');
}

function child(el: Element, names: string[], pfx?: string): Element | undefined {
  for (const n of names) {
    const hit = children(el).find(
      (c) => local(c.name) === n && (pfx === undefined || prefix(c.name) === pfx),
    );
    if (hit) return hit;
  }
  return undefined;
}

function attr(el: Element | undefined, name: string): string | undefined {
  if (!el) return undefined;
  for (const [k, v] of Object.entries(el.attribs)) if (k.toLowerCase() === name) return v;
  return undefined;
}

/** Inner markup for content-like elements, text for the rest. */
function innerXml(el: Element): string {
  return el.children
    .map((c) => DomUtils.getOuterHTML(c as AnyNode, { xmlMode: false, decodeEntities: false }))
    .join('');
}

function text(el: Element | undefined): string | undefined {
  if (!el) return undefined;
  const hasElements = el.children.some((c) => c.type === 'tag');
  const raw = hasElements ? innerXml(el) : DomUtils.textContent(el);
  const t = raw.trim();
  return t ? t : undefined;
}

function baseFor(el: Element, feedUrl: string | undefined): string | undefined {
  const chain: string[] = [];
  for (
    let n: Element | null = el;
    n;
    n = n.parent && n.parent.type === 'tag' ? (n.parent as Element) : null
  ) {
    const b = attr(n, 'xml:base');
    if (b) chain.unshift(b);
  }
  return chain.reduce<string | undefined>((base, b) => resolveUrl(b, base), feedUrl);
}

function linkOf(el: Element, base: string | undefined): string | undefined {
  const links = children(el).filter((c) => local(c.name) === 'link');
  const alt = links.find(
    (l) => attr(l, 'href') && ['alternate', ''].includes((attr(l, 'rel') ?? '').toLowerCase()),
  );
  if (alt) return resolveUrl(attr(alt, 'href'), base);
  const textLink = links.find((l) => !attr(l, 'href') && DomUtils.textContent(l).trim());
  if (textLink) return resolveUrl(collapseWhitespace(DomUtils.textContent(textLink)), base);
  const any = links.find((l) => attr(l, 'href') && attr(l, 'rel') !== 'self');
  if (any) return resolveUrl(attr(any, 'href'), base);
  return attr(el, 'href') ? resolveUrl(attr(el, 'href'), base) : undefined;
}

function plain(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const t = htmlToText(decodeEntities(s));
  return t ? t : undefined;
}

function entryOf(el: Element, ctx: NormaliseContext): FeedEntry {
  const base = baseFor(el, ctx.feedUrl);
  const guidEl = child(el, ['guid', 'id']);
  const guid = guidEl ? collapseWhitespace(DomUtils.textContent(guidEl)) || undefined : attr(el, 'rdf:about');
  let url = linkOf(el, base);
  if (!url && guid && attr(guidEl, 'ispermalink') !== 'false' && isHttpUrl(guid)) url = guid;
  const contentEl = child(el, ['encoded'], 'content') ?? child(el, ['content']);
  const descEl = child(el, ['description', 'summary', 'abstract']);
  let contentHtml = text(contentEl) ?? text(descEl);
  if (contentHtml && attr(contentEl, 'type') === 'text') contentHtml = escapeHtml(contentHtml);
  const dateText =
    text(child(el, ['pubdate', 'published', 'issued', 'date', 'created'])) ?? attr(el, 'lastmod');
  const updatedText = text(child(el, ['updated', 'modified']));
  const authorEl = child(el, ['author', 'creator']);
  const author = authorEl
    ? collapseWhitespace(DomUtils.textContent(child(authorEl, ['name']) ?? authorEl))
    : undefined;
  const cats = children(el)
    .filter((c) => ['category', 'subject'].includes(local(c.name)))
    .map((c) => collapseWhitespace(attr(c, 'term') ?? DomUtils.textContent(c)))
    .filter(Boolean);
  const publishedAt = dateText ? parseDate(dateText, ctx.dates) : undefined;
  const updatedAt = updatedText ? parseDate(updatedText, ctx.dates) : undefined;
  const summary = plain(text(descEl));
  return {
    id: guid,
    url,
    title: plain(text(child(el, ['title']))),
    summary: summary ?? (contentHtml ? htmlToText(contentHtml)?.slice(0, 500) : undefined),
    contentHtml,
    author: author || undefined,
    publishedAt: publishedAt ?? updatedAt,
    updatedAt,
    categories: [...new Set(cats)],
    enclosures: children(el)
      .filter(
        (c) => local(c.name) === 'enclosure' || (local(c.name) === 'link' && attr(c, 'rel') === 'enclosure'),
      )
      .map((c) => ({ url: resolveUrl(attr(c, 'url') ?? attr(c, 'href'), base) ?? '', type: attr(c, 'type') }))
      .filter((e) => e.url),
  };
}

/** Parses what it can; returns undefined when the document has no recognisable feed root. */
export function parseLenientFeed(xml: string, ctx: NormaliseContext): ParsedFeed | undefined {
  const doc = parseDocument(xml, { xmlMode: true, recognizeCDATA: true, decodeEntities: true });
  const all = DomUtils.findAll(() => true, doc.children);
  const root = all.find((e) => ['rss', 'rdf', 'feed', 'channel', 'entry'].includes(local(e.name)));
  if (!root) return undefined;
  if (local(root.name) === 'entry') {
    // An Atom entry document: one entry, no feed metadata.
    return {
      format: 'atom',
      version: 'atom10',
      entries: [entryOf(root, ctx)],
      warnings: ['Atom entry document, not a feed'],
    };
  }
  const rootName = local(root.name);
  let format: FeedFormat = 'rss';
  let version: string | undefined;
  if (rootName === 'feed') {
    format = 'atom';
    version = (attr(root, 'xmlns') ?? '').includes('purl.org/atom') ? 'atom03' : 'atom10';
  } else if (rootName === 'rdf') {
    format = 'rdf';
    version = (attr(root, 'xmlns') ?? '').includes('netscape.com/rdf/simple/0.9') ? 'rss090' : 'rss10';
  } else if (rootName === 'channel' && attr(root, 'href')) {
    format = 'cdf';
    version = 'cdf';
  } else if (rootName === 'rss') {
    const v = (attr(root, 'version') ?? '').replace(/\D/g, '');
    version = v ? `rss${v.padEnd(2, '0')}` : undefined;
  }
  const channel = rootName === 'rss' || rootName === 'rdf' ? (child(root, ['channel']) ?? root) : root;
  const items = DomUtils.findAll((e) => ['item', 'entry'].includes(local(e.name)), [root]);
  const base = baseFor(channel, ctx.feedUrl);
  return {
    format,
    version,
    title: plain(text(child(channel, ['title']))),
    link: linkOf(channel, base),
    selfUrl: (() => {
      const self = children(channel).find((c) => local(c.name) === 'link' && attr(c, 'rel') === 'self');
      return self ? resolveUrl(attr(self, 'href'), base) : undefined;
    })(),
    description: plain(text(child(channel, ['description', 'subtitle', 'tagline', 'abstract']))),
    language: text(child(channel, ['language'])) ?? attr(root, 'xml:lang'),
    entries: items.map((i) => entryOf(i, ctx)),
    warnings: [],
  };
}
