// From stored articles to digest items and selection candidates; the selection window. Pure.
import type { DigestArticle, EventMemberLink } from '../store/digest-types.ts';
import { startOfLocalDay } from '../time.ts';
import { FALLBACK_CATEGORY } from './categories.ts';
import type { DigestLink, NewDigestItem } from './model.ts';
import { shiftDay } from './repeat-check.ts';
import type { SelectionCandidate } from './select.ts';

/** Most source links under one item (the article's own first). */
export const MAX_LINKS_PER_ITEM = 5;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day written yyyy-MM-dd (2026-02-30 is not). */
export function isValidDay(day: string): boolean {
  const m = DAY_PATTERN.exec(day);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** The Chinese title readers see: the translation when there is one. */
export function readerTitle(a: Pick<DigestArticle, 'title' | 'titleZh'>): string {
  return (a.titleZh ?? '').trim() || a.title;
}

/** Links of an item: the article's own, then other outlets of its event; one per URL and per outlet. */
export function itemLinks(
  article: Pick<DigestArticle, 'id' | 'url' | 'sourceName'>,
  members: readonly EventMemberLink[],
  max = MAX_LINKS_PER_ITEM,
): DigestLink[] {
  const urls = new Set<string>();
  const sources = new Set<string>();
  const out: DigestLink[] = [];
  const all = [
    { url: article.url, sourceName: article.sourceName },
    ...members.filter((m) => m.articleId !== article.id),
  ];
  for (const m of all) {
    const source = m.sourceName.trim();
    if (!m.url || urls.has(m.url) || (source && sources.has(source))) continue;
    urls.add(m.url);
    if (source) sources.add(source);
    out.push({ url: m.url, source });
    if (out.length >= max) break;
  }
  return out;
}

/** A digest item for an article the editor picked. */
export function itemFromArticle(
  article: DigestArticle,
  members: readonly EventMemberLink[],
  order: number,
): NewDigestItem {
  return {
    articleId: article.id,
    eventId: article.eventId,
    category: (article.category ?? '').trim() || FALLBACK_CATEGORY,
    title: readerTitle(article),
    summary: article.summary ?? '',
    links: itemLinks(article, members),
    order,
  };
}

/**
 * The group an article belongs to for "one item per event": its event, else the article it duplicates
 * (same canonical URL from another outlet), else itself.
 */
export function groupKey(a: Pick<DigestArticle, 'id' | 'eventId' | 'duplicateOf'>): string {
  return a.eventId ? `event:${a.eventId}` : `article:${a.duplicateOf ?? a.id}`;
}

export function candidateFromArticle(a: DigestArticle): SelectionCandidate {
  return {
    articleId: a.id,
    eventId: groupKey(a),
    category: a.category,
    title: readerTitle(a),
    summary: a.summary ?? '',
    url: a.url,
    source: a.sourceName,
    importance: a.importance ?? 0,
    publishedAt: a.publishedAt ?? a.fetchedAt,
    alreadyUsed: a.alreadyUsed,
  };
}

export interface SelectionWindow {
  since: number;
  until: number;
  /** Nothing fetched before this is taken, even when enriched inside the window. */
  notFetchedBefore: number;
}

/**
 * Articles "since the previous digest": from when the previous digest (dated before `date`) was made,
 * up to now or the end of `date` when that is in the past, never further back than the lookback.
 */
export function selectionWindow(args: {
  date: string;
  timeZone: string;
  now: number;
  previousCreatedAt?: number;
  lookbackHours: number;
}): SelectionWindow {
  const endOfDay = startOfLocalDay(shiftDay(args.date, 1), args.timeZone);
  const until = Math.min(args.now, endOfDay);
  const floor = until - args.lookbackHours * 3_600_000;
  const since = Math.max(args.previousCreatedAt ?? floor, floor);
  return { since: Math.min(since, until), until, notFetchedBefore: floor };
}
