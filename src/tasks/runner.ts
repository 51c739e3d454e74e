// Runs one claimed execution: context, timeout, cancel, progress, stored logs, outcome and retry.
// Both engines call this, so an execution behaves the same in embedded and distributed mode.
import type { Logger } from 'pino';
import { isPermanentFailure, retryAfterMs, serializeError, type SerializedError } from '../errors.ts';
import type { CapturedLine, ExecutionLogCapture } from '../logger.ts';
import type { Store } from '../store/store.ts';
import type { Counters, Execution, ExecutionFinish, ExecutionLogLine } from '../store/types.ts';
import { abortKindOf, TaskAbortError, type AbortKind } from './abort.ts';
import { retryDelayMs } from './backoff.ts';
import type { ExecutionEventBus } from './event-bus.ts';
import { parsePayload } from './payload.ts';
import type { EnqueueOptions, EnqueueResult, TaskContext, TaskRegistry } from './types.ts';

export interface RunnerDeps {
  store: Store;
  registry: TaskRegistry;
  bus: ExecutionEventBus;
  logger: Logger;
  capture: ExecutionLogCapture;
  /** How long a handler that ignores its aborted signal keeps its slot. */
  abandonMs: number;
  enqueue(task: string, payload: unknown, opts: EnqueueOptions): Promise<EnqueueResult>;
  now?: () => number;
  random?: () => number;
  /** Minimum interval between persisted progress writes (events are emitted at once). */
  progressPersistMs?: number;
}

export interface RunningExecution {
  readonly execution: Execution;
  abort(kind: AbortKind, message?: string): void;
  /** Resolves once the slot is free: the outcome is recorded (or the handler was abandoned). */
  readonly done: Promise<Execution | undefined>;
}

export function startExecution(execution: Execution, deps: RunnerDeps): RunningExecution {
  const controller = new AbortController();
  const abort = (kind: AbortKind, message?: string) => {
    if (!controller.signal.aborted)
      controller.abort(new TaskAbortError(kind, message ?? defaultMessage(kind)));
  };
  const done = run(execution, deps, controller, abort);
  return { execution, abort, done };
}

function defaultMessage(kind: AbortKind): string {
  if (kind === 'timeout') return 'the task exceeded its timeout';
  if (kind === 'cancel') return 'cancelled on request';
  return 'interrupted by shutdown';
}

async function run(
  execution: Execution,
  deps: RunnerDeps,
  controller: AbortController,
  abort: (kind: AbortKind, message?: string) => void,
): Promise<Execution | undefined> {
  const def = deps.registry.get(execution.task);
  const log = deps.logger.child({
    executionId: execution.id,
    task: execution.task,
    attempt: execution.attempt,
  });
  const state = new ProgressState(execution, deps);
  deps.capture.attach(execution.id, (line) => state.addLog(line));
  let timer: NodeJS.Timeout | undefined;
  try {
    if (!def) {
      return await settle(execution, deps, state, {
        status: 'failed',
        error: {
          type: 'PermanentFailure',
          message: `unknown task ${execution.task}: not registered in this process`,
        },
      });
    }
    let payload: unknown;
    try {
      payload = parsePayload(def, execution.payload);
    } catch (err) {
      return await settle(execution, deps, state, { status: 'failed', error: serializeError(err) });
    }
    timer = setTimeout(() => abort('timeout', `timed out after ${def.timeoutMs} ms`), def.timeoutMs);
    const ctx: TaskContext = {
      executionId: execution.id,
      task: execution.task,
      attempt: execution.attempt,
      trigger: execution.trigger,
      signal: controller.signal,
      log,
      progress: (current, total, message) => state.progress(current, total, message),
      count: (delta) => state.count(delta),
      enqueue: (task, p, opts) =>
        deps.enqueue(task, p, {
          ...opts,
          trigger: 'chain',
          parentId: execution.id,
          triggeredBy: execution.task,
        }),
    };
    const outcome = await raceWithAbandon(def.handler(payload, ctx), controller.signal, deps.abandonMs);
    clearTimeout(timer);
    const kind = abortKindOf(controller.signal);
    if (outcome.ok && !kind) {
      return await settle(execution, deps, state, { status: 'succeeded', result: outcome.value ?? null });
    }
    if (kind) {
      const reason = controller.signal.reason as TaskAbortError;
      const error: SerializedError = {
        type: kind === 'shutdown' ? 'interrupted' : reason.name,
        message:
          reason.message + (outcome.abandoned ? ' (the handler ignored its signal and was abandoned)' : ''),
        ...(outcome.ok ? {} : { stack: serializeError(outcome.error).stack }),
      };
      if (kind === 'cancel') return await settle(execution, deps, state, { status: 'cancelled', error });
      const status = kind === 'timeout' ? 'timed_out' : 'failed';
      return await settle(
        execution,
        deps,
        state,
        { status, error },
        retryPlan(execution, def.retry, 0, deps),
      );
    }
    const err = outcome.ok ? new Error('unreachable: success without abort handled above') : outcome.error;
    const error = serializeError(err);
    if (isPermanentFailure(err)) return await settle(execution, deps, state, { status: 'failed', error });
    const explicit = retryAfterMs(err);
    return await settle(
      execution,
      deps,
      state,
      { status: 'failed', error },
      retryPlan(execution, def.retry, explicit, deps),
    );
  } catch (err) {
    // Recording the outcome itself failed (store down); the lease will expire and recovery will retry it.
    log.error({ err }, 'could not record execution outcome');
    return undefined;
  } finally {
    clearTimeout(timer);
    deps.capture.detach(execution.id);
  }
}

