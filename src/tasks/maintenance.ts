// maintenance.cleanup: retention for executions and their logs, plus cleanup steps other capabilities add
// (cached LLM results, rendered files, raw pages). Each step's outcome is reported in the result.
import { z } from 'zod';
import type { Logger } from 'pino';
import type { Store } from '../store/store.ts';
import { defineTask } from './registry.ts';
import type { ScheduleInput, TaskDefinition } from './types.ts';

export interface CleanupStep {
  name: string;
  run(args: {
    now: number;
    retentionDays: number;
    signal: AbortSignal;
    log: Logger;
  }): Promise<{ deleted: number; detail?: string }>;
}

export class CleanupSteps {
  private readonly steps: CleanupStep[] = [];
  add(step: CleanupStep): void {
    this.steps.push(step);
  }
  list(): readonly CleanupStep[] {
    return this.steps;
  }
}

const DAY = 86_400_000;

export function maintenanceCleanupTask(deps: {
  store: Store;
  steps: CleanupSteps;
  retentionDays: number;
  now?: () => number;
}): TaskDefinition<{ retentionDays?: number }> {
  return defineTask({
    name: 'maintenance.cleanup',
    description: 'Delete executions and logs past retention, then run the registered cleanup steps.',
    payload: z.object({ retentionDays: z.number().int().min(1).max(3650).optional() }).strict(),
    timeoutMs: 30 * 60_000,
    overlap: 'skip',
    async handler(payload, ctx) {
      const now = (deps.now ?? Date.now)();
      const retentionDays = payload.retentionDays ?? deps.retentionDays;
      const steps = [
        {
          name: 'executions',
          run: async () => ({
            deleted: await deps.store.executions.deleteFinishedBefore(now - retentionDays * DAY),
          }),
        },
        ...deps.steps.list(),
      ];
      const results: Array<{ step: string; deleted?: number; detail?: string; error?: string }> = [];
      for (const [i, step] of steps.entries()) {
        ctx.signal.throwIfAborted();
        ctx.progress(i, steps.length, step.name);
        try {
          const r = await step.run({ now, retentionDays, signal: ctx.signal, log: ctx.log });
          results.push({ step: step.name, ...r });
          ctx.count({ processed: 1, success: 1 });
          ctx.log.info({ step: step.name, deleted: r.deleted }, `cleanup ${step.name}: ${r.deleted} deleted`);
        } catch (err) {
          results.push({ step: step.name, error: (err as Error).message });
          ctx.count({ processed: 1, failed: 1 });
          ctx.log.error({ err, step: step.name }, `cleanup ${step.name} failed`);
        }
      }
      ctx.progress(steps.length, steps.length, 'done');
      const failed = results.filter((r) => r.error);
      if (failed.length)
        throw new Error(`cleanup steps failed: ${failed.map((f) => `${f.step}: ${f.error}`).join('; ')}`);
      return { retentionDays, steps: results };
    },
  });
}

export const maintenanceDefaultSchedule: ScheduleInput = {
  name: 'maintenance.cleanup',
  task: 'maintenance.cleanup',
  cron: '0 2 * * *',
  description: 'Daily retention cleanup',
};
