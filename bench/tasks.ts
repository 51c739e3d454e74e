// npm run bench:tasks — the task engine against the system it replaces (one child process per task).
// Prints, in one run: trigger-to-running latency through the HTTP API and the engine API, no-op throughput
// with persisted executions, cron fire lateness over >= 60 fires of a per-second schedule, idle service RSS,
// and the baseline cost of spawning a process per task, with ratios. Figures vary on shared machines:
// quote medians of several runs.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { loadConfig } from '../src/config/config.ts';
import { buildHttpApp } from '../src/http/app.ts';
import { createApp, type App } from '../src/main.ts';
import { startNpmService } from './start-command.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const N_LATENCY = Number(args.get('latency') ?? 500);
const N_HTTP = Number(args.get('http') ?? 300);
const N_THROUGHPUT = Number(args.get('throughput') ?? 5000);
const CRON_FIRES = Number(args.get('fires') ?? 60);
const N_SPAWN = Number(args.get('spawns') ?? 50);

const TARGETS = { engineP50Ms: 2, throughputPerS: 2000, cronP99Ms: 50, idleRssMb: 150 };

function pct(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
const ms = (v: number) => `${v.toFixed(v < 10 ? 3 : 1)} ms`;
const now = () => performance.now();

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function engineLatency(app: App): Promise<number[]> {
  const samples: number[] = [];
  // Subscribe once; map execution id → resolver. The running event may precede enqueue()'s return.
  const started = new Map<string, number>();
  const waiters = new Map<string, (t: number) => void>();
  const off = app.engine.subscribe((e) => {
    if (e.type === 'status' && e.execution.status === 'running') {
      const t = now();
      const w = waiters.get(e.execution.id);
      if (w) w(t);
      else started.set(e.execution.id, t);
    }
  });
  for (let i = 0; i < N_LATENCY + 50; i++) {
    const t0 = now();
    const { execution } = await app.engine.enqueue('diagnostics.noop', { n: i }, { trigger: 'api' });
    const t1 = started.get(execution.id) ?? (await new Promise<number>((r) => waiters.set(execution.id, r)));
    waiters.delete(execution.id);
    started.delete(execution.id);
    if (i >= 50) samples.push(t1 - t0); // first 50 warm up
    await waitForIdle(app);
  }
  off();
  return samples;
}

async function waitForIdle(app: App): Promise<void> {
  const engine = app.engine as unknown as { runningCount?: number };
  while ((engine.runningCount ?? 0) > 0) await new Promise((r) => setImmediate(r));
}

async function httpLatency(app: App): Promise<number[]> {
  const http = buildHttpApp(app, { docs: false });
  await http.listen({ host: '127.0.0.1', port: 0 });
  const port = (http.server.address() as { port: number }).port;
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1, pipelining: 1 });
  const samples: number[] = [];
  const running = new Map<string, number>();
  const off = app.engine.subscribe((e) => {
    if (e.type === 'status' && e.execution.status === 'running') running.set(e.execution.id, now());
  });
  try {
    for (let i = 0; i < N_HTTP + 30; i++) {
      const t0 = now();
      const res = await pool.request({
        path: '/api/tasks/diagnostics.noop/run',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ payload: { n: i } }),
      });
      const { executionId } = (await res.body.json()) as { executionId: string };
      while (!running.has(executionId)) await new Promise((r) => setImmediate(r));
      if (i >= 30) samples.push(running.get(executionId)! - t0);
      running.delete(executionId);
      await waitForIdle(app);
    }
  } finally {
    off();
    await pool.close();
    await http.close();
  }
  return samples;
}

async function throughput(
  app: App,
): Promise<{ perSecond: number; seconds: number; persisted: number; perCpuSecond: number }> {
  let finished = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const off = app.engine.subscribe((e) => {
    if (
      e.type === 'status' &&
      e.execution.status === 'succeeded' &&
      e.execution.task === 'diagnostics.noop'
    ) {
      if (++finished === N_THROUGHPUT) resolveAll();
    }
  });
  const t0 = now();
  const startedAt = Date.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < N_THROUGHPUT; i++)
    await app.engine.enqueue('diagnostics.noop', { n: i }, { trigger: 'api', priority: 0 });
  await all;
  const seconds = (now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  // On a shared machine the wall-clock rate depends on what else runs; the rate per CPU-second less so.
  const perCpuSecond = N_THROUGHPUT / ((cpu.user + cpu.system) / 1e6);
  off();
  const persisted = (
    await app.store.executions.list({
      task: 'diagnostics.noop',
      status: 'succeeded',
      from: startedAt,
      limit: 1,
    })
  ).total;
  return { perSecond: N_THROUGHPUT / seconds, seconds, persisted, perCpuSecond };
}

async function cronLateness(app: App): Promise<{ endToEnd: number[]; schedulerLag: number[] }> {
  const endToEnd: number[] = [];
  const schedule = await app.schedules.create({
    name: 'bench.every-second',
    task: 'diagnostics.noop',
    cron: '* * * * * *',
    timezone: 'UTC',
  });
  const off = app.engine.subscribe((e) => {
    if (
      e.type === 'status' &&
      e.execution.status === 'running' &&
      e.execution.scheduleId === schedule.id &&
      e.execution.scheduledFor != null
    ) {
      endToEnd.push(Date.now() - e.execution.scheduledFor);
    }
  });
  const deadline = Date.now() + (CRON_FIRES + 15) * 1000;
  while (endToEnd.length < CRON_FIRES + 1 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 250));
  off();
  await app.schedules.update(schedule.id, { enabled: false });
  // The first fire can include start-up effects; report the steady state.
  return { endToEnd: endToEnd.slice(1), schedulerLag: app.schedulerStats().recentLagMs.slice(-CRON_FIRES) };
}

