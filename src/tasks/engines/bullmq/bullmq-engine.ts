// The distributed engine: BullMQ on Redis carries the jobs, PostgreSQL keeps the execution records (the
// source of truth, exactly as in embedded mode). A job is only a pointer to an execution: its id is the
// execution id. The shared runner executes it, so outcomes, retries and records are identical in both modes.
//
// Safety nets, in order: BullMQ's stalled-job check hands a dead worker's job to another worker, which
// records the old attempt as interrupted and queues the retry; the lease in the store (heartbeat + sweep)
// catches whatever BullMQ does not; a sweep re-adds queued executions whose job never reached Redis.
import os from 'node:os';
import { DelayedError, Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ConflictError, NotFoundError } from '../../../errors.ts';
import type { ExecutionLogCapture } from '../../../logger.ts';
import type { Store } from '../../../store/store.ts';
import type { Execution } from '../../../store/types.ts';
import { createExecution } from '../../enqueue.ts';
import { scheduleRetry, startExecution, type RunnerDeps, type RunningExecution } from '../../runner.ts';
import type {
  EngineStats,
  EnqueueOptions,
  EnqueueResult,
  ExecutionEventListener,
  SubscribeOptions,
  ResolvedTaskDefinition,
  TaskEngine,
  TaskRegistry,
} from '../../types.ts';
import { BridgedEventBus, ClusterBus } from './cluster-bus.ts';
import { jobOptionsFor, queueNameFor, type ExecutionJobData } from './job-options.ts';
import { closeRedisClient, createRedisClient } from './redis-connections.ts';
import { clusterKeys, DEFAULT_REDIS_PREFIX, type ClusterKeys } from './redis-keys.ts';
import { SlotGate } from './slot-gate.ts';
import { countLiveWorkers, WorkerPresence } from './worker-presence.ts';
import { ExecutionWriteBatcher, withExecutions, type CoalescerOptions } from './write-batcher.ts';

export interface BullmqEngineOptions {
  store: Store;
  registry: TaskRegistry;
  logger: Logger;
  capture: ExecutionLogCapture;
  /** redis://... */
  redisUrl: string;
  /** Prefix of every Redis key of this cluster (default 'newsdesk'). */
  prefix?: string;
  /** Cap on executions running at once in this process. */
  concurrency: number;
  /** Lease on a running execution in the store; also BullMQ's lock duration. */
  leaseMs: number;
  abandonMs: number;
  /** Run tasks in this process (false: enqueue, cancel and watch only, e.g. an API or scheduler process). */
  runTasks?: boolean;
  /** After the gate has room again, how long idle workers stay paused (saves churn when saturated). */
  resumeDelayMs?: number;
  /** Coalescing of record writes under load (default: batches of up to 64, 1 in flight). */
  writeBatching?: CoalescerOptions;
  /** Queued executions older than this and still queued are re-added to Redis by the sweep. */
  orphanAgeMs?: number;
  now?: () => number;
}

interface TaskWorker {
  worker: Worker<ExecutionJobData>;
  /** Jobs inside this worker's processor (running or waiting for a slot). */
  held: number;
  pausedByGate: boolean;
}

const RECENT_CANCEL_MS = 60_000;
const RECONCILE_PAGE = 500;
const RECONCILE_MAX = 5_000;

