// diagnostics.*: tasks for checking the engine end to end (and for benchmarks): a no-op and a sleeper
// that reports progress, honours its signal, and can be told to fail.
import { z } from 'zod';
import { PermanentFailure } from '../errors.ts';
import { defineTask } from './registry.ts';

export const noopTask = defineTask({
  name: 'diagnostics.noop',
  description: 'Does nothing; measures engine overhead.',
  payload: z.object({ n: z.number().optional() }).passthrough(),
  overlap: 'allow',
  concurrency: 64,
  async handler() {
    return { ok: true };
  },
});

export const sleepTask = defineTask({
  name: 'diagnostics.sleep',
  description: 'Sleeps in steps with progress; for checking progress, cancel, timeout and recovery.',
  payload: z
    .object({
      ms: z.number().int().min(0).max(3_600_000).default(1000),
      steps: z.number().int().min(1).max(10_000).default(10),
      fail: z.enum(['never', 'always', 'permanent', 'first']).default('never'),
      ignoreSignal: z.boolean().default(false),
    })
    .strict(),
  overlap: 'allow',
  concurrency: 8,
  retry: { attempts: 3, backoffMs: 200, factor: 2, jitter: 0 },
  async handler(p, ctx) {
    const stepMs = p.ms / p.steps;
    for (let i = 0; i < p.steps; i++) {
      if (!p.ignoreSignal) ctx.signal.throwIfAborted();
      await new Promise((r) => setTimeout(r, stepMs));
      ctx.progress(i + 1, p.steps, `step ${i + 1}/${p.steps}`);
      ctx.count({ processed: 1, success: 1 });
    }
    if (!p.ignoreSignal) ctx.signal.throwIfAborted();
    if (p.fail === 'always' || (p.fail === 'first' && ctx.attempt === 1))
      throw new Error(`failing on attempt ${ctx.attempt} as asked`);
    if (p.fail === 'permanent') throw new PermanentFailure('failing permanently as asked');
    ctx.log.info(`slept ${p.ms} ms in ${p.steps} steps`);
    return { slept: p.ms };
  },
});
