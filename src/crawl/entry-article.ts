// Feed entries and extracted pages to articles: identity first (cheap: link, canonical URL, GUID, for the
// dedup lookup), the sanitised body only for entries that turn out to be new.
import type { NewArticle } from '../store/crawl-types.ts';
import type { ArticleResult } from './extract/extract-article.ts';
import { cleanFeedHtml } from './feed-html.ts';
import { collapseWhitespace, isHttpUrl } from './parse/text.ts';
import type { FeedEntry } from './parse/types.ts';
import { articleContentHash, contentHash } from './sources/content-hash.ts';
import { normalizeUrl } from './sources/url-normalize.ts';

const MAX_GUID = 1000;
const MAX_TITLE = 1000;
const MAX_SUMMARY = 2000;
const MAX_URL = 4000;

export interface EntryIdentity {
  /** The article's own URL, when the entry names one. */
  link: string | undefined;
  /** Dedup key: the normalised link, or a stable URN for entries without one. */
  canonicalUrl: string;
  guid: string | null;
}

export interface EntryOptions {
  /** The feed URL (base for entries without a link). */
  sourceUrl: string;
  /** The site link the feed declares. */
  siteUrl?: string;
  useDescriptionAsSummary: boolean;
  /** The source asks for the article page of every entry. */
  fullText: boolean;
  /** Entries with less text than this get their page fetched (0: never by length). */
  fullTextMinChars: number;
}

export function entryIdentity(e: FeedEntry): EntryIdentity {
  const guid = e.id?.trim() ? e.id.trim().slice(0, MAX_GUID) : null;
  const link = e.url && isHttpUrl(e.url) ? e.url.trim() : guid && isHttpUrl(guid) ? guid : undefined;
  const canonicalUrl = link
    ? normalizeUrl(link).slice(0, MAX_URL)
    : `urn:newsdesk:entry:${contentHash(guid ?? `${e.title ?? ''}\n${e.summary ?? ''}\n${e.contentHtml ?? ''}`)}`;
  return { link, canonicalUrl, guid };
}

function clip(s: string | undefined | null, max: number): string | null {
  if (!s) return null;
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Sanitised HTML and its text; HTML-free bodies skip the sanitiser (most summaries). */
function body(html: string | undefined, base: string): { html: string | null; text: string | null } {
  if (!html?.trim()) return { html: null, text: null };
  if (!/[<&]/.test(html)) {
    const text = collapseWhitespace(html);
    return { html: text ? `<p>${text}</p>` : null, text: text || null };
  }
  const clean = cleanFeedHtml(html, base);
  return { html: clean.html || null, text: clean.text || null };
}

export interface EntryArticle extends NewArticle {
  /** Fetch the article page for the full text. */
  needsFullText: boolean;
}

export function entryToArticle(e: FeedEntry, id: EntryIdentity, opts: EntryOptions): EntryArticle {
  const base = id.link ?? opts.siteUrl ?? opts.sourceUrl;
  const { html, text } = body(e.contentHtml ?? e.summary, base);
  const summary = e.summary?.trim() || (opts.useDescriptionAsSummary ? text : null);
  const title = clip(collapseWhitespace(e.title ?? ''), MAX_TITLE) || clip(text?.split('\n')[0], 120) || base;
  return {
    url: (id.link ?? base).slice(0, MAX_URL),
    canonicalUrl: id.canonicalUrl,
    guid: id.guid,
    title,
    author: clip(e.author?.trim(), 500),
    feedSummary: clip(summary, MAX_SUMMARY),
    contentHtml: html,
    contentText: text,
    contentHash: articleContentHash(title, text ?? ''),
    publishedAt: e.publishedAt ?? null,
    needsFullText:
      !!id.link &&
      (opts.fullText || (opts.fullTextMinChars > 0 && (text?.length ?? 0) < opts.fullTextMinChars)),
  };
}

/** Replaces the feed body with the extracted page (kept when extraction found less text). */
export function withFullText(a: EntryArticle, page: ArticleResult): EntryArticle {
  if (!page.text || page.text.length <= (a.contentText?.length ?? 0)) return a;
  return {
    ...a,
    contentHtml: page.html || a.contentHtml,
    contentText: page.text,
    publishedAt: a.publishedAt ?? page.publishedAt ?? null,
    contentHash: articleContentHash(a.title, page.text),
  };
}

/** An article of a `page`/`browser` source: the extracted page, titled by the page or the listing link. */
export function pageToArticle(link: { url: string; title: string }, page: ArticleResult): NewArticle {
  const title = clip(collapseWhitespace(page.title || link.title || ''), MAX_TITLE) || link.url;
  return {
    url: link.url.slice(0, MAX_URL),
    canonicalUrl: normalizeUrl(link.url).slice(0, MAX_URL),
    guid: null,
    title,
    author: clip(page.byline?.trim(), 500),
    feedSummary: clip(page.excerpt?.trim(), MAX_SUMMARY),
    contentHtml: page.html || null,
    contentText: page.text || null,
    contentHash: articleContentHash(title, page.text),
    publishedAt: page.publishedAt ?? null,
  };
}
