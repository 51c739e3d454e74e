// Small text helpers shared by the feed parsers: entity decoding, tag stripping, URL resolution.
import { decodeHTML, decodeXML } from 'entities';

export function collapseWhitespace(s: string): string {
  return s.replace(/[\s\u00a0\u3000]+/g, ' ').trim();
}

const BLOCK_TAGS = /<\/?(p|div|br|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|pre|hr)\b[^>]*>/gi;

/** HTML fragment to plain text: drops scripts/styles/comments/tags, decodes entities, collapses whitespace. */
export function htmlToText(html: string | undefined): string | undefined {
  if (html === undefined || html === null) return undefined;
  let s = String(html);
  if (!/[<&]/.test(s)) return collapseWhitespace(s);
  s = s
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<(script|style|noscript)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, '$1')
    .replace(BLOCK_TAGS, ' ')
    .replace(/<\/?[a-zA-Z][^<>]*>/g, '');
  return collapseWhitespace(decodeHTML(s));
}

/** Decodes entities left in text that should have had none (double-escaped titles). */
export function decodeEntities(s: string): string {
  return /&(#\d+|#x[\da-f]+|[a-z]+\d*);/i.test(s) ? decodeHTML(s) : s;
}

export function decodeXmlEntities(s: string): string {
  return s.includes('&') ? decodeXML(s) : s;
}

/** Resolves a possibly relative URL; returns undefined for empty input, the raw text when it cannot be resolved. */
export function resolveUrl(raw: string | undefined | null, base: string | undefined): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const s = String(raw).trim();
  if (!s) return undefined;
  try {
    return new URL(s, base || undefined).href;
  } catch {
    try {
      return new URL(s).href;
    } catch {
      return s;
    }
  }
}

export function isHttpUrl(s: string | undefined): boolean {
  return !!s && /^https?:\/\//i.test(s.trim());
}