export class BullmqEngine implements TaskEngine {
  readonly kind = 'bullmq' as const;
  readonly bus = new BridgedEventBus();
  private readonly host = os.hostname();
  readonly owner = `${this.host}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  private readonly keys: ClusterKeys;
  private readonly deps: RunnerDeps;
  private readonly gate: SlotGate;
  /** Record writes of the hot path (create, claim, finish), coalesced under load. */
  private readonly writes: ExecutionWriteBatcher;
  private readonly store: Store;
  private readonly queues = new Map<string, Queue<ExecutionJobData>>();
  private readonly workers = new Map<string, TaskWorker>();
  private readonly running = new Map<string, RunningExecution>();
  /** Cancel requests seen for executions not (yet) running here: closes the gap between claim and launch. */
  private readonly recentCancels = new Map<string, number>();
  private readonly stopController = new AbortController();
  private producerClient: Redis | undefined;
  private consumer: Redis | undefined;
  private subscriber: Redis | undefined;
  private clusterBus: ClusterBus | undefined;
  private presence: WorkerPresence | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private resumeTimer: NodeJS.Timeout | undefined;
  private heartbeatCount = 0;
  private starting: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly opts: BullmqEngineOptions) {
    this.keys = clusterKeys(opts.prefix ?? DEFAULT_REDIS_PREFIX);
    this.gate = new SlotGate(opts.concurrency);
    this.gate.onChange = (full) => this.onGateChange(full);
    this.writes = new ExecutionWriteBatcher(opts.store.executions, opts.writeBatching);
    this.store = withExecutions(opts.store, this.writes.executions);
    this.deps = {
      store: this.store,
      registry: opts.registry,
      bus: this.bus,
      logger: opts.logger,
      capture: opts.capture,
      abandonMs: opts.abandonMs,
      now: opts.now,
      enqueue: (task, payload, o) => this.enqueue(task, payload, o),
    };
    this.bus.onLocalEvent = (event) => this.clusterBus?.publishEvent(event);
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private get log(): Logger {
    return this.opts.logger;
  }

  /** The commands client (queues, publish, small reads); opened on first use. */
  private get producer(): Redis {
    if (this.closed) throw new Error('bullmq engine is stopped');
    this.producerClient ??= createRedisClient(this.opts.redisUrl, 'producer', this.log);
    return this.producerClient;
  }

  start(): Promise<void> {
    if (this.stopping) return Promise.resolve();
    this.starting ??= this.open();
    return this.starting;
  }

  private async open(): Promise<void> {
    this.subscriber = createRedisClient(this.opts.redisUrl, 'subscriber', this.log);
    this.clusterBus = new ClusterBus({
      publisher: this.producer,
      subscriber: this.subscriber,
      eventsChannel: this.keys.events,
      cancelChannel: this.keys.cancel,
      logger: this.log,
      onRemoteEvent: (event) => this.bus.deliverRemote(event),
      onCancel: (id) => this.onCancelMessage(id),
    });
    await this.clusterBus.start();
    if (this.opts.runTasks === false) return;
    this.consumer = createRedisClient(this.opts.redisUrl, 'consumer', this.log);
    this.presence = new WorkerPresence(this.producer, this.keys.workers, this.owner, this.heartbeatMs() * 3);
    await this.presence.beat(this.now());
    await this.recoverExpiredLeases();
    this.ensureWorkers();
    await this.reconcile(true);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), this.heartbeatMs());
  }

  async enqueue(task: string, payload: unknown, opts: EnqueueOptions): Promise<EnqueueResult> {
    const result = await createExecution(this.store, this.opts.registry, task, payload, opts, this.now());
    if (result.deduplicated) return result;
    this.bus.emit({ type: 'status', execution: result.execution });
    if (result.execution.status === 'queued') await this.addJob(result.execution);
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
    if (updated.status === 'cancelled') {
      this.bus.emit({ type: 'status', execution: updated });
      await this.removeJob(updated);
    } else if (updated.status === 'running') {
      const local = this.running.get(executionId);
      if (local) local.abort('cancel');
      else {
        // The worker running it listens on the cancel channel; its heartbeat also reads the flag from the store.
        await this.clusterBus?.publishCancel(executionId).catch((err: Error) => {
          this.log.warn(
            { err: err.message, executionId },
            'bullmq engine: could not publish cancel; the worker sees it at its next heartbeat',
          );
        });
      }
    }
    return updated;
  }

  subscribe(listener: ExecutionEventListener, options?: SubscribeOptions): () => void {
    return this.bus.subscribe(listener, options);
  }

  async stats(): Promise<EngineStats> {
    const counts = await this.opts.store.executions.countByStatus(['queued', 'running']);
    let workers = 0;
    try {
      workers = await countLiveWorkers(this.producer, this.keys.workers, this.now());
    } catch (err) {
      this.log.warn({ err }, 'bullmq engine: could not count workers');
    }
    return { running: counts.running ?? 0, queued: counts.queued ?? 0, workers };
  }

  get runningCount(): number {
    return this.running.size;
  }

  /** Stop taking jobs; let running ones finish within graceMs; abort the rest (interrupted, retry queued); close. */
  stop(graceMs = 10_000): Promise<void> {
    this.stopping ??= this.shutdown(graceMs);
    return this.stopping;
  }

  private async shutdown(graceMs: number): Promise<void> {
    // A stop during start-up waits for it, so nothing it opens is left behind.
    await this.starting?.catch(() => undefined);
    this.stopController.abort(new Error('engine stopping'));
    clearTimeout(this.resumeTimer);
    const workers = [...this.workers.values()].map((w) => w.worker);
    await Promise.all(workers.map((w) => w.pause(true).catch(() => undefined)));
    const all = () => Promise.all([...this.running.values()].map((r) => r.done));
    if (this.running.size) {
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([all(), grace]);
      clearTimeout(timer);
      for (const r of this.running.values()) r.abort('shutdown');
      await all();
    }
    // Our processors have returned; BullMQ finishes their jobs, then the workers close.
    await Promise.all(
      workers.map((w) =>
        w
          .close()
          .catch((err: Error) => this.log.warn({ err: err.message }, 'bullmq engine: worker close failed')),
      ),
    );
    clearInterval(this.heartbeatTimer);
    await this.presence?.leave().catch(() => undefined);
    await this.clusterBus?.stop().catch(() => undefined);
    this.closed = true; // no new queues from here on
    await Promise.all([...this.queues.values()].map((q) => q.close().catch(() => undefined)));
    await Promise.all(
      [this.consumer, this.subscriber, this.producerClient].map((c) => (c ? closeRedisClient(c) : undefined)),
    );
  }

  // ---- jobs ---------------------------------------------------------------------------------------

  private queue(task: string): Queue<ExecutionJobData> {
    let queue = this.queues.get(task);
    if (!queue) {
      queue = new Queue<ExecutionJobData>(queueNameFor(task), {
        connection: this.producer,
        prefix: this.keys.bullPrefix,
      });
      queue.on('error', (err) => this.log.warn({ err: err.message, task }, 'bullmq engine: queue error'));
      this.queues.set(task, queue);
    }
    return queue;
  }

  /** Put an execution on its queue. A failure leaves the record queued; the sweep adds it later. */
  private async addJob(execution: Execution): Promise<void> {
    try {
      await this.queue(execution.task).add(
        execution.task,
        { executionId: execution.id },
        jobOptionsFor(execution, Date.now()),
      );
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message, executionId: execution.id },
        'bullmq engine: could not add job; it will be re-added by the sweep',
      );
    }
  }

  private async removeJob(execution: Execution): Promise<void> {
    try {
      await this.queue(execution.task).remove(execution.id);
    } catch {
      // Already taken by a worker: it finds the record cancelled and drops the job.
    }
  }

  /** One BullMQ worker per registered task (tasks registered later are picked up by the heartbeat). */
  private ensureWorkers(): void {
    if (this.stopping || !this.consumer) return;
    for (const def of this.opts.registry.list()) {
      if (this.workers.has(def.name)) continue;
      const worker = new Worker<ExecutionJobData>(
        queueNameFor(def.name),
        (job, token) => this.process(def.name, job, token),
        {
          connection: this.consumer,
          prefix: this.keys.bullPrefix,
          concurrency: Math.min(effectiveConcurrency(def), this.opts.concurrency),
          name: this.owner,
          lockDuration: this.opts.leaseMs,
          stalledInterval: Math.max(500, Math.floor(this.opts.leaseMs / 2)),
          maxStalledCount: 1,
        },
      );
      worker.on('error', (err) =>
        this.log.warn({ err: err.message, task: def.name }, 'bullmq engine: worker error'),
      );
      this.workers.set(def.name, { worker, held: 0, pausedByGate: false });
      void this.applyClusterLimit(def);
    }
  }

  /** 'skip' and 'queue' tasks never run twice at once anywhere in the cluster. */
  private async applyClusterLimit(def: ResolvedTaskDefinition): Promise<void> {
    try {
      const queue = this.queue(def.name);
      if (def.overlap === 'allow') await queue.removeGlobalConcurrency();
      else await queue.setGlobalConcurrency(1);
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message, task: def.name },
        'bullmq engine: could not set the cluster-wide limit',
      );
    }
  }

  /** The processor of every queue. Throws only DelayedError (the job goes back to the queue). */
  private async process(task: string, job: Job<ExecutionJobData>, token: string | undefined): Promise<void> {
    const entry = this.workers.get(task)!;
    entry.held++;
    try {
      if (this.stopController.signal.aborted) return await this.requeue(job, token, 0);
      if (!this.gate.tryAcquire()) {
        // A paused (idle) worker's pending fetch took this job while the process is full: hand it back so
        // it keeps its place by priority and another worker may take it.
        if (entry.worker.isPaused()) return await this.requeue(job, token, 0);
        try {
          await this.gate.acquire(this.stopController.signal);
        } catch {
          return await this.requeue(job, token, 0);
        }
      }
      try {
        await this.runJob(job, token);
      } finally {
        this.gate.release();
      }
    } finally {
      entry.held--;
    }
  }

  private async runJob(job: Job<ExecutionJobData>, token: string | undefined): Promise<void> {
    const id = job.data?.executionId ?? job.id!;
    let execution: Execution | undefined;
    try {
      execution = await this.writes.executions.markRunning(id, {
        owner: this.owner,
        now: this.now(),
        leaseMs: this.opts.leaseMs,
        host: this.host,
        pid: process.pid,
        worker: this.owner,
      });
      if (!execution) return await this.handleNotQueued(job, token, id);
    } catch (err) {
      if (err instanceof DelayedError) throw err;
      // The store is unreachable: keep the job and try again shortly.
      this.log.warn(
        { err: (err as Error).message, executionId: id },
        'bullmq engine: could not claim execution; retrying',
      );
      return await this.requeue(job, token, 1_000);
    }
    this.bus.emit({ type: 'status', execution });
    const run = startExecution(execution, this.deps);
    this.running.set(id, run);
    if (this.recentCancels.has(id)) run.abort('cancel');
    try {
      await run.done;
    } finally {
      this.running.delete(id);
    }
  }

  /**
   * The job's execution is not queued. Finished, cancelled or gone: nothing to do. Running: a worker died
   * and BullMQ's stalled check handed us its job; once the store lease has lapsed too, record the attempt as
   * interrupted and queue the retry. A lease still being renewed means its owner is alive (only its BullMQ
   * lock lapsed): look once more after the lease would have expired, then leave it to its owner.
   */
  private async handleNotQueued(
    job: Job<ExecutionJobData>,
    token: string | undefined,
    id: string,
  ): Promise<void> {
    const row = await this.opts.store.executions.get(id);
    if (!row || row.status !== 'running' || this.running.has(id)) return;
    const now = this.now();
    if (row.leaseExpiresAt != null && row.leaseExpiresAt > now) {
      const checks = (job.data as ExecutionJobData & { leaseChecks?: number }).leaseChecks ?? 0;
      if (checks >= 1) return;
      await job.updateData({ ...job.data, leaseChecks: checks + 1 } as ExecutionJobData);
      return await this.requeue(job, token, row.leaseExpiresAt - now + 250);
    }
    await this.recoverInterrupted(
      row,
      `its worker (${row.leaseOwner ?? 'unknown'}) stopped before it finished`,
    );
  }

  /** Back to the queue (delayed), keeping its priority; BullMQ then leaves the job alone. */
  private async requeue(
    job: Job<ExecutionJobData>,
    token: string | undefined,
    delayMs: number,
  ): Promise<never> {
    await job.moveToDelayed(Date.now() + Math.max(1, delayMs), token);
    throw new DelayedError();
  }

  /** Record an execution whose process died as interrupted, and queue its retry if attempts remain. */
  private async recoverInterrupted(row: Execution, why: string): Promise<boolean> {
    const finished = await this.writes.executions.finish(row.id, {
      status: 'failed',
      error: { type: 'interrupted', message: `lease expired: ${why}` },
      finishedAt: this.now(),
    });
    if (!finished) return false; // someone else recovered it first
    this.bus.emit({ type: 'status', execution: finished });
    if (finished.attempt < finished.maxAttempts) await scheduleRetry(finished, 0, this.deps, 'recovery');
    return true;
  }

  // ---- process-wide cap ------------------------------------------------------------------------------

  /**
   * When every slot is taken, idle workers pause so they stop fetching jobs this process could not run
   * (other processes' workers take them, in priority order). Busy workers keep going: the jobs they fetch
   * wait for a slot. Idle workers resume shortly after a slot frees, unless the gate fills again first.
   */
  private onGateChange(full: boolean): void {
    if (this.stopController.signal.aborted) return;
    if (full) {
      clearTimeout(this.resumeTimer);
      this.resumeTimer = undefined;
      for (const entry of this.workers.values()) {
        if (entry.held === 0 && !entry.pausedByGate && !entry.worker.isPaused()) {
          entry.pausedByGate = true;
          void entry.worker.pause(true).catch(() => undefined);
        }
      }
      return;
    }
    this.resumeTimer ??= setTimeout(() => {
      this.resumeTimer = undefined;
      if (this.gate.full || this.stopController.signal.aborted) return;
      for (const entry of this.workers.values()) {
        if (!entry.pausedByGate) continue;
        entry.pausedByGate = false;
        void entry.worker.resume();
      }
    }, this.opts.resumeDelayMs ?? 10);
  }

  // ---- cancel, heartbeat, recovery ----------------------------------------------------------------

  private onCancelMessage(executionId: string): void {
    const local = this.running.get(executionId);
    if (local) {
      local.abort('cancel');
      return;
    }
    const now = Date.now();
    this.recentCancels.set(executionId, now + RECENT_CANCEL_MS);
    for (const [id, until] of this.recentCancels) if (until < now) this.recentCancels.delete(id);
  }

  private heartbeatMs(): number {
    return Math.max(200, Math.floor(this.opts.leaseMs / 3));
  }

  /** Renew leases, notice cancels, show this worker alive; every third beat, sweep for lost work. */
  private async heartbeat(): Promise<void> {
    if (this.stopping && this.running.size === 0) return;
    try {
      const ids = [...this.running.keys()];
      if (ids.length) {
        await this.opts.store.executions.heartbeat(ids, this.owner, this.now() + this.opts.leaseMs);
        for (const id of ids) {
          const row = await this.opts.store.executions.get(id);
          if (row?.cancelRequested) this.running.get(id)?.abort('cancel');
        }
      }
      if (this.stopping) return;
      await this.presence?.beat(this.now());
      if (++this.heartbeatCount % 3 === 0) {
        this.ensureWorkers();
        await this.recoverExpiredLeases();
        await this.reconcile(false);
      }
    } catch (err) {
      this.log.warn({ err }, 'bullmq engine: heartbeat failed');
    }
  }

  /** Running executions whose lease expired belong to a dead process: interrupted, retried. */
  async recoverExpiredLeases(): Promise<number> {
    const expired = await this.opts.store.executions.listExpiredLeases(this.now());
    let recovered = 0;
    for (const row of expired) {
      if (this.running.has(row.id)) continue;
      if (
        await this.recoverInterrupted(
          row,
          `the process running it (${row.leaseOwner ?? 'unknown'}) stopped before it finished`,
        )
      ) {
        recovered++;
      }
    }
    if (recovered) this.log.warn({ recovered }, 'bullmq engine: recovered interrupted executions');
    return recovered;
  }

  /**
   * Queued executions whose job is missing from Redis (a crash between the insert and the add, a Redis
   * restart without persistence, records written directly) are added again; returns how many. Jobs are
   * looked up first, one pipelined round trip per page, so a long backlog costs no re-adds (and a re-add
   * racing a real one is a no-op: the job id is the execution id). At start every queued record is
   * checked; later, one process per interval checks those older than orphanAgeMs.
   */
  /** The executions of `items` that have no job in Redis. */
  private async withoutJob(items: Execution[]): Promise<Execution[]> {
    if (items.length === 0) return [];
    const pipeline = this.producer.pipeline();
    for (const e of items) pipeline.exists(this.queue(e.task).toKey(e.id));
    const replies = (await pipeline.exec()) ?? [];
    // A failed lookup counts as missing: a re-add of an existing job is harmless.
    return items.filter((_, i) => {
      const [err, found] = replies[i] ?? [new Error('no reply'), 0];
      return err !== null || found !== 1;
    });
  }

  async reconcile(all: boolean): Promise<number> {
    const now = this.now();
    if (!all) {
      const interval = this.heartbeatMs() * 3;
      const got = await this.producer.set(this.keys.reconcileLock, this.owner, 'PX', interval, 'NX');
      if (got !== 'OK') return 0;
    }
    let added = 0;
    for (let offset = 0; offset < RECONCILE_MAX; offset += RECONCILE_PAGE) {
      const page = await this.opts.store.executions.list({
        status: 'queued',
        limit: RECONCILE_PAGE,
        offset,
        ...(all ? {} : { to: now - (this.opts.orphanAgeMs ?? 10_000) }),
      });
      const missing = await this.withoutJob(page.items);
      await Promise.all(missing.map((e) => this.addJob(e)));
      added += missing.length;
      if (page.items.length < RECONCILE_PAGE) break;
    }
    return added;
  }
}

/** 'allow' runs up to the task's concurrency; 'skip'/'queue' never run two at once. */
function effectiveConcurrency(def: { overlap: string; concurrency: number }): number {
  return def.overlap === 'allow' ? def.concurrency : 1;
}
