// One incremental grouping run: load the window's saved state, place the enriched articles not grouped yet
// (in time order, batch by batch), and save each batch's placements, event changes and merges.
import { yieldToEventLoop } from '../event-loop.ts';
import type { Logger } from 'pino';
import type { ArticleSignature, EventsRepo, GroupableArticle, StoredEvent } from '../store/events-types.ts';
import type { SettingsRepo } from '../store/types.ts';
import type { EventArticle } from './article.ts';
import { EventGrouper } from './event-grouper.ts';
import type { EventMember, EventRecord, GroupingResult, GroupingState } from './event-types.ts';
import {
  decodeFingerprint,
  encodeFingerprint,
  fingerprintTextChars,
  type ArticleFingerprint,
} from './fingerprint.ts';
import { splitInChunks } from './chunks.ts';
import type { FingerprintPool } from './fingerprint-pool.ts';
import { DEFAULT_WINDOW_MS, type GroupingOptions } from './options.ts';

/** Settings key: the instant the grouping window was last advanced to (epoch ms). */
export const GROUPING_NOW_KEY = 'events.grouping_now';
const DEFAULT_BATCH = 100;
/** With a fingerprint pool, articles are read this many batches at a time, so the threads can work ahead. */
const PAGE_BATCHES = 5;
/**
 * The first batch of a run is smaller: the grouper's code runs slowly until the engine has compiled it, and
 * 100 articles of that held the event loop ~120 ms where later batches take 10-60 ms (20 took ~55 ms).
 * Placements do not depend on where batches end.
 */
const FIRST_BATCH = 20;

export interface GroupingRunDeps {
  events: EventsRepo;
  settings: SettingsRepo;
  options?: GroupingOptions;
  clock?: () => number;
  logger?: Logger;
  /** Fingerprints the next batches on other threads while this one places the current batch. */
  fingerprints?: FingerprintPool;
}

export interface GroupingRunOptions {
  /** Ungrouped articles older than this are left alone. Default: the grouping window. */
  lookbackMs?: number;
  batchSize?: number;
  signal?: AbortSignal;
  /** Called after each saved batch with the articles grouped so far. */
  onBatch?(grouped: number, batch: number): void;
}

export interface GroupingRunResult {
  articles: number;
  eventsCreated: number;
  eventsExtended: number;
  eventsMerged: number;
}

export function toEventArticle(a: GroupableArticle): EventArticle {
  return {
    id: a.id,
    sourceId: a.sourceId,
    title: a.titleZh?.trim() ? a.titleZh : a.title,
    originalTitle: a.title,
    summary: a.summary,
    text: a.text,
    publishedAt: a.publishedAt,
    fetchedAt: a.fetchedAt,
    cves: a.cves,
    entities: a.entities.filter((e) => e.type !== 'cve').map((e) => ({ name: e.value, type: e.type })),
    category: a.category,
    canonicalUrl: a.canonicalUrl,
  };
}

