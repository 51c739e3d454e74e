// Automatic selection: enriched candidates → digest items. One item per event, ranked by importance
// then recency, capped per category, never reusing an article from an earlier digest.
import { DEFAULT_CATEGORIES, sectionFor, type CategorySpec } from './categories.ts';
import type { DigestLink, NewDigestItem } from './model.ts';

export interface SelectionCandidate {
  articleId: string;
  /** Articles of the same event become one item; null/undefined: the article is its own event. */
  eventId?: string | null;
  category: string | null;
  /** Chinese title (translated when the source is not Chinese). */
  title: string;
  /** Chinese summary; may be empty. */
  summary: string;
  url: string;
  /** Outlet name for the link label. */
  source: string;
  /** Higher is more important (the enrichment's score; any scale, compared only). */
  importance: number;
  /** Epoch ms. */
  publishedAt: number;
  /** True when the article is already in an earlier digest. */
  alreadyUsed: boolean;
}

export interface SelectionOptions {
  categories?: readonly CategorySpec[];
  /** Most items per category; a number for all, or per-category with `default`. Default 10. */
  capPerCategory?: number | { default: number; [category: string]: number };
  /** Also skip events that already had an article in an earlier digest. Default false. */
  skipEventsAlreadyUsed?: boolean;
  /** Most links per item (representative first). Default 5. */
  maxLinksPerItem?: number;
}

export type SkipReason = 'already_used' | 'event_already_used' | 'merged_into_event' | 'over_category_cap';

export interface SelectionResult {
  /** In digest order: by configured category, then rank; `order` counts from 0. */
  items: NewDigestItem[];
  skipped: { articleId: string; reason: SkipReason; eventId?: string | null }[];
}

interface Group {
  key: string;
  members: SelectionCandidate[];
  representative: SelectionCandidate;
  importance: number;
  latest: number;
}

/** Representative: the most important member, then the most recent, then one with a summary. */
function byRank(a: SelectionCandidate, b: SelectionCandidate): number {
  return (
    b.importance - a.importance ||
    b.publishedAt - a.publishedAt ||
    Number(b.summary.trim() !== '') - Number(a.summary.trim() !== '') ||
    compareStrings(a.articleId, b.articleId)
  );
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function capFor(options: SelectionOptions, category: string): number {
  const cap = options.capPerCategory ?? 10;
  if (typeof cap === 'number') return cap;
  return cap[category] ?? cap.default;
}

export function selectItems(
  candidates: readonly SelectionCandidate[],
  options: SelectionOptions = {},
): SelectionResult {
  const categories = options.categories ?? DEFAULT_CATEGORIES;
  const maxLinks = options.maxLinksPerItem ?? 5;
  const skipped: SelectionResult['skipped'] = [];

  const usedEvents = new Set(candidates.filter((c) => c.alreadyUsed && c.eventId).map((c) => c.eventId!));
  const groups = new Map<string, SelectionCandidate[]>();
  const seenArticles = new Set<string>();
  for (const c of candidates) {
    if (seenArticles.has(c.articleId)) continue;
    seenArticles.add(c.articleId);
    if (c.alreadyUsed) {
      skipped.push({ articleId: c.articleId, reason: 'already_used', eventId: c.eventId });
      continue;
    }
    if (options.skipEventsAlreadyUsed && c.eventId && usedEvents.has(c.eventId)) {
      skipped.push({ articleId: c.articleId, reason: 'event_already_used', eventId: c.eventId });
      continue;
    }
    const key = c.eventId ? `e:${c.eventId}` : `a:${c.articleId}`;
    const list = groups.get(key);
    if (list) list.push(c);
    else groups.set(key, [c]);
  }

  const ranked: Group[] = [...groups].map(([key, members]) => {
    const sorted = [...members].sort(byRank);
    return {
      key,
      members: sorted,
      representative: sorted[0],
      importance: sorted[0].importance,
      latest: Math.max(...sorted.map((m) => m.publishedAt)),
    };
  });
  ranked.sort(
    (a, b) =>
      b.importance - a.importance ||
      b.latest - a.latest ||
      compareStrings(a.representative.articleId, b.representative.articleId),
  );

  const perSection = new Map<string, Group[]>(categories.map((c) => [c.name, []]));
  for (const g of ranked) {
    const section = sectionFor(g.representative.category ?? '', categories);
    const list = perSection.get(section)!;
    if (list.length >= capFor(options, section)) {
      for (const m of g.members)
        skipped.push({ articleId: m.articleId, reason: 'over_category_cap', eventId: m.eventId });
      continue;
    }
    list.push(g);
    for (const m of g.members.slice(1))
      skipped.push({ articleId: m.articleId, reason: 'merged_into_event', eventId: m.eventId });
  }

  const items: NewDigestItem[] = [];
  for (const c of categories) {
    for (const g of perSection.get(c.name)!) {
      const rep = g.representative;
      items.push({
        articleId: rep.articleId,
        eventId: rep.eventId ?? null,
        category: c.name,
        title: rep.title,
        summary: rep.summary,
        links: uniqueLinks(g.members).slice(0, maxLinks),
        order: items.length,
      });
    }
  }
  return { items, skipped };
}

/** Links of the members, representative first, one per URL and one per outlet. */
function uniqueLinks(members: readonly SelectionCandidate[]): DigestLink[] {
  const urls = new Set<string>();
  const sources = new Set<string>();
  const out: DigestLink[] = [];
  for (const m of members) {
    const source = m.source.trim();
    if (!m.url || urls.has(m.url) || (source && sources.has(source))) continue;
    urls.add(m.url);
    if (source) sources.add(source);
    out.push({ url: m.url, source });
  }
  return out;
}
