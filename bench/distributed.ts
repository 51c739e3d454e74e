// npm run bench:distributed — the task engine across processes, against bare BullMQ.
// Prints, in one run: no-op task throughput and trigger-to-running latency for
//   - the embedded engine (SQLite, one process: the default setup),
//   - raw BullMQ (a bare Queue + Worker, no newsdesk code) with 1 and 2 worker processes: the baseline,
//   - newsdesk on BullMQ (PostgreSQL records + Redis jobs) with 1 and 2 worker processes,
// and the ratio newsdesk/raw (target >= 70 %). Throughput: N no-op triggers issued with a bounded number in
// flight, timed from the first trigger until all have finished. Latency: triggers spaced out on an idle
// queue; trigger → the moment a worker starts it (newsdesk: startedAt of the record; BullMQ: processedOn).
// Then, when the crawler's tasks are registered: crawling 1,000 local sources (feeds on 127.0.0.1 that
// answer after a short delay) as crawl.source executions with 1 and with 2 worker processes.
// Everything shares this machine's cores (PostgreSQL, Redis, producer and workers): quote medians of runs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/config.ts';
import { createApp, type App } from '../src/main.ts';
import type { Store } from '../src/store/store.ts';
import { dropRedisPrefix, randomRedisPrefix, testRedisUrl } from '../src/tasks/engines/bullmq/testing.ts';
import type { TaskEngine } from '../src/tasks/types.ts';
import { prepareCluster } from '../test/distributed/cluster-harness.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const N = Number(args.get('n') ?? 2000);
const N_LATENCY = Number(args.get('latency') ?? 100);
const IN_FLIGHT = Number(args.get('inflight') ?? 32);
const CONCURRENCY = Number(args.get('concurrency') ?? 64);
const SOURCES = Number(args.get('sources') ?? 1000);
const FEED_HOSTS = 50; // distinct host:port pairs, so per-host politeness is not the limit
const FEED_DELAY_MS = 30; // what a remote server would take to answer
const TARGET_RATIO = 0.7;
const QUEUE = 'diagnostics.noop';

