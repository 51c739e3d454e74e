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