/**
 * RSS of the real service a few seconds after start, launched exactly as `npm start` launches it (the
 * script from package.json, with NEWSDESK_PORT=0); read from the service's own /metrics.
 */
async function idleServiceRss(dataDir: string): Promise<{ rssMb: number; startMs: number; command: string }> {
  const svc = await startNpmService(dataDir);
  const { command, startMs } = svc;
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const pool = new Pool(svc.url);
    const res = await pool.request({ path: '/metrics', method: 'GET' });
    const text = await res.body.text();
    await pool.close();
    const rss = Number(/^process_resident_memory_bytes (\d+)/m.exec(text)?.[1] ?? NaN);
    return { rssMb: rss / 1024 / 1024, startMs, command };
  } finally {
    await svc.stop();
  }
}

async function spawnBaseline(): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < N_SPAWN + 3; i++) {
    const t0 = now();
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
    if (i >= 3) samples.push(now() - t0);
  }
  return samples;
}

function verdict(ok: boolean): string {
  return ok ? 'ok' : 'MISSED';
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-'));
  log(
    `newsdesk bench:tasks — node ${process.version}, ${os.cpus().length} cpus, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  try {
    const idle = await idleServiceRss(path.join(dir, 'idle'));
    log(
      `idle service RSS: ${idle.rssMb.toFixed(1)} MB (\`${idle.command}\`, listening after ${ms(idle.startMs)})`,
    );

    const spawnMs = await spawnBaseline();
    log(
      `baseline, spawn one process per task (node -e ''), ${spawnMs.length} runs: p50 ${ms(pct(spawnMs, 0.5))}, p99 ${ms(pct(spawnMs, 0.99))}`,
    );

    const config = loadConfig({ NEWSDESK_DATA_DIR: path.join(dir, 'engine'), NEWSDESK_LOG_LEVEL: 'silent' });
    const app = await createApp(config, { seedSchedules: false });
    await app.start();
    try {
      const engine = await engineLatency(app);
      log(
        `engine API trigger→running, ${engine.length} runs: p50 ${ms(pct(engine, 0.5))}, p99 ${ms(pct(engine, 0.99))}`,
      );
      const httpSamples = await httpLatency(app);
      log(
        `HTTP API trigger→running, ${httpSamples.length} runs: p50 ${ms(pct(httpSamples, 0.5))}, p99 ${ms(pct(httpSamples, 0.99))}`,
      );
      const tp = await throughput(app);
      log(
        `throughput: ${N_THROUGHPUT} no-op executions in ${tp.seconds.toFixed(2)} s = ${tp.perSecond.toFixed(0)}/s (${tp.persisted} persisted as succeeded; ${tp.perCpuSecond.toFixed(0)} per CPU-second of this process)`,
      );
      log(`cron: waiting for ${CRON_FIRES + 1} fires of '* * * * * *' ...`);
      const cron = await cronLateness(app);
      log(
        `cron lateness scheduledFor→running, ${cron.endToEnd.length} fires: p50 ${ms(pct(cron.endToEnd, 0.5))}, p99 ${ms(pct(cron.endToEnd, 0.99))} (scheduler fire lag p50 ${ms(pct(cron.schedulerLag, 0.5))}, p99 ${ms(pct(cron.schedulerLag, 0.99))})`,
      );

      const spawnP50 = pct(spawnMs, 0.5);
      const engineP50 = pct(engine, 0.5);
      log('');
      log('summary');
      log(
        `  engine trigger→running p50  ${ms(engineP50).padEnd(12)} target <= ${TARGETS.engineP50Ms} ms   ${verdict(engineP50 <= TARGETS.engineP50Ms)}`,
      );
      log(
        `  no-op executions/s          ${tp.perSecond.toFixed(0).padEnd(12)} target >= ${TARGETS.throughputPerS}    ${verdict(tp.perSecond >= TARGETS.throughputPerS)}`,
      );
      log(
        `  cron lateness p99           ${ms(pct(cron.endToEnd, 0.99)).padEnd(12)} target <= ${TARGETS.cronP99Ms} ms  ${verdict(pct(cron.endToEnd, 0.99) <= TARGETS.cronP99Ms)}`,
      );
      log(
        `  idle service RSS            ${`${idle.rssMb.toFixed(1)} MB`.padEnd(12)} target <= ${TARGETS.idleRssMb} MB ${verdict(idle.rssMb <= TARGETS.idleRssMb)}`,
      );
      log(
        `  vs process per task: start ${(spawnP50 / engineP50).toFixed(0)}x faster (${ms(spawnP50)} vs ${ms(engineP50)}); ` +
          `throughput ${(tp.perSecond / (1000 / spawnP50)).toFixed(0)}x (${tp.perSecond.toFixed(0)}/s vs ${(1000 / spawnP50).toFixed(0)}/s sequential spawns)`,
      );
    } finally {
      await app.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
