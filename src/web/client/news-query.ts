// Today's news filters ⇄ URL query, and the article streams they need from GET /api/articles.
// The API filters one category at a time, so a selection of several categories is read as one stream per
// category (plus one for articles not classified yet), merged newest first on the page.
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

interface Stream {
  query: Query;
  buffer: Article[];
  cursor: string | null;
  started: boolean;
  total: number;
}

/** Newest fetched first, then id, as the API orders a single stream. */
function newer(a: Article, b: Article): boolean {
  const ta = Date.parse(a.fetchedAt);
  const tb = Date.parse(b.fetchedAt);
  return ta !== tb ? ta > tb : a.id > b.id;
}

export class ArticleFeed {
  private readonly streams: Stream[];
  private readonly seen = new Set<string>();
  /** The lower time bound the server applied (from the last digest when asked). */
  since: string | null = null;

  constructor(
    private readonly filters: NewsFilters,
    allCategories: string[],
    private readonly pageSize = 50,
  ) {
    const base: Query = {
      ...rangeQuery(filters.range),
      q: filters.q || undefined,
      hideDuplicates: filters.hideDuplicates ? 'true' : undefined,
      sourceId:
        filters.sourceMode === 'only' && filters.sources.length ? filters.sources.join(',') : undefined,
      excludeSourceId:
        filters.sourceMode === 'except' && filters.sources.length ? filters.sources.join(',') : undefined,
    };
    const named = filters.categories.filter((c) => c !== UNCLASSIFIED);
    const everything = named.length === allCategories.length && filters.categories.includes(UNCLASSIFIED);
    const queries: Query[] = everything
      ? [base]
      : [
          ...named.map((category) => ({ ...base, category })),
          ...(filters.categories.includes(UNCLASSIFIED)
            ? [{ ...base, state: 'pending,running,failed,skipped' }]
            : []),
        ];
    this.streams = queries.map((query) => ({ query, buffer: [], cursor: null, started: false, total: 0 }));
    this.allowed = new Set(named);
    this.withUnclassified = filters.categories.includes(UNCLASSIFIED);
  }

  private readonly allowed: Set<string>;
  private readonly withUnclassified: boolean;

  get total(): number {
    return this.streams.reduce((n, s) => n + s.total, 0);
  }

  get done(): boolean {
    return this.streams.every((s) => s.started && s.buffer.length === 0 && s.cursor === null);
  }

  private async fill(stream: Stream, signal?: AbortSignal): Promise<void> {
    if (stream.buffer.length > 0 || (stream.started && stream.cursor === null)) return;
    const page = await api.get<ArticlePage>(
      '/api/articles',
      { ...stream.query, limit: this.pageSize, cursor: stream.cursor ?? undefined },
      signal,
    );
    if (!stream.started) stream.total = page.total;
    stream.started = true;
    stream.buffer.push(...page.items);
    stream.cursor = page.nextCursor;
    this.since ??= page.since;
  }

  private keep(a: Article): boolean {
    if (this.seen.has(a.id)) return false;
    if (this.streams.length === 1) return true;
    return a.category === null
      ? this.withUnclassified
      : this.allowed.has(a.category) || (this.withUnclassified && a.enrichment.state !== 'done');
  }

  /** The next page of articles, merged across streams. */
  async next(signal?: AbortSignal): Promise<Article[]> {
    const out: Article[] = [];
    while (out.length < this.pageSize) {
      await Promise.all(this.streams.map((s) => this.fill(s, signal)));
      let best: Stream | undefined;
      for (const s of this.streams)
        if (s.buffer.length && (!best || newer(s.buffer[0], best.buffer[0]))) best = s;
      if (!best) break;
      const article = best.buffer.shift()!;
      if (!this.keep(article)) continue;
      this.seen.add(article.id);
      out.push(article);
    }
    return out;
  }
}
