// `page` sources: article links from a listing page (CSS selector or heuristics), and article fields by
// selectors when the source configures them.
import { parseDocument } from './readability.ts';
import { htmlToPlainText, sanitizeArticleHtml } from './sanitize.ts';
import type { ExtractedArticle } from './readability.ts';
import { collapseWhitespace, resolveUrl } from '../parse/text.ts';

export interface ListingLink {
  url: string;
  title: string;
}

export interface ListLinksOptions {
  /** CSS selector for the article anchors (or for elements containing them). */
  selector?: string;
  /** At most this many links (default 50), in page order. */
  max?: number;
  /** Keep only links on the listing's host (default true when no selector is given). */
  sameHost?: boolean;
}

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]/;

/** Heuristic: does this anchor look like a link to an article rather than navigation? */
function looksLikeArticle(url: URL, title: string, listing: URL): boolean {
  if (url.href === listing.href || url.pathname === '/' || url.pathname === listing.pathname) return false;
  const minTitle = CJK.test(title) ? 6 : 15;
  if (title.length < minTitle) return false;
  const path = url.pathname;
  if (/\.(jpe?g|png|gif|pdf|zip|mp[34]|css|js)$/i.test(path)) return false;
  if (/\/(tag|tags|category|categories|author|search|login|register|about|contact|privacy)(\/|$)/i.test(path))
    return false;
  const segments = path.split('/').filter(Boolean);
  return (
    /\d{3,}|\.s?html?$|\d{4}[/-]\d{1,2}/.test(path) || segments.length >= 2 || title.split(/\s+/).length >= 4
  );
}

/** Article links of a listing page, absolute and de-duplicated, in document order. */
export function extractListLinks(
  html: string,
  pageUrl: string,
  options: ListLinksOptions = {},
): ListingLink[] {
  const doc = parseDocument(html, pageUrl);
  const base = doc.querySelector('base[href]')?.getAttribute('href');
  const baseUrl = base ? (resolveUrl(base, pageUrl) ?? pageUrl) : pageUrl;
  const listing = new URL(pageUrl);
  const max = options.max ?? 50;
  const sameHost = options.sameHost ?? !options.selector;
  let anchors: Element[];
  if (options.selector) {
    anchors = [];
    for (const el of doc.querySelectorAll(options.selector)) {
      if (el.tagName === 'A') anchors.push(el);
      else anchors.push(...el.querySelectorAll('a[href]'));
    }
  } else {
    for (const el of [...doc.querySelectorAll('nav, footer, header, aside, script, style')]) el.remove();
    anchors = [...doc.querySelectorAll('a[href]')];
  }
  const seen = new Set<string>();
  const out: ListingLink[] = [];
  for (const a of anchors) {
    const href = a.getAttribute('href');
    if (!href || /^(javascript|mailto|tel):/i.test(href.trim()) || href.trim().startsWith('#')) continue;
    let url: URL;
    try {
      url = new URL(href.trim(), baseUrl);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    url.hash = '';
    if (sameHost && url.hostname !== listing.hostname) continue;
    const title = collapseWhitespace(a.getAttribute('title') || a.textContent || '');
    if (!options.selector && !looksLikeArticle(url, title, listing)) continue;
    if (seen.has(url.href)) continue;
    seen.add(url.href);
    out.push({ url: url.href, title });
    if (out.length >= max) break;
  }
  return out;
}

export interface ArticleSelectors {
  title?: string;
  content?: string;
  /** Element whose text (or datetime attribute) holds the publication time. */
  date?: string;
}

/** Title and content by CSS selectors; undefined when the content selector matches nothing. */
export function extractWithSelectors(
  html: string,
  pageUrl: string,
  selectors: ArticleSelectors,
): ExtractedArticle | undefined {
  if (!selectors.content) return undefined;
  const doc = parseDocument(html, pageUrl);
  const nodes = [...doc.querySelectorAll(selectors.content)];
  if (!nodes.length) return undefined;
  const clean = sanitizeArticleHtml(nodes.map((n) => n.outerHTML).join('\n'), pageUrl);
  const text = htmlToPlainText(clean);
  if (!text) return undefined;
  const titleEl = selectors.title
    ? doc.querySelector(selectors.title)
    : (doc.querySelector('h1') ?? doc.querySelector('title'));
  const dateEl = selectors.date ? doc.querySelector(selectors.date) : undefined;
  return {
    title: titleEl ? collapseWhitespace(titleEl.textContent ?? '') || undefined : undefined,
    publishedTime: dateEl
      ? (dateEl.getAttribute('datetime') ?? collapseWhitespace(dateEl.textContent ?? '')) || undefined
      : undefined,
    html: clean,
    text,
    method: 'selectors',
  };
}
