// Today's news filters ⇄ URL query, and the one GET /api/articles query they make: a category selection is
// sent as the categories to leave out (so articles not classified yet stay unless unchecked).
import { api, type Query } from './api.ts';
import type { Article, ArticlePage } from './types.ts';

export const UNCLASSIFIED = '__unclassified';
export type Range = 'last' | '24' | '48' | '72' | '168';
export const RANGES: Range[] = ['last', '24', '48', '72', '168'];

export interface NewsFilters {
  range: Range;
  /** Selected categories (names, and UNCLASSIFIED for articles without one yet). */
  categories: string[];
  sourceMode: 'all' | 'only' | 'except';
  sources: string[];
  q: string;
  hideUsed: boolean;
  hideDuplicates: boolean;
}

export function defaultCategories(all: string[]): string[] {
  return [...all.filter((c) => c !== '其他'), UNCLASSIFIED];
}

export function filtersFromQuery(q: URLSearchParams, allCategories: string[]): NewsFilters {
  const range = (RANGES as string[]).includes(q.get('range') ?? '') ? (q.get('range') as Range) : 'last';
  const cat = q.get('cat');
  const mode = q.get('smode');
  return {
    range,
    categories: cat === null ? defaultCategories(allCategories) : cat.split(',').filter(Boolean),
    sourceMode: mode === 'only' || mode === 'except' ? mode : 'all',
    sources: (q.get('src') ?? '').split(',').filter(Boolean),
    q: q.get('q') ?? '',
    hideUsed: q.get('used') !== 'show',
    hideDuplicates: q.get('dups') !== 'show',
  };
}

export function filtersToQuery(f: NewsFilters, allCategories: string[]): Record<string, string | undefined> {
  const sameAsDefault = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
  return {
    range: f.range === 'last' ? undefined : f.range,
    cat: sameAsDefault(f.categories, defaultCategories(allCategories)) ? undefined : f.categories.join(','),
    smode: f.sourceMode === 'all' ? undefined : f.sourceMode,
    src: f.sources.length === 0 ? undefined : f.sources.join(','),
    q: f.q || undefined,
    used: f.hideUsed ? undefined : 'show',
    dups: f.hideDuplicates ? undefined : 'show',
  };
}

/** The time bound of a range: hours back from now, or since the last digest. */
export function rangeQuery(range: Range, now = Date.now()): Query {
  if (range === 'last') return { sinceLastDigest: 'true' };
  return { since: new Date(now - Number(range) * 3_600_000).toISOString() };
}

/** The category part of the query: one category, or all but the unchecked ones. */
export function categoryQuery(selected: string[], all: string[]): Query | null {
  const named = selected.filter((c) => c !== UNCLASSIFIED && all.includes(c));
  const unclassified = selected.includes(UNCLASSIFIED);
  if (named.length === 0) return unclassified ? { state: 'pending,running,failed,skipped' } : null;
  if (named.length === 1 && !unclassified) return { category: named[0] };
  const excluded = all.filter((c) => !named.includes(c));
  return {
    excludeCategory: excluded.length ? excluded.join(',') : undefined,
    // Articles without a category are the ones not enriched yet.
    state: unclassified ? undefined : 'done',
  };
}

/** Pages of articles for the filters, newest fetched first (keyset cursor). */
export class ArticleFeed {
  private readonly query: Query | null;
  private cursor: string | null = null;
  private started = false;
  total = 0;
  /** The lower time bound the server applied (from the last digest when asked). */
  since: string | null = null;

  constructor(
    filters: NewsFilters,
    allCategories: string[],
    private readonly pageSize = 50,
  ) {
    const categories = categoryQuery(filters.categories, allCategories);
    this.query = categories && {
      ...rangeQuery(filters.range),
      ...categories,
      q: filters.q || undefined,
      hideDuplicates: filters.hideDuplicates ? 'true' : undefined,
      sourceId:
        filters.sourceMode === 'only' && filters.sources.length ? filters.sources.join(',') : undefined,
      excludeSourceId:
        filters.sourceMode === 'except' && filters.sources.length ? filters.sources.join(',') : undefined,
    };
  }

  get done(): boolean {
    return this.query === null || (this.started && this.cursor === null);
  }

  async next(signal?: AbortSignal): Promise<Article[]> {
    if (this.done || !this.query) {
      this.started = true;
      return [];
    }
    const page = await api.get<ArticlePage>(
      '/api/articles',
      { ...this.query, limit: this.pageSize, cursor: this.cursor ?? undefined },
      signal,
    );
    if (!this.started) {
      this.total = page.total;
      this.since = page.since;
    }
    this.started = true;
    this.cursor = page.nextCursor;
    return page.items;
  }
}
