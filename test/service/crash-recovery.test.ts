// The crash test: SIGKILL the service in the middle of a long task, start it again on the same database,
// and see the interrupted execution marked failed (type interrupted), retried, and nothing left running.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers/app.ts';
import { api, ensureDead, spawnService, type ServiceProcess } from '../helpers/service.ts';

describe('crash recovery (child process, SIGKILL)', { timeout: 120_000 }, () => {
  let dir: string | undefined;
  const services: ServiceProcess[] = [];
  afterEach(() => {
    for (const s of services) ensureDead(s);
    services.length = 0;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('marks the killed execution interrupted, retries it with trigger recovery, leaves nothing running', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-crash-'));
    const env = { NEWSDESK_LEASE_MS: '2000' };

    const first = spawnService(dir, env);
    services.push(first);
    const base1 = await first.address;
    const run = await api(base1, 'POST', '/api/tasks/diagnostics.sleep/run', {
      payload: { ms: 3000, steps: 30 },
    });
    const id: string = run.body.executionId;
    await waitFor(
      async () => ((await api(base1, 'GET', `/api/executions/${id}`)).body.progress.current ?? 0) >= 3,
      15_000,
    );
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = spawnService(dir, env);
    services.push(second);
    const base2 = await second.address;

    const interrupted = await waitFor(async () => {
      const e = (await api(base2, 'GET', `/api/executions/${id}`)).body;
      return e.status === 'failed' ? e : undefined;
    }, 15_000);
    expect(interrupted.error.type).toBe('interrupted');
    expect(interrupted.error.message).toContain('lease expired');
    expect(interrupted.progress.current).toBeGreaterThanOrEqual(3);

    const retry = await waitFor(async () => {
      const list = (await api(base2, 'GET', '/api/executions?trigger=recovery')).body;
      const r = list.items.find((x: { retryOf: string }) => x.retryOf === id);
      return r?.status === 'succeeded' ? r : undefined;
    }, 20_000);
    expect(retry).toMatchObject({
      task: 'diagnostics.sleep',
      attempt: 2,
      trigger: 'recovery',
      result: { slept: 3000 },
    });
    expect(retry.pid).toBe(second.child.pid);

    const active = (await api(base2, 'GET', '/api/executions?status=running,queued')).body;
    expect(active.total).toBe(0);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
