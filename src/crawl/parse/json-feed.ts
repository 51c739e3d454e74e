// JSON Feed 1.0/1.1 (as read by feedsmith) to the normalised ParsedFeed.
import type { AnyFeed } from 'feedsmith';
import { escapeHtml } from '../../html-escape.ts';
import { dateOf, finishEntry, plainText, uniqueCategories, type NormaliseContext } from './feed-fields.ts';
import { collapseWhitespace, resolveUrl } from './text.ts';
import type { FeedEnclosure, FeedEntry, ParsedFeed } from './types.ts';

type Loose = Record<string, any>;

function str(v: unknown): string | undefined {
  if (v === undefined || v === null || typeof v === 'object') return undefined;
  const s = String(v);
  return s.trim() ? s : undefined;
}

function personName(p: Loose | undefined): string | undefined {
  const name = str(p?.name);
  return name ? collapseWhitespace(name) : undefined;
}

function attachments(list: Loose[] | undefined, base: string | undefined): FeedEnclosure[] {
  const out: FeedEnclosure[] = [];
  for (const a of list ?? []) {
    const url = resolveUrl(str(a?.url), base);
    if (!url) continue;
    out.push({
      url,
      ...(str(a.mime_type) ? { type: String(a.mime_type) } : {}),
      ...(Number(a.size_in_bytes) > 0 ? { length: Number(a.size_in_bytes) } : {}),
    });
  }
  return out;
}

function jsonItem(item: Loose, base: string | undefined, ctx: NormaliseContext): FeedEntry {
  const text = str(item.content_text);
  const published = dateOf(str(item.date_published), ctx);
  const updated = dateOf(str(item.date_modified), ctx);
  return finishEntry({
    id: item.id !== undefined && item.id !== null ? String(item.id) : undefined,
    url: resolveUrl(str(item.url), base) ?? resolveUrl(str(item.external_url), base),
    title: plainText(str(item.title)),
    summary: str(item.summary) ? collapseWhitespace(str(item.summary)!) : undefined,
    contentHtml: str(item.content_html) ?? (text ? `<p>${escapeHtml(text)}</p>` : undefined),
    author: personName(item.authors?.[0]) ?? personName(item.author),
    publishedAt: published ?? updated,
    updatedAt: updated,
    categories: uniqueCategories((item.tags ?? []).map((t: unknown) => str(t))),
    enclosures: attachments(item.attachments, base),
  });
}

/** Maps feedsmith's JSON Feed object; undefined when feedsmith read some other format. */
export function fromJsonFeed(parsed: AnyFeed, ctx: NormaliseContext): ParsedFeed | undefined {
  if (parsed.format !== 'json') return undefined;
  const feed = parsed.feed as Loose;
  const base = resolveUrl(str(feed.feed_url), ctx.feedUrl) ?? ctx.feedUrl;
  return {
    format: 'json',
    title: plainText(str(feed.title)),
    link: resolveUrl(str(feed.home_page_url), ctx.feedUrl),
    selfUrl: resolveUrl(str(feed.feed_url), ctx.feedUrl),
    description: plainText(str(feed.description)),
    language: str(feed.language),
    entries: (feed.items ?? []).map((i: Loose) => jsonItem(i, base, ctx)),
    warnings: [],
  };
}
