// Repeat check: does an item repeat something readers already got in a recent digest?
// Pure: the caller passes the recent digests; an optional judge (e.g. an LLM) confirms borderline pairs.
import type { Digest, DigestItem } from './model.ts';
import { cveIds, jaccard, shingles, urlKey } from './similarity.ts';

export type RepeatReason = 'same_article' | 'near_duplicate' | 'same_event';

export interface RepeatFlag {
  itemId: string;
  matchedDigestId: string;
  matchedDigestDate: string;
  matchedItem: { id: string; articleId: string; title: string };
  reason: RepeatReason;
  /** 0..1; 1 for identity matches (same article, same URL, same event id, shared CVE). */
  score: number;
  /** What matched, e.g. "article a1", "url example.com/x", "CVE-2026-1234", "title 0.72". */
  detail: string;
  /** Present when the judge confirmed a borderline pair. */
  confirmedByJudge?: true;
}

/** The text a judge sees for each side of a pair. */
export interface JudgeItem {
  title: string;
  summary: string;
  urls: string[];
  date: string;
}

/** Answers "do these two items report the same story?". Thrown errors count as "no". */
export type RepeatJudge = (a: JudgeItem, b: JudgeItem, signal?: AbortSignal) => Promise<boolean>;

export interface RepeatCheckOptions {
  /** Title+summary similarity at or above which an item is a near-duplicate. Default 0.5. */
  nearDuplicateThreshold?: number;
  /** Title similarity at or above which two items are the same event. Default 0.6. */
  sameEventTitleThreshold?: number;
  /** Pairs scoring in [judgeMinScore, threshold) are borderline and go to the judge. Default 0.25. */
  judgeMinScore?: number;
  judge?: RepeatJudge;
  /** At most this many judge calls per check (one per item at most). Default 20. */
  maxJudgeCalls?: number;
  signal?: AbortSignal;
}

export interface RepeatCheckResult {
  /** At most one flag per item: the strongest match. */
  flags: RepeatFlag[];
  judgeCalls: number;
  judgeErrors: number;
}

export type RecentDigest = Pick<Digest, 'id' | 'date' | 'items'>;

interface Features {
  item: DigestItem;
  urls: Set<string>;
  cves: Set<string>;
  titleShingles: Set<string>;
  textShingles: Set<string>;
}

function features(item: DigestItem): Features {
  return {
    item,
    urls: new Set(item.links.map((l) => urlKey(l.url))),
    cves: cveIds(`${item.title}\n${item.summary}`),
    titleShingles: shingles(item.title),
    textShingles: shingles(`${item.title}\n${item.summary}`),
  };
}

const REASON_RANK: Record<RepeatReason, number> = { same_article: 3, near_duplicate: 2, same_event: 1 };

function stronger(a: RepeatFlag, b: RepeatFlag | undefined): boolean {
  if (!b) return true;
  return (
    (REASON_RANK[a.reason] - REASON_RANK[b.reason] ||
      a.score - b.score ||
      (a.matchedDigestDate > b.matchedDigestDate ? 1 : a.matchedDigestDate < b.matchedDigestDate ? -1 : 0)) >
    0
  );
}

function firstShared(a: Set<string>, b: Set<string>): string | undefined {
  for (const x of a) if (b.has(x)) return x;
  return undefined;
}

