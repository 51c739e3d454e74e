// Three real processes on PostgreSQL + Redis (BullMQ): one API + scheduler, two workers, started through the
// CLI. Live progress crosses processes, a cancel through the API stops a task on a worker, a SIGKILLed
// worker's task completes on the other worker, and a per-second schedule runs each fire time exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TERMINAL_STATUSES, type Execution } from '../../src/store/types.ts';
import { waitFor, waitForStatus } from '../../src/tasks/testing/wait.ts';
import {
  apiAddress,
  patchJson,
  postJson,
  prepareCluster,
  readEvents,
  startNewsdesk,
  type ClusterEnv,
  type NodeProcess,
} from './cluster-harness.ts';

const START_MS = 90_000; // three cold tsx processes on a busy 2-core machine
const MIN_FIRES = 30;
const TERMINAL = TERMINAL_STATUSES;

interface EnqueueReply {
  executionId: string;
  status: string;
}

describe('distributed cluster: 1 API + scheduler, 2 workers (bullmq)', () => {
  let cluster: ClusterEnv;
  let api: NodeProcess;
  let workers: NodeProcess[] = [];
  let base: string;
  let scheduleId: string;
  let scheduleCreatedAt: number;

  beforeAll(async () => {
    cluster = await prepareCluster({
      NEWSDESK_LEASE_MS: '2000', // short leases and BullMQ locks: a killed worker is noticed within seconds
      NEWSDESK_SHUTDOWN_GRACE_MS: '1000',
      NEWSDESK_SCHEDULER_REFRESH_MS: '1000',
    });
    api = startNewsdesk('api', ['serve', '--role', 'api'], { ...cluster.env, NEWSDESK_SCHEDULER: 'true' });
    workers = [1, 2].map((n) =>
      startNewsdesk(`worker${n}`, ['worker'], { ...cluster.env, NEWSDESK_CONCURRENCY: '4' }),
    );
    base = await apiAddress(api, START_MS);
    await Promise.all(workers.map((w) => w.waitForLog(/^newsdesk started \(role worker/, START_MS)));
    // The schedule fires from now on while the other scenarios run; its check comes last.
    const created = await postJson<{ id: string }>(`${base}/api/schedules`, {
      name: 'every-second',
      task: 'diagnostics.sleep',
      cron: '* * * * * *',
      payload: { ms: 0, steps: 1 },
    });
    expect(created.status).toBe(201);
    scheduleId = created.body.id;
    scheduleCreatedAt = Date.now();
  }, START_MS * 2);

  afterAll(async () => {
    await Promise.all([api, ...workers].filter(Boolean).map((p) => p.stop(5_000)));
    await cluster?.destroy();
  }, 60_000);

  async function run(payload: unknown): Promise<string> {
    const reply = await postJson<EnqueueReply>(`${base}/api/tasks/diagnostics.sleep/run`, { payload });
    expect(reply.status).toBe(202);
    return reply.body.executionId;
  }

  it('SSE on the API process shows progress of a task running on a worker process', async () => {
    const id = await run({ ms: 4000, steps: 20 });
    const event = await readEvents(
      `${base}/api/executions/${id}/events`,
      (e) => e.event === 'progress' && (e.data as { current: number }).current >= 1,
      20_000,
    );
    expect((event.data as { executionId: string }).executionId).toBe(id);
    const row = await waitForStatus(cluster.store, id, TERMINAL, 30_000);
    expect(row.status).toBe('succeeded');
    expect(workers.map((w) => w.pid)).toContain(row.pid);
  }, 60_000);

  it('a cancel through the API stops a task running on a worker', async () => {
    const id = await run({ ms: 120_000, steps: 1200 });
    const running = await waitFor(
      async () => {
        const row = await cluster.store.executions.get(id);
        return row?.status === 'running' && (row.progressCurrent ?? 0) >= 1 ? row : undefined;
      },
      30_000,
      'the long task to run',
    );
    expect(workers.map((w) => w.pid)).toContain(running.pid);
    const requestedAt = Date.now();
    const reply = await postJson<{ status: string; cancelRequested: boolean }>(
      `${base}/api/executions/${id}/cancel`,
      {},
    );
    expect(reply.status).toBeLessThan(300);
    const done = await waitForStatus(cluster.store, id, TERMINAL, 15_000);
    expect(done.status).toBe('cancelled');
    expect(done.error?.type).toBe('AbortError');
    // The worker aborted at once (pub/sub), not at the end of the task.
    expect(done.finishedAt! - requestedAt).toBeLessThan(10_000);
  }, 60_000);

  it('a worker killed with SIGKILL mid-task: the task completes on the other worker, the history shows the interrupted attempt', async () => {
    const id = await run({ ms: 6000, steps: 12 });
    const running = await waitFor(
      async () => {
        const row = await cluster.store.executions.get(id);
        return row?.status === 'running' && (row.progressCurrent ?? 0) >= 2 ? row : undefined;
      },
      30_000,
      'the task to be under way',
    );
    const victim = workers.find((w) => w.pid === running.pid)!;
    const survivor = workers.find((w) => w !== victim)!;
    expect(victim).toBeDefined();
    victim.child.kill('SIGKILL');
    expect(await victim.exited).toBeNull();

    const interrupted = await waitForStatus(cluster.store, id, TERMINAL, 30_000);
    expect(interrupted.status).toBe('failed');
    expect(interrupted.error?.type).toBe('interrupted');
    const retry = await waitFor(
      async () =>
        (await cluster.store.executions.list({ task: 'diagnostics.sleep' })).items.find(
          (e) => e.retryOf === id,
        ),
      30_000,
      'the retry of the interrupted attempt',
    );
    expect(retry.trigger).toBe('recovery');
    expect(retry.attempt).toBe(2);
    const finished = await waitForStatus(cluster.store, retry.id, TERMINAL, 40_000);
    expect(finished.status).toBe('succeeded');
    expect(finished.pid).toBe(survivor.pid);
    expect(finished.result).toEqual({ slept: 6000 });
  }, 120_000);

  it(
    `a per-second schedule runs each fire time exactly once (>= ${MIN_FIRES} fires)`,
    async () => {
      const fires = () => cluster.store.executions.list({ scheduleId, limit: 500 });
      await waitFor(
        async () => (await fires()).total >= MIN_FIRES + 2,
        (MIN_FIRES + 60) * 1000,
        `${MIN_FIRES} fires`,
      );
      const paused = await patchJson<{ enabled: boolean }>(`${base}/api/schedules/${scheduleId}`, {
        enabled: false,
      });
      expect(paused.body.enabled).toBe(false);
      // Let fires already queued finish.
      const all = await waitFor(
        async () => {
          const page = await fires();
          return page.items.every((e) => TERMINAL.includes(e.status)) ? page.items : undefined;
        },
        30_000,
        'queued fires to finish',
      );

      // A fire caught on the worker killed above is recorded as interrupted and retried (trigger recovery,
      // same fire time); every other fire succeeds at once.
      const fired = all.filter((e) => e.trigger === 'schedule');
      const times = fired.map((e) => e.scheduledFor!).sort((a, b) => a - b);
      expect(times.length).toBeGreaterThanOrEqual(MIN_FIRES);
      expect(new Set(times).size).toBe(times.length); // one execution per fire time
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBe(1000); // no fire missed
      expect(times[0]).toBeGreaterThanOrEqual(Math.floor(scheduleCreatedAt / 1000) * 1000 - 5000);
      const notSucceeded = all.filter((e) => e.status !== 'succeeded');
      expect(notSucceeded.filter((e) => e.error?.type !== 'interrupted').map(describeExecution)).toEqual([]);
      for (const e of notSucceeded) {
        const retried = all.find((r) => r.retryOf === e.id);
        expect(retried, describeExecution(e)).toMatchObject({
          status: 'succeeded',
          scheduledFor: e.scheduledFor,
        });
      }
      // Each successful run's handler ran once: one "slept" line per execution in the stored logs.
      for (const e of all.filter((x) => x.status === 'succeeded')) {
        const logs = await cluster.store.executions.listLogs(e.id);
        expect(logs.filter((l) => l.msg.startsWith('slept')).length).toBe(1);
      }
    },
    (MIN_FIRES + 120) * 1000,
  );

  it('the remaining processes shut down cleanly on SIGTERM and nothing stays running', async () => {
    const codes = await Promise.all([api, ...workers].map((p) => p.stop(20_000)));
    const killed = workers.find((w) => codes[[api, ...workers].indexOf(w)] === null);
    expect(killed).toBeDefined(); // the SIGKILLed one
    expect(codes.filter((c) => c !== null)).toEqual([0, 0]);
    const counts = await cluster.store.executions.countByStatus(['running']);
    expect(counts.running ?? 0).toBe(0);
  }, 60_000);
});

function describeExecution(e: Execution): string {
  return `${e.id} ${e.status} ${e.error?.type ?? ''} ${e.error?.message ?? ''}`;
}
