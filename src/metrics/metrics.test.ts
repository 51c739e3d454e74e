// Execution counters count what this process finished: in a cluster, an API process also receives the
// workers' events (for SSE) but must not count them, or the sum over processes counts each execution twice.
import { describe, expect, it } from 'vitest';
import type { AppContext } from '../app-context.ts';
import { newExecutionRow, toExecution } from '../store/repos/execution-rows.ts';
import type { Execution } from '../store/types.ts';
import { BridgedEventBus } from '../tasks/engines/bullmq/cluster-bus.ts';
import type { TaskEngine } from '../tasks/types.ts';
import { createMetrics } from './metrics.ts';

function finished(id: string): Execution {
  const row = newExecutionRow({ task: 'diagnostics.noop', payload: {}, trigger: 'api', maxAttempts: 1 });
  return { ...toExecution(row), id, status: 'succeeded', durationMs: 12 };
}

describe('execution metrics', () => {
  it('count executions finished here, not those relayed from other processes', async () => {
    const bus = new BridgedEventBus();
    const engine = {
      kind: 'bullmq',
      subscribe: (listener, options) => bus.subscribe(listener, options),
      stats: async () => ({ running: 0, queued: 0, workers: 2 }),
    } as Partial<TaskEngine> as TaskEngine;
    const ctx = {
      engine,
      schedulerStats: () => ({ recentLagMs: [], firesTotal: 0, isLeader: false }),
    } as Partial<AppContext> as AppContext;
    const metrics = createMetrics(ctx, { processMetrics: false });
    try {
      bus.emit({ type: 'status', execution: finished('here') });
      bus.deliverRemote({ type: 'status', execution: finished('on-a-worker') });
      bus.deliverRemote({ type: 'status', execution: finished('on-another-worker') });
      const text = await metrics.render();
      expect(text).toContain('newsdesk_executions_total{task="diagnostics.noop",status="succeeded"} 1');
      expect(text).toMatch(
        /newsdesk_execution_duration_seconds_count\{task="diagnostics.noop",status="succeeded"\} 1\n/,
      );
    } finally {
      metrics.stop();
    }
  });
});
