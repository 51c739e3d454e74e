// Prometheus metrics of one app, on a registry of its own (no global default registry: tests build many apps).
// Execution outcomes are counted from engine events; queue depth and scheduler lag are read at scrape time.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AppContext } from '../app-context.ts';
import { TERMINAL_STATUSES } from '../store/types.ts';

export interface Metrics {
  readonly registry: Registry;
  /** Prometheus text exposition of every metric. */
  render(): Promise<string>;
  readonly contentType: string;
  stop(): void;
}

export interface MetricsOptions {
  /** Process metrics (CPU, memory, event loop, GC). Default true. */
  processMetrics?: boolean;
}

const DURATION_BUCKETS = [0.005, 0.025, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600];

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i];
}

export function createMetrics(ctx: AppContext, opts: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  if (opts.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const executions = new Counter({
    name: 'newsdesk_executions_total',
    help: 'Executions finished by this process, by task and final status (sum over processes for a cluster).',
    labelNames: ['task', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'newsdesk_execution_duration_seconds',
    help: 'Run time (start to finish) of executions finished by this process, by task and final status.',
    labelNames: ['task', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  new Gauge({
    name: 'newsdesk_queue_depth',
    help: 'Executions waiting or running, by status (all processes sharing the store).',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const stats = await ctx.engine.stats();
      this.set({ status: 'queued' }, stats.queued);
      this.set({ status: 'running' }, stats.running);
    },
  });
  new Gauge({
    name: 'newsdesk_executions_running',
    help: 'Executions running now.',
    registers: [registry],
    async collect() {
      this.set((await ctx.engine.stats()).running);
    },
  });
  new Gauge({
    name: 'newsdesk_workers',
    help: 'Worker processes taking tasks: this one in embedded mode (0 for API or scheduler only); all live workers of the cluster with bullmq.',
    registers: [registry],
    async collect() {
      this.set((await ctx.engine.stats()).workers);
    },
  });
  new Gauge({
    name: 'newsdesk_scheduler_lag_seconds',
    help: 'Lateness of recent schedule fires (fire time minus planned time), by quantile.',
    labelNames: ['quantile'] as const,
    registers: [registry],
    collect() {
      const lag = [...ctx.schedulerStats().recentLagMs].sort((a, b) => a - b);
      this.set({ quantile: '0.5' }, quantile(lag, 0.5) / 1000);
      this.set({ quantile: '0.99' }, quantile(lag, 0.99) / 1000);
      this.set({ quantile: '1' }, (lag.at(-1) ?? 0) / 1000);
    },
  });
  let firesSeen = 0;
  new Counter({
    name: 'newsdesk_scheduler_fires_total',
    help: 'Schedule fires by this process.',
    registers: [registry],
    collect() {
      const total = ctx.schedulerStats().firesTotal;
      if (total > firesSeen) this.inc(total - firesSeen);
      firesSeen = Math.max(firesSeen, total);
    },
  });
  new Gauge({
    name: 'newsdesk_scheduler_leader',
    help: '1 when this process holds the scheduler lock and fires schedules.',
    registers: [registry],
    collect() {
      this.set(ctx.schedulerStats().isLeader ? 1 : 0);
    },
  });

  // Local events only: in a cluster each execution is counted by the process that finished it, so the sum
  // over processes counts it once (API processes also see the workers' events, for SSE).
  const unsubscribe = ctx.engine.subscribe(
    (event) => {
      if (event.type !== 'status') return;
      const e = event.execution;
      if (!TERMINAL_STATUSES.includes(e.status)) return;
      executions.inc({ task: e.task, status: e.status });
      if (e.durationMs != null) duration.observe({ task: e.task, status: e.status }, e.durationMs / 1000);
    },
    { localOnly: true },
  );

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    stop() {
      unsubscribe();
      registry.clear();
    },
  };
}
