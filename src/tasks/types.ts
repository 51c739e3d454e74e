// The task engine's contract: task definitions, handler context, and the engine port both engines implement.
import type { z } from 'zod';
import type { Logger } from 'pino';
import type { Counters, Execution, Schedule, Trigger } from '../store/types.ts';

export type OverlapPolicy = 'skip' | 'queue' | 'allow';

export interface RetryPolicy {
  /** Total attempts including the first. 1 means no retry. */
  attempts: number;
  /** Delay before the 2nd attempt; doubles (by `factor`) each time, capped at maxDelayMs, with jitter. */
  backoffMs: number;
  factor?: number;
  maxDelayMs?: number;
  /** 0..1: share of the delay that is randomised. */
  jitter?: number;
}

export interface TaskContext {
  executionId: string;
  task: string;
  attempt: number;
  trigger: Trigger;
  /** Aborted on timeout, cancel or shutdown; `signal.reason` says which. */
  signal: AbortSignal;
  /** A pino child; every line is also stored with the execution. */
  log: Logger;
  progress(current: number, total?: number | null, message?: string | null): void;
  /** Add to the counters (processed / success / failed). */
  count(delta: Partial<Counters>): void;
  /** Enqueue a follow-up task; it records this execution as its parent. */
  enqueue(
    task: string,
    payload?: unknown,
    opts?: Pick<EnqueueOptions, 'delayMs' | 'priority' | 'idempotencyKey'>,
  ): Promise<EnqueueResult>;
}

export interface TaskDefinition<P = any, R = unknown> {
  name: string;
  description?: string;
  payload: z.ZodType<P>;
  handler: (payload: P, ctx: TaskContext) => Promise<R>;
  /** Default 30 minutes. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** Parallel executions of this task per engine (per worker in distributed mode). Default 1. */
  concurrency?: number;
  /** What happens when this task is triggered while another execution of it is active. Default 'skip'. */
  overlap?: OverlapPolicy;
  /** Base priority; manual/API triggers add a boost so they go ahead of bulk work. */
  priority?: number;
}

export interface ResolvedTaskDefinition<P = any, R = unknown> extends TaskDefinition<P, R> {
  timeoutMs: number;
  retry: Required<RetryPolicy>;
  concurrency: number;
  overlap: OverlapPolicy;
  priority: number;
}

export interface EnqueueOptions {
  trigger: Trigger;
  triggeredBy?: string | null;
  priority?: number;
  delayMs?: number;
  scheduleId?: string | null;
  scheduledFor?: number | null;
  parentId?: string | null;
  retryOf?: string | null;
  attempt?: number;
  idempotencyKey?: string | null;
  /** Override the task's overlap policy for this trigger. */
  overlap?: OverlapPolicy;
  /** A reason recorded on the execution (e.g. a scheduler decision). */
  reason?: string | null;
}

export interface EnqueueResult {
  execution: Execution;
  /** True when an idempotency key matched an active execution, which is returned instead. */
  deduplicated?: boolean;
  /** True when the overlap policy recorded this trigger as skipped. */
  skipped?: boolean;
}

export type ExecutionEvent =
  | { type: 'status'; execution: Execution }
  | {
      type: 'progress';
      executionId: string;
      task: string;
      current: number | null;
      total: number | null;
      message: string | null;
      counters: Counters;
    }
  | { type: 'log'; executionId: string; ts: number; level: string; msg: string };

export type ExecutionEventListener = (event: ExecutionEvent) => void;

export interface SubscribeOptions {
  /**
   * Only events of executions this process created, ran or finished (distributed mode: not those relayed
   * from other processes). Per-process counters use it, so a cluster's sum counts each execution once.
   */
  localOnly?: boolean;
}

export interface EngineStats {
  running: number;
  queued: number;
  workers: number;
}

/** One interface, two implementations (embedded SQLite/PG job table; BullMQ). */
export interface TaskEngine {
  readonly kind: 'embedded' | 'bullmq';
  /** Begin running tasks (no-op for processes that only enqueue). */
  start(): Promise<void>;
  /** Stop taking work; let running tasks finish within graceMs, then abort and record them interrupted. */
  stop(graceMs?: number): Promise<void>;
  enqueue(task: string, payload: unknown, opts: EnqueueOptions): Promise<EnqueueResult>;
  cancel(executionId: string): Promise<Execution>;
  subscribe(listener: ExecutionEventListener, options?: SubscribeOptions): () => void;
  stats(): Promise<EngineStats>;
}

export interface TaskRegistry {
  register<P, R>(def: TaskDefinition<P, R>): ResolvedTaskDefinition<P, R>;
  get(name: string): ResolvedTaskDefinition | undefined;
  /** Like get, but throws NotFoundError for an unknown task. */
  require(name: string): ResolvedTaskDefinition;
  list(): ResolvedTaskDefinition[];
}

/** Input for creating a schedule through the API or CLI; validated by the ScheduleService. */
export interface ScheduleInput {
  name: string;
  task: string;
  cron: string;
  timezone?: string;
  enabled?: boolean;
  payload?: unknown;
  misfireGraceMs?: number;
  coalesce?: boolean;
  maxInstances?: number;
  description?: string | null;
}

export type SchedulePatchInput = Partial<Omit<ScheduleInput, 'task'>>;

/** Schedules as the API sees them: validated edits that take effect on the next fire without a restart. */
export interface ScheduleService {
  list(): Promise<Schedule[]>;
  get(id: string): Promise<Schedule>;
  create(input: ScheduleInput): Promise<Schedule>;
  update(id: string, patch: SchedulePatchInput): Promise<Schedule>;
  delete(id: string): Promise<void>;
  /** Next `count` fire times of a stored schedule (epoch ms). */
  nextRuns(id: string, count: number): Promise<number[]>;
  /** Validate and preview a cron expression without storing it; throws ValidationError with a clear message. */
  preview(cron: string, timezone: string | undefined, count: number): number[];
  runNow(id: string, triggeredBy?: string | null): Promise<EnqueueResult>;
}

export interface SchedulerStats {
  /** Lateness of recent fires in ms (actual fire time minus planned time). */
  recentLagMs: number[];
  firesTotal: number;
  isLeader: boolean;
}
