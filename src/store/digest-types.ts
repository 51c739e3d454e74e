// Digest records and repository ports: digests with their items, repeat flags, delivery channels and
// attempts, and the read-model over articles that digest selection needs.

export type DigestStatus =
  /** Created or edited since the last check. */
  | 'draft'
  /** Repeat check done for the current content. */
  | 'checked'
  /** Every channel of the last delivery accepted it. */
  | 'delivered'
  /** A channel of the last delivery failed after its retries. */
  | 'delivery_failed';

export interface DigestLinkRecord {
  url: string;
  source: string;
}

export interface DigestItemRecord {
  id: string;
  articleId: string;
  eventId: string | null;
  category: string;
  title: string;
  summary: string;
  links: DigestLinkRecord[];
  /** 0-based position in the digest. */
  order: number;
}

/** An item to store: with `id` it updates that item, without one it is added. */
export interface DigestItemInput {
  id?: string;
  articleId: string;
  eventId?: string | null;
  category: string;
  title: string;
  summary: string;
  links: DigestLinkRecord[];
}

export interface DigestPdfCache {
  /** Relative to the data directory. */
  file: string;
  /** What it was rendered from (hash of layout + HTML). */
  key: string;
  renderedAt: number;
}

export interface DigestHeader {
  id: string;
  /** yyyy-MM-dd */
  date: string;
  title: string;
  intro: string;
  status: DigestStatus;
  revision: number;
  publicToken: string | null;
  pdf: DigestPdfCache | null;
  checkedAt: number | null;
  /** The revision the last check saw; older than `revision` means the check is stale. */
  checkedRevision: number | null;
  deliveredAt: number | null;
  createdAt: number;
  updatedAt: number;
  itemCount: number;
}

export interface DigestRecord extends DigestHeader {
  /** In digest order. */
  items: DigestItemRecord[];
}

export interface NewDigest {
  date: string;
  title?: string;
  intro?: string;
  items: DigestItemInput[];
  createdAt?: number;
}

/** A content edit: bumps the revision, drops the cached PDF, sets the status back to draft. */
export interface DigestContentEdit {
  title?: string;
  intro?: string;
  /** The complete new item list, in order; stored items missing from it are removed. */
  items?: DigestItemInput[];
}

export interface DigestListFilter {
  date?: string;
  limit?: number;
  offset?: number;
}

export interface RepeatFlagRecord {
  id: string;
  digestId: string;
  itemId: string;
  matchedDigestId: string;
  matchedDigestDate: string;
  matchedItemId: string;
  matchedArticleId: string;
  matchedTitle: string;
  reason: string;
  score: number;
  detail: string;
  confirmedByJudge: boolean;
  createdAt: number;
}

export type NewRepeatFlag = Omit<RepeatFlagRecord, 'id' | 'digestId' | 'createdAt'>;

export interface DeliveryAttemptRecord {
  id: string;
  digestId: string;
  executionId: string | null;
  channelId: string | null;
  channelName: string;
  channelType: string | null;
  attempt: number;
  ok: boolean;
  status: number | null;
  response: string | null;
  error: { type: string; kind: string; code?: string; message: string; retryable: boolean } | null;
  nextRetryInMs: number | null;
  at: number;
  durationMs: number;
}

export type NewDeliveryAttempt = Omit<DeliveryAttemptRecord, 'id'>;