export function storedEvent(record: EventRecord): StoredEvent {
  return {
    id: record.id,
    label: record.label,
    category: record.category,
    firstSeenAt: record.firstSeenAt,
    lastSeenAt: record.lastSeenAt,
    articleCount: record.articleIds.length,
    sourceCount: record.sourceIds.length,
    cves: record.cves,
    mergedInto: record.mergedInto,
    state: record,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

function stateFrom(
  saved: { events: StoredEvent[]; signatures: ArticleSignature[] },
  now: number | null,
  logger?: Logger,
): GroupingState {
  const events = saved.events.map((e) => e.state as EventRecord);
  const known = new Set(events.map((e) => e.id));
  const members: EventMember[] = [];
  for (const s of saved.signatures) {
    if (!known.has(s.eventId)) {
      logger?.warn(
        { articleId: s.articleId, eventId: s.eventId },
        'grouped article without its event; left out',
      );
      continue;
    }
    members.push({
      articleId: s.articleId,
      eventId: s.eventId,
      clusterId: s.clusterId,
      sourceId: s.sourceId,
      at: s.at,
      fingerprint: decodeFingerprint(s.fingerprint),
    });
  }
  return { events, members, now };
}

function signaturesOf(
  result: GroupingResult,
  articles: readonly EventArticle[],
  at: number,
): ArticleSignature[] {
  const sourceOf = new Map(articles.map((a) => [a.id, a.sourceId]));
  return result.assignments
    .filter((a) => a.reason !== 'known')
    .map((a) => ({
      articleId: a.articleId,
      eventId: a.eventId,
      clusterId: a.clusterId,
      nearDupOf: a.duplicateOf,
      sourceId: sourceOf.get(a.articleId) ?? '',
      at: a.at,
      fingerprint: encodeFingerprint(a.fingerprint),
      cves: a.fingerprint.cves,
      reason: a.reason,
      score: a.score,
      groupedAt: at,
    }));
}

export async function runEventGrouping(
  deps: GroupingRunDeps,
  opts: GroupingRunOptions = {},
): Promise<GroupingRunResult> {
  const clock = deps.clock ?? Date.now;
  const now = clock();
  const windowMs = deps.options?.windowMs ?? DEFAULT_WINDOW_MS;
  const since = now - (opts.lookbackMs ?? windowMs);
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;

  const pageSize = batchSize * (deps.fingerprints ? PAGE_BATCHES : 1);
  const textChars = fingerprintTextChars({ bodyChars: deps.options?.bodyChars });
  const first = await deps.events.pendingArticles({ since, limit: pageSize, textChars });
  const result: GroupingRunResult = { articles: 0, eventsCreated: 0, eventsExtended: 0, eventsMerged: 0 };
  if (first.length === 0) return result;

  let windowNow = (await deps.settings.get<number | null>(GROUPING_NOW_KEY)) ?? null;
  const saved = await deps.events.windowState((windowNow ?? now) - windowMs);
  const grouper = EventGrouper.fromState(stateFrom(saved, windowNow, deps.logger), {
    ...deps.options,
    clock,
  });

  const created = new Set<string>();
  const extended = new Set<string>();
  let merged = 0;
  let n = 0;
  let page: GroupableArticle[] = first;
  for (;;) {
    let stalled = false;
    const firstSize = n === 0 ? Math.min(FIRST_BATCH, batchSize) : batchSize;
    for await (const batch of batchesOf(page.map(toEventArticle), batchSize, firstSize, deps.fingerprints)) {
      opts.signal?.throwIfAborted();
      const grouped = grouper.group(batch.articles, { fingerprints: batch.fingerprints });
      // Placing a batch and saving it are each tens of milliseconds: the API gets a turn between them.
      await yieldToEventLoop();
      const signatures = signaturesOf(grouped, batch.articles, clock());
      await deps.events.saveGrouping({
        events: [...grouped.createdEvents, ...grouped.updatedEvents].map(storedEvent),
        signatures,
        merged: grouped.mergedEvents,
      });
      for (const a of grouped.assignments) windowNow = Math.max(windowNow ?? a.at, a.at);
      await deps.settings.set(GROUPING_NOW_KEY, windowNow);

      for (const e of grouped.createdEvents) created.add(e.id);
      for (const e of grouped.updatedEvents) if (!created.has(e.id)) extended.add(e.id);
      for (const m of grouped.mergedEvents) {
        merged++;
        created.delete(m.id);
        extended.delete(m.id);
      }
      result.articles += signatures.length;
      opts.onBatch?.(result.articles, ++n);
      // Nothing written means nothing will change on the next read: stop rather than loop.
      stalled = signatures.length === 0;
      if (stalled) break;
      // Grouping is CPU work and SQLite answers at once: let the API and heartbeats in between batches.
      await yieldToEventLoop();
    }
    if (stalled || page.length < pageSize) break;
    page = await deps.events.pendingArticles({ since, limit: pageSize, textChars });
    if (page.length === 0) break;
  }
  return { ...result, eventsCreated: created.size, eventsExtended: extended.size, eventsMerged: merged };
}

/** The page in batches; with a pool, each with fingerprints computed ahead on its threads. */
async function* batchesOf(
  articles: EventArticle[],
  size: number,
  firstSize: number,
  pool: FingerprintPool | undefined,
): AsyncGenerator<{ articles: EventArticle[]; fingerprints?: ArticleFingerprint[] }> {
  if (pool) {
    yield* pool.chunks(articles, size, firstSize);
    return;
  }
  for (const part of splitInChunks(articles, size, firstSize)) yield { articles: part };
}