type Outcome =
  { ok: true; value: unknown; abandoned?: false } | { ok: false; error: unknown; abandoned?: boolean };

/** Await the handler, but once the signal aborts, wait at most `abandonMs` more. */
function raceWithAbandon(work: Promise<unknown>, signal: AbortSignal, abandonMs: number): Promise<Outcome> {
  const settled = work.then(
    (value): Outcome => ({ ok: true, value }),
    (error): Outcome => ({ ok: false, error }),
  );
  return new Promise<Outcome>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      timer = setTimeout(() => resolve({ ok: false, error: signal.reason, abandoned: true }), abandonMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    void settled.then((o) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(o);
    });
  });
}

interface RetryPlan {
  delayMs: number;
}

function retryPlan(
  execution: Execution,
  policy: { attempts: number; backoffMs: number; factor: number; maxDelayMs: number; jitter: number },
  explicitDelay: number | undefined,
  deps: RunnerDeps,
): RetryPlan | undefined {
  if (execution.attempt >= execution.maxAttempts) return undefined;
  return { delayMs: explicitDelay ?? retryDelayMs(policy, execution.attempt, deps.random) };
}

async function settle(
  execution: Execution,
  deps: RunnerDeps,
  state: ProgressState,
  finish: Omit<ExecutionFinish, 'finishedAt'>,
  retry?: RetryPlan,
): Promise<Execution | undefined> {
  const now = deps.now ?? Date.now;
  await state.flush(true);
  const finished = await deps.store.executions.finish(execution.id, { ...finish, finishedAt: now() });
  if (!finished) return undefined; // finished elsewhere (e.g. lease recovered by another process)
  deps.bus.emit({ type: 'status', execution: finished });
  if (retry) await scheduleRetry(finished, retry.delayMs, deps, 'retry');
  return finished;
}

export async function scheduleRetry(
  failed: Execution,
  delayMs: number,
  deps: Pick<RunnerDeps, 'enqueue'>,
  trigger: 'retry' | 'recovery',
): Promise<EnqueueResult> {
  return deps.enqueue(failed.task, failed.payload, {
    trigger,
    triggeredBy: failed.triggeredBy,
    retryOf: failed.id,
    parentId: failed.parentId,
    // The audit trail of a schedule fire: its retries name the fire they repeat.
    scheduleId: failed.scheduleId,
    scheduledFor: failed.scheduledFor ?? undefined,
    attempt: failed.attempt + 1,
    priority: failed.priority,
    delayMs,
    overlap: 'allow',
    reason: `attempt ${failed.attempt + 1} of ${failed.maxAttempts} after ${failed.error?.type ?? failed.status}`,
  });
}

/** Progress and counters: events at once, database writes throttled, logs batched. */
class ProgressState {
  private current: number | null;
  private total: number | null;
  private message: string | null;
  private readonly counters: Counters;
  private dirty = false;
  private lastPersist = 0;
  private logs: ExecutionLogLine[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private trailing: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly execution: Execution,
    private readonly deps: RunnerDeps,
  ) {
    this.current = execution.progressCurrent;
    this.total = execution.progressTotal;
    this.message = execution.progressMessage;
    this.counters = { ...execution.counters };
  }

  progress(current: number, total?: number | null, message?: string | null): void {
    this.current = current;
    if (total !== undefined) this.total = total;
    if (message !== undefined) this.message = message;
    this.changed();
  }

  count(delta: Partial<Counters>): void {
    this.counters.processed += delta.processed ?? 0;
    this.counters.success += delta.success ?? 0;
    this.counters.failed += delta.failed ?? 0;
    this.changed();
  }

  addLog(line: CapturedLine): void {
    if (this.closed) return;
    this.logs.push({
      executionId: line.executionId,
      ts: line.ts,
      level: line.level,
      msg: line.msg,
      data: line.data,
    });
    this.deps.bus.emit({
      type: 'log',
      executionId: line.executionId,
      ts: line.ts,
      level: line.level,
      msg: line.msg,
    });
    this.schedule();
  }

  private changed(): void {
    if (this.closed) return; // an abandoned handler still calling progress after its outcome was recorded
    this.dirty = true;
    this.deps.bus.emit({
      type: 'progress',
      executionId: this.execution.id,
      task: this.execution.task,
      current: this.current,
      total: this.total,
      message: this.message,
      counters: { ...this.counters },
    });
    this.schedule();
  }

  private schedule(): void {
    const interval = this.deps.progressPersistMs ?? 250;
    const wait = this.lastPersist + interval - Date.now();
    if (wait <= 0) void this.flush(false);
    else this.trailing ??= setTimeout(() => void this.flush(false), wait);
  }

  /** Persist pending progress and logs; `final` waits for any write in flight. */
  flush(final: boolean): Promise<void> {
    clearTimeout(this.trailing);
    this.trailing = undefined;
    if (this.closed) return this.flushing;
    if (final) this.closed = true;
    this.lastPersist = Date.now();
    this.flushing = this.flushing
      .then(() => this.write())
      .catch((err) => {
        this.deps.logger.warn({ err, executionId: this.execution.id }, 'could not persist progress');
      });
    return final ? this.flushing : Promise.resolve();
  }

  private async write(): Promise<void> {
    const logs = this.logs;
    this.logs = [];
    if (logs.length) await this.deps.store.executions.appendLogs(logs);
    if (!this.dirty) return;
    this.dirty = false;
    await this.deps.store.executions.updateProgress(this.execution.id, {
      progressCurrent: this.current,
      progressTotal: this.total,
      progressMessage: this.message,
      counters: { ...this.counters },
    });
  }
}
