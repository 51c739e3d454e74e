// Maps feedsmith's per-format objects to the normalised ParsedFeed.
import type { AnyFeed } from 'feedsmith';
import { parseDate, type DateParseOptions } from './dates.ts';
import { collapseWhitespace, decodeEntities, htmlToText, isHttpUrl, resolveUrl } from './text.ts';
import type { FeedEnclosure, FeedEntry, ParsedFeed } from './types.ts';

type Loose = Record<string, any>;

export interface NormaliseContext {
  /** URL the document was fetched from; relative links resolve against it. */
  feedUrl?: string;
  dates: DateParseOptions;
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') return str((v as Loose).value ?? (v as Loose).text ?? (v as Loose)['#text']);
  const s = String(v);
  return s.trim() ? s : undefined;
}

/** Plain text of a title-like field (Atom text constructs may be HTML). */
function plain(v: unknown): string | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const t = htmlToText(s);
  return t ? t : undefined;
}

function first<T>(arr: T[] | undefined): T | undefined {
  return arr && arr.length ? arr[0] : undefined;
}

function baseOf(node: Loose | undefined, parentBase: string | undefined): string | undefined {
  const b = node?.xml?.base;
  return b ? resolveUrl(b, parentBase) : parentBase;
}

function personName(p: Loose | string | undefined): string | undefined {
  if (!p) return undefined;
  if (typeof p === 'string') return collapseWhitespace(p) || undefined;
  const name = str(p.name);
  if (name) return collapseWhitespace(name);
  const email = str(p.email);
  return email ? collapseWhitespace(email) : undefined;
}

function date(raw: unknown, ctx: NormaliseContext): number | undefined {
  const s = str(raw);
  return s ? parseDate(s, ctx.dates) : undefined;
}

function atomLink(
  links: Loose[] | undefined,
  base: string | undefined,
  rels = ['alternate', ''],
): string | undefined {
  if (!links?.length) return undefined;
  for (const rel of rels) {
    const l = links.find((x) => (x.rel ?? '').toLowerCase() === rel || (rel === '' && !x.rel));
    if (l?.href) return resolveUrl(l.href, base);
  }
  return undefined;
}

function ttlFromSy(sy: Loose | undefined): number | undefined {
  if (!sy?.updatePeriod) return undefined;
  const period: Record<string, number> = {
    hourly: 60,
    daily: 1440,
    weekly: 10080,
    monthly: 43200,
    yearly: 525600,
  };
  const p = period[String(sy.updatePeriod).trim().toLowerCase()];
  if (!p) return undefined;
  const freq = Number(sy.updateFrequency) > 0 ? Number(sy.updateFrequency) : 1;
  return Math.max(1, Math.round(p / freq));
}