/** The definite match of a pair, if any (no judge involved). */
function definiteMatch(
  cur: Features,
  prev: Features,
  o: Required<Pick<RepeatCheckOptions, 'nearDuplicateThreshold' | 'sameEventTitleThreshold'>>,
): { reason: RepeatReason; score: number; detail: string } | { borderline: number } {
  if (cur.item.articleId === prev.item.articleId)
    return { reason: 'same_article', score: 1, detail: `article ${cur.item.articleId}` };
  const url = firstShared(cur.urls, prev.urls);
  if (url) return { reason: 'same_article', score: 1, detail: `url ${url}` };
  const text = jaccard(cur.textShingles, prev.textShingles);
  if (text >= o.nearDuplicateThreshold)
    return { reason: 'near_duplicate', score: round(text), detail: `text ${round(text)}` };
  if (cur.item.eventId && cur.item.eventId === prev.item.eventId)
    return { reason: 'same_event', score: 1, detail: `event ${cur.item.eventId}` };
  const cve = firstShared(cur.cves, prev.cves);
  if (cve) return { reason: 'same_event', score: 1, detail: cve };
  const title = jaccard(cur.titleShingles, prev.titleShingles);
  if (title >= o.sameEventTitleThreshold)
    return { reason: 'same_event', score: round(title), detail: `title ${round(title)}` };
  return { borderline: Math.max(text, title) };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function judgeItem(item: DigestItem, date: string): JudgeItem {
  return { title: item.title, summary: item.summary, urls: item.links.map((l) => l.url), date };
}

export async function checkRepeats(
  current: RecentDigest,
  recent: readonly RecentDigest[],
  options: RepeatCheckOptions = {},
): Promise<RepeatCheckResult> {
  const o = {
    nearDuplicateThreshold: options.nearDuplicateThreshold ?? 0.5,
    sameEventTitleThreshold: options.sameEventTitleThreshold ?? 0.6,
  };
  const judgeMin = options.judgeMinScore ?? 0.25;
  const maxJudgeCalls = options.maxJudgeCalls ?? 20;
  const earlier = recent
    .filter((d) => d.id !== current.id)
    .map((d) => ({ digest: d, items: d.items.map(features) }));

  const flags: RepeatFlag[] = [];
  let judgeCalls = 0;
  let judgeErrors = 0;
  for (const item of current.items) {
    options.signal?.throwIfAborted();
    const cur = features(item);
    let best: RepeatFlag | undefined;
    let borderline: { score: number; digest: RecentDigest; prev: DigestItem } | undefined;
    for (const { digest, items } of earlier) {
      for (const prev of items) {
        const m = definiteMatch(cur, prev, o);
        if ('reason' in m) {
          const flag = makeFlag(item, digest, prev.item, m.reason, m.score, m.detail);
          if (stronger(flag, best)) best = flag;
        } else if (m.borderline >= judgeMin && (!borderline || m.borderline > borderline.score)) {
          borderline = { score: m.borderline, digest, prev: prev.item };
        }
      }
    }
    if (!best && borderline && options.judge && judgeCalls < maxJudgeCalls) {
      judgeCalls++;
      let same = false;
      try {
        same = await options.judge(
          judgeItem(item, current.date),
          judgeItem(borderline.prev, borderline.digest.date),
          options.signal,
        );
      } catch (err) {
        if (options.signal?.aborted) throw err;
        judgeErrors++;
      }
      if (same) {
        const score = round(borderline.score);
        best = {
          ...makeFlag(item, borderline.digest, borderline.prev, 'same_event', score, `judge at ${score}`),
          confirmedByJudge: true,
        };
      }
    }
    if (best) flags.push(best);
  }
  return { flags, judgeCalls, judgeErrors };
}

function makeFlag(
  item: DigestItem,
  digest: RecentDigest,
  prev: DigestItem,
  reason: RepeatReason,
  score: number,
  detail: string,
): RepeatFlag {
  return {
    itemId: item.id,
    matchedDigestId: digest.id,
    matchedDigestDate: digest.date,
    matchedItem: { id: prev.id, articleId: prev.articleId, title: prev.title },
    reason,
    score,
    detail,
  };
}

/** yyyy-MM-dd shifted by whole days (calendar arithmetic, no time zone involved). */
export function shiftDay(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * The digests to compare against by default: the last one (by createdAt) of each of the `days`
 * local days before `date`. Newest day first.
 */
export function pickRecentDigests<T extends { date: string; createdAt: number }>(
  digests: readonly T[],
  date: string,
  days = 3,
): T[] {
  const out: T[] = [];
  for (let i = 1; i <= days; i++) {
    const day = shiftDay(date, -i);
    let last: T | undefined;
    for (const d of digests) if (d.date === day && (!last || d.createdAt >= last.createdAt)) last = d;
    if (last) out.push(last);
  }
  return out;
}
