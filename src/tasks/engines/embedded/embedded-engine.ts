// The default engine: the executions table is the job table; this process claims due rows under a lease,
// heartbeats them, and recovers rows whose lease expired (their process died).
import os from 'node:os';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError } from '../../../errors.ts';
import type { ExecutionLogCapture } from '../../../logger.ts';
import type { Store } from '../../../store/store.ts';
import type { Execution } from '../../../store/types.ts';
import { createExecution } from '../../enqueue.ts';
import { ExecutionEventBus } from '../../event-bus.ts';
import { scheduleRetry, startExecution, type RunningExecution, type RunnerDeps } from '../../runner.ts';
import type {
  EngineStats,
  EnqueueOptions,
  EnqueueResult,
  ExecutionEventListener,
  SubscribeOptions,
  TaskEngine,
  TaskRegistry,
} from '../../types.ts';

export interface EmbeddedEngineOptions {
  store: Store;
  registry: TaskRegistry;
  logger: Logger;
  capture: ExecutionLogCapture;
  /** Global cap on executions running at once in this process. */
  concurrency: number;
  leaseMs: number;
  abandonMs: number;
  /** Run tasks in this process (false: enqueue only, e.g. an API-only process). */
  runTasks?: boolean;
  /** Fallback polling for work enqueued by other processes and delayed retries. */
  pollMs?: number;
  bus?: ExecutionEventBus;
  now?: () => number;
}

