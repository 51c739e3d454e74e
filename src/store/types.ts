// Domain records and repository ports. Services depend on these; only store/ implements them with SQL.
import type { SerializedError } from '../errors.ts';

export type Dialect = 'sqlite' | 'postgres';

export type ExecutionStatus =
  'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled' | 'timed_out' | 'skipped';
export const TERMINAL_STATUSES: readonly ExecutionStatus[] = [
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
  'skipped',
];
export const ACTIVE_STATUSES: readonly ExecutionStatus[] = ['queued', 'running'];

/** What started an execution; together with triggeredBy/scheduleId/parentId/retryOf it is the audit trail. */
export type Trigger = 'manual' | 'schedule' | 'api' | 'cli' | 'retry' | 'chain' | 'recovery';

export interface Counters {
  processed: number;
  success: number;
  failed: number;
}

export interface Execution {
  id: string;
  task: string;
  payload: unknown;
  trigger: Trigger;
  /** API caller, CLI user, or the schedule name; free text for the audit trail. */
  triggeredBy: string | null;
  status: ExecutionStatus;
  priority: number;
  attempt: number;
  maxAttempts: number;
  progressCurrent: number | null;
  progressTotal: number | null;
  progressMessage: string | null;
  counters: Counters;
  result: unknown;
  /** Set by list({ listed: true }) when `result` is the cut copy lists show (see listed-result.ts). */
  resultTruncated?: true;
  error: SerializedError | null;
  /** Why it was skipped, or a scheduler decision such as "coalesced 3 missed fires". */
  reason: string | null;
  scheduleId: string | null;
  scheduledFor: number | null;
  parentId: string | null;
  retryOf: string | null;
  idempotencyKey: string | null;
  host: string | null;
  pid: number | null;
  worker: string | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  cancelRequested: boolean;
  runAt: number;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  durationMs: number | null;
}

export interface NewExecution {
  task: string;
  payload: unknown;
  trigger: Trigger;
  triggeredBy?: string | null;
  status?: 'queued' | 'skipped';
  priority?: number;
  attempt?: number;
  maxAttempts: number;
  reason?: string | null;
  scheduleId?: string | null;
  scheduledFor?: number | null;
  parentId?: string | null;
  retryOf?: string | null;
  idempotencyKey?: string | null;
  runAt?: number;
  createdAt?: number;
  /** Set when the record is created already finished (skipped). */
  finishedAt?: number | null;
}

export interface ExecutionFilter {
  task?: string;
  status?: ExecutionStatus | ExecutionStatus[];
  trigger?: Trigger;
  scheduleId?: string;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
  /** Results as lists show them: the copy with long arrays cut, stored at finish, instead of the whole one. */
  listed?: boolean;
}

export interface ExecutionPage {
  items: Execution[];
  total: number;
}

export interface ExecutionFinish {
  status: 'succeeded' | 'failed' | 'cancelled' | 'timed_out';
  result?: unknown;
  error?: SerializedError | null;
  finishedAt: number;
}

export interface ProgressUpdate {
  progressCurrent?: number | null;
  progressTotal?: number | null;
  progressMessage?: string | null;
  counters?: Counters;
}

export interface ExecutionLogLine {
  id?: number;
  executionId: string;
  ts: number;
  level: string;
  msg: string;
  data?: unknown;
}

export interface TaskStatusStats {
  task: string;
  status: ExecutionStatus;
  count: number;
  avgDurationMs: number | null;
  maxDurationMs: number | null;
}

/** Result of an overlap-aware insert: either the new record, or the active one that blocked it. */
export type CreateOutcome =
  { created: Execution; blockedBy?: undefined } | { created?: undefined; blockedBy: Execution };

