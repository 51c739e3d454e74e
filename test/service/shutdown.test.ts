// Graceful shutdown of the real service process on SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.ts';
import { waitFor } from '../helpers/app.ts';
import { api, ensureDead, spawnService, type ServiceProcess } from '../helpers/service.ts';

describe('graceful shutdown (child process)', { timeout: 60_000 }, () => {
  let dir: string | undefined;
  let service: ServiceProcess | undefined;
  afterEach(() => {
    ensureDead(service);
    if (dir) rmSync(dir, { recursive: true, force: true });
    service = dir = undefined;
  });

  async function startLongTask(env: Record<string, string>, payload: unknown) {
    dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-shutdown-'));
    service = spawnService(dir, env);
    const base = await service.address;
    const run = await api(base, 'POST', '/api/tasks/diagnostics.sleep/run', { payload });
    expect(run.status).toBe(202);
    const id: string = run.body.executionId;
    await waitFor(
      async () => (await api(base, 'GET', `/api/executions/${id}`)).body.status === 'running',
      10_000,
    );
    return id;
  }

  async function readExecutions(task: string) {
    const store = await openStore({ kind: 'sqlite', file: path.join(dir!, 'newsdesk.db') });
    try {
      return (await store.executions.list({ task, limit: 10 })).items;
    } finally {
      await store.close();
    }
  }

  it('SIGTERM lets a running task finish within the grace period, then exits 0', async () => {
    const id = await startLongTask({ NEWSDESK_SHUTDOWN_GRACE_MS: '15000' }, { ms: 1500, steps: 15 });
    service!.child.kill('SIGTERM');
    expect(await service!.exited).toBe(0);
    const [e] = (await readExecutions('diagnostics.sleep')).filter((x) => x.id === id);
    expect(e).toMatchObject({ status: 'succeeded', result: { slept: 1500 } });
    const messages = service!.logs.map((l) => l.msg);
    expect(messages).toContain('SIGTERM: shutting down');
    expect(messages.indexOf('newsdesk stopped')).toBeGreaterThan(messages.indexOf('SIGTERM: shutting down'));
  });

  it('a task still running when the grace period ends is aborted and recorded as interrupted', async () => {
    const id = await startLongTask({ NEWSDESK_SHUTDOWN_GRACE_MS: '300' }, { ms: 60_000, steps: 600 });
    const sent = Date.now();
    service!.child.kill('SIGTERM');
    expect(await service!.exited).toBe(0);
    expect(Date.now() - sent).toBeLessThan(10_000);
    const all = await readExecutions('diagnostics.sleep');
    const e = all.find((x) => x.id === id)!;
    expect(e.status).toBe('failed');
    expect(e.error).toMatchObject({ type: 'interrupted' });
    expect(e.error!.message).toContain('shutdown');
    // Attempts remain, so the next start picks it up again.
    expect(all.find((x) => x.retryOf === id)).toMatchObject({ status: 'queued', attempt: 2 });
    expect(all.some((x) => x.status === 'running')).toBe(false);
  });
});