interface Result {
  name: string;
  perSecond: number;
  seconds: number;
  p50: number;
  p99: number;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function pct(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** Run `count` calls of fn with at most `inFlight` at once. */
async function pool(count: number, inFlight: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(inFlight, count) }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

// ---- worker processes ------------------------------------------------------------------------------

interface Child {
  proc: ChildProcess;
  stop(): Promise<void>;
}

async function startChild(script: string, argv: string[], env: Record<string, string>): Promise<Child> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('NEWSDESK_')),
  );
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...argv], {
    cwd: ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready\n')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
  return {
    proc,
    async stop() {
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// ---- embedded --------------------------------------------------------------------------------------

async function benchEmbedded(dir: string): Promise<Result> {
  const config = loadConfig({
    NEWSDESK_DATA_DIR: path.join(dir, 'embedded'),
    NEWSDESK_LOG_LEVEL: 'silent',
    NEWSDESK_CONCURRENCY: String(CONCURRENCY),
  });
  const app = await createApp(config, { seedSchedules: false });
  await app.start();
  try {
    return await benchNewsdesk('embedded engine (SQLite, 1 process)', app.engine, app.store);
  } finally {
    await app.stop();
  }
}

// ---- newsdesk on BullMQ --------------------------------------------------------------------------------

async function benchNewsdesk(name: string, engine: TaskEngine, store: Store): Promise<Result> {
  // Throughput.
  const t0 = performance.now();
  await pool(N, IN_FLIGHT, (i) => engine.enqueue(QUEUE, { n: i }, { trigger: 'api', priority: 0 }));
  for (;;) {
    const active = await store.executions.list({ task: QUEUE, status: ['queued', 'running'], limit: 1 });
    if (active.total === 0) break;
    await sleep(20);
  }
  const seconds = (performance.now() - t0) / 1000;
  const done = await store.executions.list({ task: QUEUE, status: 'succeeded', limit: 1 });
  if (done.total < N) throw new Error(`${name}: only ${done.total} of ${N} succeeded`);

  // Latency: spaced triggers on an idle queue; the record says when a worker started each.
  const triggered: Array<{ id: string; at: number }> = [];
  for (let i = 0; i < N_LATENCY + 20; i++) {
    const at = Date.now();
    const { execution } = await engine.enqueue(QUEUE, { n: i }, { trigger: 'api' });
    if (i >= 20) triggered.push({ id: execution.id, at });
    await sleep(15);
  }
  const samples: number[] = [];
  for (const t of triggered) {
    for (;;) {
      const row = await store.executions.get(t.id);
      if (row?.startedAt != null && row.status !== 'running') {
        samples.push(row.startedAt - t.at);
        break;
      }
      await sleep(20);
    }
  }
  return { name, perSecond: N / seconds, seconds, p50: pct(samples, 0.5), p99: pct(samples, 0.99) };
}

interface CrawlResult {
  workers: number;
  seconds: number;
  succeeded: number;
  /** Mean duration of one crawl.source execution, and how many ran at once on average. */
  meanMs: number;
  parallelism: number;
}

async function benchNewsdeskBullmq(): Promise<{ results: Result[]; crawl: CrawlResult[] | string }> {
  const cluster = await prepareCluster({
    NEWSDESK_LOG_LEVEL: 'error',
    NEWSDESK_CONCURRENCY: String(CONCURRENCY),
    // The crawl section's feeds live on this machine, on many ports.
    NEWSDESK_CRAWL_ALLOW_PRIVATE: '127.0.0.1',
    NEWSDESK_CRAWL_PER_HOST_DELAY_MS: '0',
  });
  const env = cluster.env;
  // The producer is an API process: this one (role api: enqueues, runs nothing).
  const app = await createApp(loadConfig(env), { role: 'api', seedSchedules: false });
  await app.start();
  const crawlable = app.registry.get('crawl.source') !== undefined;
  const feeds = crawlable ? await startFeedServers() : undefined;
  const workers: Child[] = [];
  const results: Result[] = [];
  const crawl: CrawlResult[] = [];
  try {
    const rounds = feeds
      ? await Promise.all([1, 2].map((round) => createSources(app.store, feeds.urls, round)))
      : [];
    for (const count of [1, 2]) {
      while (workers.length < count) workers.push(await startChild('bench/distributed-worker.ts', [], env));
      results.push(
        await benchNewsdesk(
          `newsdesk on BullMQ, ${count} worker process${count > 1 ? 'es' : ''}`,
          app.engine,
          app.store,
        ),
      );
      if (feeds) crawl.push(await crawlRound(app, rounds[count - 1], count));
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await app.stop();
    await feeds?.close();
    await cluster.destroy();
  }
  return {
    results,
    crawl: feeds ? crawl : 'not measured: no `crawl.source` task is registered in this build',
  };
}

// ---- crawling 1,000 local sources --------------------------------------------------------------------

/** Feed servers on 127.0.0.1: GET /r<round>/<n>.xml answers, after a short delay, an RSS feed of 2 items. */
async function startFeedServers(): Promise<{ urls: string[]; close(): Promise<void> }> {
  const servers = await Promise.all(
    Array.from({ length: FEED_HOSTS }, async () => {
      const server = http.createServer((req, res) => {
        const name = (req.url ?? '/').replace(/\.xml$/, '');
        const port = (server.address() as AddressInfo).port;
        const items = [1, 2]
          .map(
            (i) =>
              `<item><title>Story ${i} of ${name} on ${port}</title><link>http://127.0.0.1:${port}${name}/${i}</link>` +
              `<guid>${port}${name}/${i}</guid><description>Body of story ${i} of feed ${name}.</description>` +
              `<pubDate>${new Date().toUTCString()}</pubDate></item>`,
          )
          .join('');
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8' });
          res.end(
            `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ${name}</title><link>http://127.0.0.1:${port}/</link><description>bench</description>${items}</channel></rss>`,
          );
        }, FEED_DELAY_MS);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return server;
    }),
  );
  return {
    urls: servers.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`),
    close: async () => {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
    },
  };
}

async function createSources(store: Store, hosts: string[], round: number): Promise<string[]> {
  const ids: string[] = [];
  await pool(SOURCES, 16, async (i) => {
    const source = await store.sources.create({
      name: `bench r${round} #${i}`,
      url: `${hosts[i % hosts.length]}/r${round}/${i}.xml`,
      type: 'feed',
      fullText: false,
    });
    ids.push(source.id);
  });
  return ids;
}

/** One crawl.source execution per source, as fast as the workers take them; timed until all finished. */
async function crawlRound(app: App, sourceIds: string[], workers: number): Promise<CrawlResult> {
  const t0 = performance.now();
  const ids: string[] = [];
  await pool(sourceIds.length, IN_FLIGHT, async (i) => {
    const { execution } = await app.engine.enqueue(
      'crawl.source',
      { sourceId: sourceIds[i] },
      { trigger: 'api' },
    );
    ids.push(execution.id);
  });
  for (;;) {
    const active = await app.store.executions.list({
      task: 'crawl.source',
      status: ['queued', 'running'],
      limit: 1,
    });
    if (active.total === 0) break;
    await sleep(50);
  }
  const seconds = (performance.now() - t0) / 1000;
  let succeeded = 0;
  let busyMs = 0;
  for (const id of ids) {
    const row = await app.store.executions.get(id);
    if (row?.status === 'succeeded') succeeded++;
    busyMs += row?.durationMs ?? 0;
  }
  return { workers, seconds, succeeded, meanMs: busyMs / ids.length, parallelism: busyMs / 1000 / seconds };
}

// ---- raw BullMQ ----------------------------------------------------------------------------------------

async function benchRawBullmq(): Promise<Result[]> {
  const redisUrl = testRedisUrl();
  const prefix = randomRedisPrefix('bd-raw');
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QUEUE, { connection, prefix });
  const workers: Child[] = [];
  const results: Result[] = [];
  const pending = async () => {
    const c = await queue.getJobCounts('wait', 'active', 'delayed', 'prioritized');
    return c.wait + c.active + c.delayed + c.prioritized;
  };
  try {
    for (const count of [1, 2]) {
      while (workers.length < count) {
        workers.push(
          await startChild(
            'bench/distributed-raw-worker.ts',
            [redisUrl, prefix, QUEUE, String(CONCURRENCY)],
            {},
          ),
        );
      }
      const t0 = performance.now();
      await pool(N, IN_FLIGHT, (i) =>
        queue.add(QUEUE, { n: i }, { removeOnComplete: true, removeOnFail: true }),
      );
      while ((await pending()) > 0) await sleep(20);
      const seconds = (performance.now() - t0) / 1000;

      const triggered: Array<{ id: string; at: number }> = [];
      for (let i = 0; i < N_LATENCY + 20; i++) {
        const at = Date.now();
        const job = await queue.add(QUEUE, { n: i }, { removeOnComplete: false });
        if (i >= 20) triggered.push({ id: job.id!, at });
        await sleep(15);
      }
      while ((await pending()) > 0) await sleep(20);
      const samples: number[] = [];
      for (const t of triggered) {
        const job = await queue.getJob(t.id);
        samples.push(job!.processedOn! - t.at);
      }
      await queue.clean(0, 0, 'completed');
      const name = `raw BullMQ, ${count} worker process${count > 1 ? 'es' : ''}`;
      results.push({
        name,
        perSecond: N / seconds,
        seconds,
        p50: pct(samples, 0.5),
        p99: pct(samples, 0.99),
      });
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await queue.close();
    await connection.quit();
    await dropRedisPrefix(redisUrl, prefix);
  }
  return results;
}

// ---- main ------------------------------------------------------------------------------------------

function row(r: Result): string {
  return `  ${r.name.padEnd(44)} ${`${r.perSecond.toFixed(0)}/s`.padStart(8)}  (${N} in ${r.seconds.toFixed(2)} s)   trigger→running p50 ${r.p50.toFixed(0)} ms, p99 ${r.p99.toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-dist-'));
  log(
    `newsdesk bench:distributed — node ${process.version}, ${os.cpus().length} cpus, load ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}; ${N} no-op tasks, ${IN_FLIGHT} triggers in flight, worker concurrency ${CONCURRENCY}`,
  );
  try {
    const embedded = await benchEmbedded(dir);
    log(row(embedded));
    const raw = await benchRawBullmq();
    raw.forEach((r) => log(row(r)));
    const { results: newsdesk, crawl } = await benchNewsdeskBullmq();
    newsdesk.forEach((r) => log(row(r)));

    log('');
    log(`summary: newsdesk on BullMQ vs raw BullMQ throughput (target >= ${TARGET_RATIO * 100} %)`);
    for (let i = 0; i < newsdesk.length; i++) {
      const ratio = newsdesk[i].perSecond / raw[i].perSecond;
      log(
        `  ${i + 1} worker process${i ? 'es' : ''}: ${(ratio * 100).toFixed(0)} % (${newsdesk[i].perSecond.toFixed(0)}/s vs ${raw[i].perSecond.toFixed(0)}/s)  ${ratio >= TARGET_RATIO ? 'ok' : 'MISSED'}`,
      );
    }
    log('');
    log(
      `crawl: ${SOURCES} local sources (${FEED_HOSTS} hosts, ${FEED_DELAY_MS} ms per answer) as crawl.source executions`,
    );
    if (typeof crawl === 'string') log(`  ${crawl}`);
    else {
      for (const c of crawl) {
        log(
          `  ${c.workers} worker process${c.workers > 1 ? 'es' : ''}: ${c.seconds.toFixed(2)} s (${(SOURCES / c.seconds).toFixed(0)} sources/s, ${c.succeeded}/${SOURCES} succeeded; one crawl ${c.meanMs.toFixed(0)} ms on average, ${c.parallelism.toFixed(1)} at once)`,
        );
      }
      const [one, two] = crawl;
      log(
        `  2 workers vs 1: ${(one.seconds / two.seconds).toFixed(2)}x  ${two.seconds < one.seconds ? 'faster: ok' : 'not faster: MISSED'}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  log(`(bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

await main();
