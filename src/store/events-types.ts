// Ports of the events store: saved grouping state (events and per-article signatures), articles waiting to
// be grouped, and the read side for the API.

/** An event as stored. `state` is the grouping engine's own record of it (opaque to the store). */
export interface StoredEvent {
  id: string;
  label: string;
  category: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
  articleCount: number;
  sourceCount: number;
  cves: string[];
  mergedInto: string | null;
  state: unknown;
  createdAt: number;
  updatedAt: number;
}

/** One grouped article: where it went and the fingerprint later runs compare against. */
export interface ArticleSignature {
  articleId: string;
  eventId: string;
  /** Near-duplicate cluster (id of the cluster's first article). */
  clusterId: string;
  /** The earlier article this one is a near-duplicate of. */
  nearDupOf: string | null;
  sourceId: string;
  /** Article time used for windowing (epoch ms). */
  at: number;
  /** Encoded fingerprint (opaque to the store). */
  fingerprint: string;
  cves: string[];
  reason: string;
  score: number;
  groupedAt: number;
}

/** An enriched article not grouped yet, with what grouping reads. */
export interface GroupableArticle {
  id: string;
  sourceId: string;
  title: string;
  titleZh: string | null;
  summary: string | null;
  text: string | null;
  publishedAt: number | null;
  fetchedAt: number;
  cves: string[];
  entities: { type: string; value: string }[];
  category: string | null;
  canonicalUrl: string;
}

/** The outcome of one grouping batch, written in one transaction. */
export interface GroupingWrite {
  /** Created or changed events (upserted). */
  events: StoredEvent[];
  /** Newly grouped articles; their articles.event_id is set too. */
  signatures: ArticleSignature[];
  /** Events absorbed by an older one: marked, and their articles and signatures moved to `into`. */
  merged: { id: string; into: string }[];
}

export interface EventSourceRef {
  id: string;
  name: string;
}

export type EventListItem = Omit<StoredEvent, 'mergedInto' | 'state' | 'createdAt' | 'updatedAt'> & {
  sources: EventSourceRef[];
};

export interface EventMemberView {
  articleId: string;
  title: string;
  titleZh: string | null;
  url: string;
  sourceId: string;
  sourceName: string;
  publishedAt: number | null;
  fetchedAt: number;
  nearDupOf: string | null;
}

export interface EventDetail extends EventListItem {
  mergedInto: string | null;
  members: EventMemberView[];
}

export interface EventListQuery {
  /** Events last seen at or after this instant. */
  since: number;
  category?: string;
  limit: number;
  offset: number;
}

export interface EventsRepo {
  /**
   * Enriched articles (enrich_state 'done') without a signature, whose time is at or after `since`, oldest
   * first. With `textChars`, each text is cut to its first `textChars` characters (grouping reads no more).
   */
  pendingArticles(opts: { since: number; limit: number; textChars?: number }): Promise<GroupableArticle[]>;
  /** Unmerged events last seen at or after `since`, and the signatures at or after `since`. */
  windowState(since: number): Promise<{ events: StoredEvent[]; signatures: ArticleSignature[] }>;
  saveGrouping(write: GroupingWrite): Promise<void>;
  get(id: string): Promise<StoredEvent | undefined>;
  list(query: EventListQuery): Promise<{ items: EventListItem[]; total: number }>;
  /** The event with its member articles; a merged id resolves to the event that absorbed it. */
  detail(id: string): Promise<EventDetail | undefined>;
}