export interface ExecutionsRepo {
  create(input: NewExecution): Promise<Execution>;
  /** create for several executions in one statement (up to 200; all or none); results in input order. */
  createMany(inputs: NewExecution[]): Promise<Execution[]>;
  /**
   * Atomically insert unless an active (queued/running) execution of the same task exists.
   * Atomic across processes: the overlap check and the insert cannot race.
   */
  createUnlessActive(input: NewExecution): Promise<CreateOutcome>;
  /** Insert a schedule fire; returns null when that (scheduleId, scheduledFor) already exists (fired elsewhere). */
  createScheduledFire(input: NewExecution): Promise<Execution | null>;
  findActiveByIdempotencyKey(task: string, key: string): Promise<Execution | undefined>;
  get(id: string): Promise<Execution | undefined>;
  list(filter: ExecutionFilter): Promise<ExecutionPage>;
  /** Atomically move up to `limit` due queued executions to running under a lease. */
  claim(args: {
    owner: string;
    now: number;
    leaseMs: number;
    limit: number;
    excludeTasks: string[];
    host: string;
    pid: number;
  }): Promise<Execution[]>;
  /** Mark a specific queued execution running under a lease (distributed engine); undefined if not queued. */
  markRunning(
    id: string,
    args: { owner: string; now: number; leaseMs: number; host: string; pid: number; worker?: string },
  ): Promise<Execution | undefined>;
  /**
   * markRunning for several queued executions in one statement (the distributed engine batches claims
   * under load); returns those that were queued and are now running, in no particular order.
   */
  markRunningMany(
    ids: string[],
    args: { owner: string; now: number; leaseMs: number; host: string; pid: number; worker?: string },
  ): Promise<Execution[]>;
  /** Put claimed-but-not-started executions back in the queue (the claimer had no slot for them). */
  release(ids: string[], owner: string): Promise<void>;
  heartbeat(ids: string[], owner: string, leaseExpiresAt: number): Promise<void>;
  updateProgress(id: string, update: ProgressUpdate): Promise<void>;
  /** Finish a running execution; returns undefined if it was not running (already finished elsewhere). */
  finish(id: string, finish: ExecutionFinish): Promise<Execution | undefined>;
  /** finish for several running executions in one statement; returns those that were running, any order. */
  finishMany(items: Array<ExecutionFinish & { id: string }>): Promise<Execution[]>;
  /** Cancel a queued execution directly; flag a running one. Returns the updated record. */
  requestCancel(id: string, now: number): Promise<Execution | undefined>;
  /** Running executions whose lease expired before `now`. */
  listExpiredLeases(now: number): Promise<Execution[]>;
  countByStatus(statuses: ExecutionStatus[]): Promise<Record<string, number>>;
  stats(from: number): Promise<TaskStatusStats[]>;
  deleteFinishedBefore(cutoff: number): Promise<number>;
  appendLogs(lines: ExecutionLogLine[]): Promise<void>;
  listLogs(executionId: string, opts?: { afterId?: number; limit?: number }): Promise<ExecutionLogLine[]>;
}

export interface Schedule {
  id: string;
  name: string;
  task: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  payload: unknown;
  /** A missed fire older than this (ms) is skipped; within it, it still runs. */
  misfireGraceMs: number;
  /** After downtime, run missed fires once (true) or once per missed fire (false). */
  coalesce: boolean;
  maxInstances: number;
  description: string | null;
  nextRunAt: number | null;
  lastRunAt: number | null;
  lastExecutionId: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewSchedule {
  id?: string;
  name: string;
  task: string;
  cron: string;
  timezone: string;
  enabled?: boolean;
  payload?: unknown;
  misfireGraceMs?: number;
  coalesce?: boolean;
  maxInstances?: number;
  description?: string | null;
  nextRunAt?: number | null;
}

export type SchedulePatch = Partial<
  Pick<
    Schedule,
    | 'name'
    | 'cron'
    | 'timezone'
    | 'enabled'
    | 'payload'
    | 'misfireGraceMs'
    | 'coalesce'
    | 'maxInstances'
    | 'description'
    | 'nextRunAt'
    | 'lastRunAt'
    | 'lastExecutionId'
  >
>;

export interface SchedulesRepo {
  create(input: NewSchedule): Promise<Schedule>;
  get(id: string): Promise<Schedule | undefined>;
  getByName(name: string): Promise<Schedule | undefined>;
  list(): Promise<Schedule[]>;
  update(id: string, patch: SchedulePatch): Promise<Schedule | undefined>;
  delete(id: string): Promise<boolean>;
  /** Largest updatedAt, so a scheduler can notice edits made by another process cheaply. */
  lastChange(): Promise<number>;
}

/** Named leases with expiry, e.g. the scheduler leader lock in a cluster. */
export interface LocksRepo {
  tryAcquire(name: string, owner: string, ttlMs: number, now: number): Promise<boolean>;
  release(name: string, owner: string): Promise<void>;
}

/** Key/value of small JSON settings (e.g. runtime-edited categories, channels' non-secret options). */
export interface SettingsRepo {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}