export interface DigestsRepo {
  create(input: NewDigest): Promise<DigestRecord>;
  get(id: string): Promise<DigestRecord | undefined>;
  getByPublicToken(token: string): Promise<DigestRecord | undefined>;
  /** Newest first: by date, then creation. */
  list(filter?: DigestListFilter): Promise<{ items: DigestHeader[]; total: number }>;
  /** Digests dated fromDate..toDate (inclusive), with items; for the repeat check. */
  listByDateRange(fromDate: string, toDate: string): Promise<DigestRecord[]>;
  /** The most recently created digest dated before `date`. */
  latestBefore(date: string): Promise<DigestHeader | undefined>;
  /** Apply a content edit. Returns undefined when the digest does not exist. */
  edit(id: string, edit: DigestContentEdit): Promise<DigestRecord | undefined>;
  setStatus(
    id: string,
    patch: { status?: DigestStatus; checkedAt?: number; checkedRevision?: number; deliveredAt?: number },
  ): Promise<boolean>;
  setPublicToken(id: string, token: string | null): Promise<boolean>;
  /** Record a rendered PDF, unless the digest changed (revision moved) since rendering began. */
  setPdf(id: string, pdf: DigestPdfCache | null, expectRevision?: number): Promise<boolean>;
  /** Every digest with a cached PDF (for the cleanup of rendered files). */
  listPdfs(): Promise<{ id: string; pdf: DigestPdfCache }[]>;
  delete(id: string): Promise<boolean>;
  /** Replace the digest's flags with these (one per item at most). */
  replaceRepeatFlags(digestId: string, flags: NewRepeatFlag[], now?: number): Promise<RepeatFlagRecord[]>;
  listRepeatFlags(digestId: string): Promise<RepeatFlagRecord[]>;
  recordDeliveryAttempt(attempt: NewDeliveryAttempt): Promise<DeliveryAttemptRecord>;
  /** Oldest first. */
  listDeliveryAttempts(digestId: string): Promise<DeliveryAttemptRecord[]>;
}

export interface DeliveryChannelRecord {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  description: string | null;
  /** With secrets: mask before showing or logging. */
  config: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

export interface NewDeliveryChannel {
  name: string;
  type: string;
  enabled?: boolean;
  description?: string | null;
  config: Record<string, unknown>;
}

export type DeliveryChannelPatch = Partial<NewDeliveryChannel>;

export interface DeliveryChannelsRepo {
  /** ConflictError when the name is taken. */
  create(input: NewDeliveryChannel): Promise<DeliveryChannelRecord>;
  get(id: string): Promise<DeliveryChannelRecord | undefined>;
  getByName(name: string): Promise<DeliveryChannelRecord | undefined>;
  /** By name. */
  list(): Promise<DeliveryChannelRecord[]>;
  update(id: string, patch: DeliveryChannelPatch): Promise<DeliveryChannelRecord | undefined>;
  delete(id: string): Promise<boolean>;
}

/** An article as digest selection sees it (enrichment results, source name, event, prior use). */
export interface DigestArticle {
  id: string;
  sourceId: string;
  sourceName: string;
  url: string;
  title: string;
  titleZh: string | null;
  summary: string | null;
  category: string | null;
  importance: number | null;
  cves: string[];
  eventId: string | null;
  duplicateOf: string | null;
  enrichState: string;
  enrichMode: string | null;
  publishedAt: number | null;
  fetchedAt: number;
  enrichedAt: number | null;
  /** Used in a digest dated before the date asked about (false when no date was given). */
  alreadyUsed: boolean;
}

export interface DigestCandidateQuery {
  /** Articles fetched, or enriched, at or after this instant... */
  since: number;
  /** ...and fetched before this one. */
  until: number;
  /** Never fetched before this instant (bounds re-enriched old articles). */
  notFetchedBefore?: number;
  /** Marks alreadyUsed against digests dated before this day. */
  date: string;
  /** Most rows, most important and newest first. Default 2000. */
  limit?: number;
}

/** The link of one article of an event (for an item's source links). */
export interface EventMemberLink {
  eventId: string;
  articleId: string;
  url: string;
  sourceName: string;
  publishedAt: number | null;
  fetchedAt: number;
}

/** Read-only view over sources/articles/digest_items for building digests. */
export interface DigestArticlesReadModel {
  /** Enriched articles (state done, or enriched offline) in the window. */
  candidates(query: DigestCandidateQuery): Promise<DigestArticle[]>;
  /** These articles whatever their enrichment state; missing ids are left out. */
  getByIds(ids: readonly string[], date?: string): Promise<DigestArticle[]>;
  /** Every article of these events, earliest first. */
  eventMembers(eventIds: readonly string[]): Promise<EventMemberLink[]>;
}