function categories(list: unknown[] | undefined, key: string): string[] {
  const out: string[] = [];
  for (const c of list ?? []) {
    const v = typeof c === 'string' ? c : str((c as Loose)?.[key] ?? (c as Loose)?.label);
    const t = v ? collapseWhitespace(decodeEntities(v)) : '';
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

function enclosures(list: Loose[] | undefined, base: string | undefined): FeedEnclosure[] {
  const out: FeedEnclosure[] = [];
  for (const e of list ?? []) {
    const url = resolveUrl(e.url ?? e.href, base);
    if (!url) continue;
    out.push({
      url,
      ...(e.type ? { type: String(e.type) } : {}),
      ...(Number(e.length) > 0 ? { length: Number(e.length) } : {}),
    });
  }
  return out;
}

function finishEntry(e: FeedEntry): FeedEntry {
  if (!e.summary && e.contentHtml) {
    const t = htmlToText(e.contentHtml);
    if (t) e.summary = t.length > 500 ? `${t.slice(0, 500)}…` : t;
  }
  return e;
}

function rssItem(item: Loose, base: string | undefined, ctx: NormaliseContext): FeedEntry {
  const b = baseOf(item, base);
  const guid = str(item.guid?.value ?? item.guid);
  let url = resolveUrl(str(item.link), b) ?? atomLink(item.atom?.links, b);
  if (!url && guid && item.guid?.isPermaLink !== false && isHttpUrl(guid)) url = guid.trim();
  const description = str(item.description) ?? first(item.dc?.descriptions);
  const contentHtml = str(item.content?.encoded) ?? description;
  const published =
    date(item.pubDate, ctx) ??
    date(first(item.dc?.dates), ctx) ??
    date(item.dcterms?.issued ?? item.dcterms?.created, ctx);
  const updated = date(item.atom?.updated ?? item.dcterms?.modified, ctx);
  return finishEntry({
    id: guid?.trim(),
    url,
    title: plain(item.title) ?? plain(first(item.dc?.titles)),
    summary: htmlToText(description) || undefined,
    contentHtml,
    author:
      personName(first(item.authors)) ??
      personName(first(item.dc?.creators)) ??
      personName(item.itunes?.author),
    publishedAt: published ?? updated,
    updatedAt: updated,
    categories: [...categories(item.categories, 'name'), ...categories(item.dc?.subjects, 'name')],
    enclosures: enclosures(item.enclosures, b),
  });
}

function atomEntry(entry: Loose, base: string | undefined, ctx: NormaliseContext): FeedEntry {
  const b = baseOf(entry, base);
  const content = entry.content as Loose | undefined;
  const summaryRaw = str(entry.summary);
  let contentHtml = str(content?.value);
  if (contentHtml && content?.type === 'text') contentHtml = escapeHtml(contentHtml);
  const published = date(entry.published, ctx) ?? date(first(entry.dc?.dates), ctx);
  const updated = date(entry.updated, ctx);
  const url =
    atomLink(entry.links, b) ??
    atomLink(entry.links, b, ['related', 'via', 'self']) ??
    (content?.src ? resolveUrl(content.src, b) : undefined);
  return finishEntry({
    id: str(entry.id)?.trim(),
    url,
    title: plain(entry.title),
    summary: htmlToText(summaryRaw) || undefined,
    contentHtml: contentHtml ?? summaryRaw,
    author: personName(first(entry.authors)) ?? personName(first(entry.dc?.creators)),
    publishedAt: published ?? updated,
    updatedAt: updated,
    categories: categories(entry.categories, 'term'),
    enclosures: enclosures(
      (entry.links as Loose[] | undefined)?.filter((l) => l.rel === 'enclosure'),
      b,
    ),
  });
}

function rdfItem(item: Loose, base: string | undefined, ctx: NormaliseContext): FeedEntry {
  const b = baseOf(item, base);
  const description = str(item.description) ?? first(item.dc?.descriptions);
  const published = date(first(item.dc?.dates), ctx) ?? date(item.dcterms?.issued, ctx);
  const about = str(item.rdf?.about);
  return finishEntry({
    id: about?.trim(),
    url: resolveUrl(str(item.link), b) ?? (isHttpUrl(about) ? about!.trim() : undefined),
    title: plain(item.title) ?? plain(first(item.dc?.titles)),
    summary: htmlToText(description) || undefined,
    contentHtml: str(item.content?.encoded) ?? description,
    author: personName(first(item.dc?.creators)),
    publishedAt: published,
    updatedAt: date(item.dcterms?.modified, ctx),
    categories: categories(item.dc?.subjects, 'name'),
    enclosures: [],
  });
}

function jsonItem(item: Loose, base: string | undefined, ctx: NormaliseContext): FeedEntry {
  const text = str(item.content_text);
  const published = date(item.date_published, ctx);
  const updated = date(item.date_modified, ctx);
  return finishEntry({
    id: item.id !== undefined && item.id !== null ? String(item.id) : undefined,
    url: resolveUrl(str(item.url), base) ?? resolveUrl(str(item.external_url), base),
    title: plain(item.title),
    summary: str(item.summary) ? collapseWhitespace(str(item.summary)!) : undefined,
    contentHtml: str(item.content_html) ?? (text ? `<p>${escapeHtml(text)}</p>` : undefined),
    author: personName(first(item.authors)) ?? personName(item.author),
    publishedAt: published ?? updated,
    updatedAt: updated,
    categories: categories(item.tags, 'name'),
    enclosures: enclosures(item.attachments, base),
  });
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function fromFeedsmith(parsed: AnyFeed, ctx: NormaliseContext): ParsedFeed {
  const feed = parsed.feed as Loose;
  const root = baseOf(feed, ctx.feedUrl);
  const warnings: string[] = [];
  switch (parsed.format) {
    case 'rss': {
      const ttl = Number(feed.ttl) > 0 ? Number(feed.ttl) : ttlFromSy(feed.sy);
      return {
        format: 'rss',
        title: plain(feed.title) ?? plain(first(feed.dc?.titles)),
        link: resolveUrl(str(feed.link), root) ?? atomLink(feed.atom?.links, root),
        selfUrl: atomLink(feed.atom?.links, root, ['self']),
        description: plain(feed.description),
        language: str(feed.language) ?? first(feed.dc?.languages),
        ...(ttl ? { ttlMinutes: ttl } : {}),
        entries: (feed.items ?? []).map((i: Loose) => rssItem(i, root, ctx)),
        warnings,
      };
    }
    case 'atom':
      return {
        format: 'atom',
        title: plain(feed.title),
        link: atomLink(feed.links, root),
        selfUrl: atomLink(feed.links, root, ['self']),
        description: plain(feed.subtitle),
        language: feed.xml?.lang,
        ...(ttlFromSy(feed.sy) ? { ttlMinutes: ttlFromSy(feed.sy) } : {}),
        entries: (feed.entries ?? []).map((e: Loose) => atomEntry(e, root, ctx)),
        warnings,
      };
    case 'rdf':
      return {
        format: 'rdf',
        version: 'rss10',
        title: plain(feed.title) ?? plain(first(feed.dc?.titles)),
        link: resolveUrl(str(feed.link), root),
        selfUrl: atomLink(feed.atom?.links, root, ['self']),
        description: plain(feed.description),
        language: first(feed.dc?.languages),
        ...(ttlFromSy(feed.sy) ? { ttlMinutes: ttlFromSy(feed.sy) } : {}),
        entries: (feed.items ?? []).map((i: Loose) => rdfItem(i, root, ctx)),
        warnings,
      };
    case 'json':
      return {
        format: 'json',
        title: plain(feed.title),
        link: resolveUrl(str(feed.home_page_url), ctx.feedUrl),
        selfUrl: resolveUrl(str(feed.feed_url), ctx.feedUrl),
        description: plain(feed.description),
        language: str(feed.language),
        entries: (feed.items ?? []).map((i: Loose) =>
          jsonItem(i, resolveUrl(str(feed.feed_url), ctx.feedUrl) ?? ctx.feedUrl, ctx),
        ),
        warnings,
      };
  }
}
