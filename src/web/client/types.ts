// Shapes of the API's JSON as the pages use them (see /openapi.json for the full contract).
export type ExecutionStatus =
  'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'skipped';
export const EXECUTION_STATUSES: ExecutionStatus[] = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
  'skipped',
];
export const TERMINAL: ExecutionStatus[] = ['succeeded', 'failed', 'cancelled', 'timed_out', 'skipped'];
export const TRIGGERS = ['manual', 'schedule', 'api', 'cli', 'retry', 'chain', 'recovery'];

export interface Counters {
  processed: number;
  success: number;
  failed: number;
}

export interface Execution {
  id: string;
  task: string;
  payload: unknown;
  trigger: string;
  triggeredBy: string | null;
  status: ExecutionStatus;
  attempt: number;
  maxAttempts: number;
  progress: { current: number | null; total: number | null; message: string | null };
  counters: Counters;
  result: unknown;
  error: { type: string; message: string; stack?: string; code?: string } | null;
  reason: string | null;
  scheduleId: string | null;
  scheduledFor: string | null;
  parentId: string | null;
  retryOf: string | null;
  host: string | null;
  pid: number | null;
  worker: string | null;
  cancelRequested: boolean;
  runAt: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export interface ProgressEvent {
  executionId: string;
  task: string;
  current: number | null;
  total: number | null;
  message: string | null;
  counters?: Counters;
}

export interface LogLine {
  id?: number | null;
  executionId?: string;
  ts: string;
  level: string;
  msg: string;
  data?: unknown;
}

export interface Schedule {
  id: string;
  name: string;
  task: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  payload: unknown;
  misfireGraceMs: number;
  coalesce: boolean;
  maxInstances: number;
  description: string | null;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastExecutionId: string | null;
}

export interface TaskInfo {
  name: string;
  description: string | null;
  timeoutMs: number;
  concurrency: number;
  overlap: string;
  payloadSchema: unknown;
}

export interface StatsRow {
  task: string;
  status: ExecutionStatus;
  count: number;
  avgDurationMs: number | null;
  maxDurationMs: number | null;
}

export interface EnqueueResult {
  executionId: string;
  status: ExecutionStatus;
  deduplicated?: boolean;
  skipped?: boolean;
  reason?: string | null;
}

export type DigestStatus = 'draft' | 'checked' | 'delivered' | 'delivery_failed';

export interface DigestSummary {
  id: string;
  date: string;
  title: string;
  displayTitle: string;
  intro: string;
  status: DigestStatus;
  revision: number;
  itemCount: number;
  checkedAt: string | null;
  checkStale: boolean;
  deliveredAt: string | null;
  public: { enabled: boolean; path: string | null; url: string | null };
  outputs: { markdown: string; html: string; pdf: string };
  createdAt: string;
  updatedAt: string;
}

export interface RepeatFlag {
  reason: string;
  score: number;
  detail: string;
  confirmedByJudge: boolean;
  matchedDigestId: string;
  matchedDigestDate: string;
  matchedItemId: string;
  matchedArticleId: string;
  matchedTitle: string;
}

export interface DigestItem {
  id: string;
  articleId: string;
  eventId: string | null;
  category: string;
  section: string;
  title: string;
  summary: string;
  links: { url: string; source: string }[];
  order: number;
  repeat: RepeatFlag | null;
}

export interface ChannelDelivery {
  channel: string;
  channelType: string | null;
  ok: boolean;
  attempts: number;
  status: number | null;
  error: string | null;
  lastAt: string;
}

export interface Digest extends DigestSummary {
  items: DigestItem[];
  flags: number;
  delivery: ChannelDelivery[];
}

export interface DeliveryAttempt {
  id: string;
  executionId: string | null;
  channel: string;
  channelType: string | null;
  attempt: number;
  ok: boolean;
  status: number | null;
  response: string | null;
  error: { type: string; kind: string; code?: string; message: string; retryable: boolean } | null;
  nextRetryInMs: number | null;
  at: string;
  durationMs: number;
}

export interface Channel {
  id: string;
  name: string;
  type: string;
  enabled: boolean;
  description: string | null;
}

export type EnrichState = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface Article {
  id: string;
  sourceId: string;
  sourceName: string;
  url: string;
  canonicalUrl: string;
  title: string;
  titleZh: string | null;
  author: string | null;
  feedSummary: string | null;
  summary: string | null;
  summarySource: string | null;
  language: string | null;
  category: string | null;
  entities: { type: string; value: string }[];
  cves: string[];
  importance: number | null;
  publishedAt: string | null;
  fetchedAt: string;
  duplicateOf: string | null;
  eventId: string | null;
  enrichment: {
    state: EnrichState;
    mode: string | null;
    translation: string | null;
    attempts: number;
    errorCode: string | null;
    errorMessage: string | null;
    nextRetryAt: string | null;
    skipReason: string | null;
    enrichedAt: string | null;
  };
}

export interface UsageTotals {
  calls: number;
  failures: number;
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  costUsd: number;
}

export interface ArticleDetail extends Article {
  contentHtml: string | null;
  contentText: string | null;
  usage: {
    totals: UsageTotals;
    bySteps: Record<string, UsageTotals>;
    calls: {
      step: string;
      model: string;
      outcome: string;
      errorCode: string | null;
      promptTokens: number;
      completionTokens: number;
      costUsd: number | null;
      latencyMs: number;
      at: string;
    }[];
  } | null;
}

export interface ArticlePage {
  items: Article[];
  total: number;
  nextCursor: string | null;
  limit: number;
  since: string | null;
}

export interface Source {
  id: string;
  name: string;
  url: string;
  type: 'feed' | 'page' | 'browser';
  active: boolean;
  description: string | null;
  fetchIntervalMinutes: number | null;
  maxFetchDays: number;
  fullText: boolean;
  useFeedSummary: boolean;
  useDescriptionAsSummary: boolean;
  selectors: { list?: string; title?: string; content?: string } | null;
  headers: Record<string, string> | null;
  proxy: string | null;
  state: {
    lastFetchAt: string | null;
    lastSuccessAt: string | null;
    lastStatus: number | null;
    lastMessage: string | null;
    lastErrorCode: string | null;
    consecutiveFailures: number;
    failingSince: string | null;
    nextCheckAt: string | null;
    disabledReason: string | null;
    pendingRedirect: { url: string; count: number } | null;
    itemsFound: number;
    itemsNew: number;
    entriesPerWeek: number | null;
  };
  createdAt: string;
  updatedAt: string;
  articles?: number;
}

export interface CrawlRun {
  id: string;
  executionId: string | null;
  url: string;
  status: 'ok' | 'not_modified' | 'failed';
  httpStatus: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  itemsFound: number;
  itemsNew: number;
  outage: boolean;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  log: { ts: string; level: string; msg: string }[];
}

export interface NewsEvent {
  id: string;
  label: string;
  category: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  articleCount: number;
  sourceCount: number;
  cves: string[];
  sources: { id: string; name: string }[];
}

export interface NewsEventDetail extends NewsEvent {
  members: {
    articleId: string;
    title: string;
    originalTitle: string;
    url: string;
    source: { id: string; name: string };
    publishedAt: string | null;
    fetchedAt: string;
    nearDuplicateOf: string | null;
  }[];
}