export class EmbeddedEngine implements TaskEngine {
  readonly kind = 'embedded' as const;
  readonly bus: ExecutionEventBus;
  private readonly running = new Map<string, RunningExecution>();
  private readonly runningPerTask = new Map<string, number>();
  // Read once: os.hostname() is a system call, and fill() claims once per execution.
  private readonly host = os.hostname();
  private readonly owner = `${this.host}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly deps: RunnerDeps;
  private started = false;
  private stopping = false;
  private pumping = false;
  private pumpAgain = false;
  private pollTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: EmbeddedEngineOptions) {
    this.bus = opts.bus ?? new ExecutionEventBus();
    this.deps = {
      store: opts.store,
      registry: opts.registry,
      bus: this.bus,
      logger: opts.logger,
      capture: opts.capture,
      abandonMs: opts.abandonMs,
      now: opts.now,
      enqueue: (task, payload, o) => this.enqueue(task, payload, o),
    };
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  async start(): Promise<void> {
    if (this.started || this.opts.runTasks === false) return;
    this.started = true;
    await this.recoverExpiredLeases();
    const pollMs = this.opts.pollMs ?? 500;
    this.pollTimer = setInterval(() => this.pump(), pollMs);
    this.heartbeatTimer = setInterval(
      () => void this.heartbeat(),
      Math.max(200, Math.floor(this.opts.leaseMs / 3)),
    );
    this.pump();
  }

  async enqueue(task: string, payload: unknown, opts: EnqueueOptions): Promise<EnqueueResult> {
    const result = await createExecution(
      this.opts.store,
      this.opts.registry,
      task,
      payload,
      opts,
      this.now(),
    );
    if (!result.deduplicated) this.bus.emit({ type: 'status', execution: result.execution });
    if (result.execution.status === 'queued') this.pump();
    return result;
  }

  async cancel(executionId: string): Promise<Execution> {
    const current = await this.opts.store.executions.get(executionId);
    if (!current) throw new NotFoundError('execution', executionId);
    if (current.status !== 'queued' && current.status !== 'running') {
      throw new ConflictError(`execution ${executionId} is already ${current.status}`, {
        status: current.status,
      });
    }
    const updated = (await this.opts.store.executions.requestCancel(executionId, this.now())) ?? current;
    const local = this.running.get(executionId);
    if (local) local.abort('cancel');
    else if (updated.status === 'cancelled') this.bus.emit({ type: 'status', execution: updated });
    return updated;
  }

  subscribe(listener: ExecutionEventListener, options?: SubscribeOptions): () => void {
    return this.bus.subscribe(listener, options);
  }

  async stats(): Promise<EngineStats> {
    const counts = await this.opts.store.executions.countByStatus(['queued', 'running']);
    return { running: counts.running ?? 0, queued: counts.queued ?? 0, workers: this.started ? 1 : 0 };
  }

  /** Stop claiming; let running tasks finish within graceMs; then abort them (recorded as interrupted). */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    clearInterval(this.pollTimer);
    const all = () => Promise.all([...this.running.values()].map((r) => r.done));
    if (this.running.size) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([all(), grace]);
      clearTimeout(timer);
      for (const r of this.running.values()) r.abort('shutdown');
      await all();
    }
    clearInterval(this.heartbeatTimer);
    this.started = false;
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Claim and start as much due work as the limits allow. Re-entrant calls coalesce. */
  private pump(): void {
    if (!this.started || this.stopping) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    void this.fill()
      .catch((err) => this.opts.logger.error({ err }, 'engine: claiming work failed'))
      .finally(() => {
        this.pumping = false;
        if (this.pumpAgain) {
          this.pumpAgain = false;
          this.pump();
        }
      });
  }

  private async fill(): Promise<void> {
    while (!this.stopping && this.running.size < this.opts.concurrency) {
      const exclude = this.opts.registry
        .list()
        .filter((d) => this.taskRunning(d.name) >= effectiveConcurrency(d))
        .map((d) => d.name);
      // Claim a batch (one round trip for many executions); rows beyond a task's own limit go back.
      const claimed = await this.opts.store.executions.claim({
        owner: this.owner,
        now: this.now(),
        leaseMs: this.opts.leaseMs,
        limit: Math.min(this.opts.concurrency - this.running.size, CLAIM_BATCH),
        excludeTasks: exclude,
        host: this.host,
        pid: process.pid,
      });
      if (claimed.length === 0) return;
      const extra: string[] = [];
      for (const execution of claimed) {
        const def = this.opts.registry.get(execution.task);
        if (this.stopping || (def && this.taskRunning(def.name) >= effectiveConcurrency(def)))
          extra.push(execution.id);
        else this.launch(execution);
      }
      if (extra.length) await this.opts.store.executions.release(extra, this.owner);
    }
  }

  private taskRunning(task: string): number {
    return this.runningPerTask.get(task) ?? 0;
  }

  private launch(execution: Execution): void {
    this.bus.emit({ type: 'status', execution });
    const run = startExecution(execution, this.deps);
    this.running.set(execution.id, run);
    this.runningPerTask.set(execution.task, (this.runningPerTask.get(execution.task) ?? 0) + 1);
    void run.done.finally(() => {
      this.running.delete(execution.id);
      this.runningPerTask.set(execution.task, (this.runningPerTask.get(execution.task) ?? 1) - 1);
      this.pump();
    });
  }

  private heartbeatCount = 0;

  /** Renew leases, pick up cancels requested by other processes, and recover dead processes' work. */
  private async heartbeat(): Promise<void> {
    try {
      const ids = [...this.running.keys()];
      if (ids.length) {
        await this.opts.store.executions.heartbeat(ids, this.owner, this.now() + this.opts.leaseMs);
        for (const id of ids) {
          const row = await this.opts.store.executions.get(id);
          if (row?.cancelRequested) this.running.get(id)?.abort('cancel');
        }
      }
      if (++this.heartbeatCount % 3 === 0) await this.recoverExpiredLeases();
    } catch (err) {
      this.opts.logger.warn({ err }, 'engine: heartbeat failed');
    }
  }

  /** Executions whose lease expired belong to a process that died: record them interrupted and retry. */
  async recoverExpiredLeases(): Promise<number> {
    const expired = await this.opts.store.executions.listExpiredLeases(this.now());
    let recovered = 0;
    for (const row of expired) {
      if (this.running.has(row.id)) continue;
      const finished = await this.opts.store.executions.finish(row.id, {
        status: 'failed',
        error: {
          type: 'interrupted',
          message: `lease expired: the process running it (${row.leaseOwner ?? 'unknown'}) stopped before it finished`,
        },
        finishedAt: this.now(),
      });
      if (!finished) continue;
      recovered++;
      this.bus.emit({ type: 'status', execution: finished });
      if (finished.attempt < finished.maxAttempts) await scheduleRetry(finished, 0, this.deps, 'recovery');
    }
    if (recovered) this.opts.logger.warn({ recovered }, 'engine: recovered interrupted executions');
    return recovered;
  }
}

const CLAIM_BATCH = 32;

/** 'allow' runs up to the task's concurrency; 'skip'/'queue' never run two at once. */
function effectiveConcurrency(def: { overlap: string; concurrency: number }): number {
  return def.overlap === 'allow' ? def.concurrency : 1;
}
