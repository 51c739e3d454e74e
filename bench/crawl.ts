// npm run bench:crawl — 1,000 sources built from the corpus feeds, crawled by the real service (started
// exactly as `npm start` starts it, fresh SQLite database) through its crawl.sources task, then again
// (every answer a 304), while a second thread measures the service's GET /api/executions latency. The
// service's CPU time (main thread and each other thread) and peak RSS come from /proc. Next to it, in the
// same run, a naive crawler in this process: one source after the other, fetch + parse + insert; and the
// reference crawler the first-pass target was set against (crawl-reference.ts). Options: --sources=1000
// --ports=500 --latency=20 --baseline=1000 --reference-concurrency=50 --json; service settings --threads=N
// --concurrency=N --checkpoint-thread=auto|true|false. The machine is shared: quote medians of several runs.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Agent, request } from 'undici';
import { decodeBody } from '../src/crawl/fetch/charset.ts';
import { parseFeedText } from '../src/crawl/parse/feed.ts';
import { openBaselineArticles } from './baseline-articles-db.ts';
import { CORPUS_FEEDS, selectFeeds } from './crawl-corpus.ts';
import { referenceCrawl } from './crawl-reference.ts';
import type { FeedServerConfig, FeedServerReady } from './crawl-feed-server.ts';
import { startNpmService } from './start-command.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const N = Number(args.get('sources') ?? 1000);
const PORTS = Number(args.get('ports') ?? 500);
const LATENCY = Number(args.get('latency') ?? 20);
const N_BASELINE = Math.min(N, Number(args.get('baseline') ?? N));
/** Extra service settings, e.g. --threads=2 → NEWSDESK_CRAWL_PARSE_THREADS. */
const SERVICE_ENV: Record<string, string> = {
  ...(args.has('threads') ? { NEWSDESK_CRAWL_PARSE_THREADS: args.get('threads')! } : {}),
  ...(args.has('concurrency') ? { NEWSDESK_CRAWL_CONCURRENCY: args.get('concurrency')! } : {}),
  ...(args.has('checkpoint-thread')
    ? { NEWSDESK_SQLITE_CHECKPOINT_THREAD: args.get('checkpoint-thread')! }
    : {}),
};

const TARGETS = { firstPassS: 4, secondPassS: 1.5, peakRssMb: 300, apiP99Ms: 50 };
/** The reference crawler's first pass when the targets were set; the machine's speed varies from day to day. */
const REFERENCE_WHEN_SET_S = 7.7;
const REFERENCE_CONCURRENCY = Number(args.get('reference-concurrency') ?? 50);

const log = (line = '') => process.stdout.write(`${line}\n`);
const now = () => performance.now();
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
function pct(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] : NaN;
}

async function startFeedServer(
  config: FeedServerConfig,
): Promise<{ child: ChildProcess; ready: FeedServerReady }> {
  const child = fork(path.join(import.meta.dirname, 'crawl-feed-server.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ready = await new Promise<FeedServerReady>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`feed server exited with ${code}`)));
    child.on('message', (m: { type: string }) => {
      if (m.type === 'ready') resolve(m as FeedServerReady);
    });
    child.send({ type: 'start', config });
  });
  return { child, ready };
}

function childCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMsg = (m: { type: string; usage?: NodeJS.CpuUsage }) => {
      if (m.type !== 'cpu') return;
      child.off('message', onMsg);
      resolve(cpuSeconds(m.usage!));
    };
    child.on('message', onMsg);
    child.send({ type: 'cpu' });
  });
}

/** GET /api/executions in a loop from another thread; samples tagged with the phase the parent sets. */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
let phase = 'idle';
let stop = false;
const samples = [];
parentPort.on('message', (m) => { if (m.phase) phase = m.phase; if (m.stop) stop = true; });
function once() {
  if (stop) { agent.destroy(); parentPort.postMessage(samples); return; }
  const t0 = performance.now();
  const p = phase;
  http.get(workerData.url, { agent }, (res) => {
    res.resume();
    res.on('end', () => {
      if (res.statusCode !== 200) throw new Error('status ' + res.statusCode);
      samples.push([p, performance.now() - t0]);
      setTimeout(once, workerData.gapMs);
    });
  }).on('error', (e) => { throw e; });
}
once();
`;

interface Service {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** The service as `npm start` runs it (the script from package.json), on a free port. */
async function startService(dataDir: string): Promise<Service> {
  const svc = await startNpmService(dataDir, {
    NEWSDESK_SCHEDULER: 'false',
    NEWSDESK_CRAWL_ALLOW_PRIVATE: '127.0.0.1',
    // Feed text only: the article pages of corpus entries are not served.
    NEWSDESK_CRAWL_FULLTEXT_MIN_CHARS: '0',
    ...SERVICE_ENV,
  });
  const url = svc.url;
  // The pid of the node process that runs the tasks (npm start may go through a launcher process).
  const probe = await api<{ executionId: string }>(url, 'POST', '/api/tasks/diagnostics.noop/run', {});
  const noop = await waitExecution(url, probe.executionId);
  return {
    url,
    pid: noop.pid!,
    stop: svc.stop,
  };
}

async function api<T>(base: string, method: string, p: string, body?: unknown): Promise<T> {
  const res = await request(`${base}${p}`, {
    method: method as 'GET',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${p}: ${res.statusCode} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

interface ExecView {
  id: string;
  status: string;
  pid: number | null;
  durationMs: number | null;
  result: (Record<string, number> & { enrich?: { executionId: string } }) | null;
}

async function waitExecution(base: string, id: string): Promise<ExecView> {
  for (;;) {
    const e = await api<ExecView>(base, 'GET', `/api/executions/${id}`);
    if (!['queued', 'running'].includes(e.status)) return e;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** utime + stime of a process, seconds. */
function procCpu(pid: number, file = 'stat'): number {
  const stat = readFileSync(`/proc/${pid}/${file}`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** utime + stime of each thread of a process, seconds, by thread id. */
function procThreadsCpu(pid: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      out.set(Number(tid), procCpu(pid, `task/${tid}/stat`));
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** Where a pass's CPU went: the main thread, then the other threads by CPU (worker threads, V8's GC and
 * compiler helpers, libuv's pool), each the delta since `before`. */
function threadCpuLine(pid: number, before: Map<number, number>): string {
  const after = procThreadsCpu(pid);
  const main = (after.get(pid) ?? 0) - (before.get(pid) ?? 0);
  const others = [...after]
    .filter(([tid]) => tid !== pid)
    .map(([tid, s]) => s - (before.get(tid) ?? 0))
    .filter((s) => s >= 0.05)
    .sort((a, b) => b - a);
  return `main thread ${main.toFixed(2)} s, other threads ${others.map((s) => s.toFixed(2)).join(' + ') || '0'} s`;
}

/** Current and peak resident set of a process, MB. */
function procRss(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function runCrawl(
  svc: Service,
  payload: object,
): Promise<{ execution: ExecView; wallS: number; cpuS: number; threads: string; peakRssMb: number }> {
  const cpu0 = procCpu(svc.pid);
  const threads0 = procThreadsCpu(svc.pid);
  let peak = procRss(svc.pid).rss;
  const sampler = setInterval(() => (peak = Math.max(peak, procRss(svc.pid).rss)), 20);
  const t0 = now();
  const { executionId } = await api<{ executionId: string }>(
    svc.url,
    'POST',
    '/api/tasks/crawl.sources/run',
    { payload },
  );
  const execution = await waitExecution(svc.url, executionId);
  const wallS = (now() - t0) / 1000;
  clearInterval(sampler);
  const threads = threadCpuLine(svc.pid, threads0);
  return {
    execution,
    wallS,
    cpuS: procCpu(svc.pid) - cpu0,
    threads,
    peakRssMb: Math.max(peak, procRss(svc.pid).rss),
  };
}

/** The naive crawler: one source at a time, fetch, decode, parse, insert. */
async function naiveBaseline(
  urls: string[],
  dir: string,
): Promise<{ wallS: number; cpuS: number; articles: number }> {
  const table = openBaselineArticles(path.join(dir, 'naive.db'));
  const agent = new Agent({ connections: 1 });
  let articles = 0;
  const cpu0 = process.cpuUsage();
  const t0 = now();
  for (const [k, url] of urls.entries()) {
    const res = await request(url, { dispatcher: agent });
    const bytes = new Uint8Array(await res.body.arrayBuffer());
    const feed = parseFeedText(
      decodeBody(bytes, { contentType: res.headers['content-type'] as string }).text,
      {
        feedUrl: url,
      },
    );
    articles += table.insertSource(
      k,
      feed.entries.map((e, i) => ({
        url: e.url ?? e.id ?? `${url}#${i}`,
        guid: e.id ?? null,
        title: e.title ?? '',
        content: e.contentHtml ?? e.summary ?? '',
        published: e.publishedAt ?? null,
      })),
    );
  }
  const wallS = (now() - t0) / 1000;
  const cpuS = cpuSeconds(process.cpuUsage(cpu0));
  await agent.close();
  table.close();
  return { wallS, cpuS, articles };
}

async function main(): Promise<void> {
  const { files, skipped } = selectFeeds();
  log(`bench:crawl — ${N} sources on ${PORTS} hosts (127.0.0.1 ports), ${LATENCY} ms response latency`);
  log(
    `corpus: ${files.length} feeds (RSS 0.9x-2.0, RDF, Atom 0.3/1.0, JSON Feed; ${files.filter((f) => f.startsWith('chardet/')).length} real-world CJK/Cyrillic in their legacy encodings), original bytes, used round-robin; every absolute URL gets a per-source host prefix`,
  );
  for (const s of skipped) log(`  left out: ${s}`);

  const { child, ready } = await startFeedServer({
    sources: N,
    ports: PORTS,
    latencyMs: LATENCY,
    files,
    corpus: CORPUS_FEEDS,
  });
  log(
    `feed server: ${(ready.bytes / 1e6).toFixed(1)} MB of feeds, ${(ready.bytes / N / 1024).toFixed(1)} KB per source on average`,
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-crawl-'));
  let svc: Service | undefined;
  try {
    svc = await startService(path.join(dir, 'service'));
    log(
      `service: ${svc.url} (pid ${svc.pid}), started as \`npm start\`${Object.keys(SERVICE_ENV).length ? ` with ${JSON.stringify(SERVICE_ENV)}` : ''}`,
    );
    for (const [k, url] of ready.urls.entries())
      // maxFetchDays 0: the corpus entries are years old; every entry counts.
      await api(svc.url, 'POST', '/api/sources', { name: `${ready.files[k]} #${k}`, url, maxFetchDays: 0 });
    const load = new Worker(LOAD_WORKER, {
      eval: true,
      workerData: { url: `${svc.url}/api/executions?limit=50`, gapMs: 5 },
    });
    const samplesP = new Promise<[string, number][]>((resolve, reject) => {
      load.once('message', resolve);
      load.once('error', reject);
    });
    await new Promise((r) => setTimeout(r, 500));

    const rssBefore = procRss(svc.pid).rss;
    const server0 = await childCpu(child);
    load.postMessage({ phase: 'first' });
    const first = await runCrawl(svc, {});
    const server1 = await childCpu(child);
    load.postMessage({ phase: 'between' });
    // The crawl hands its new articles to enrichment (offline here): let it finish so the second pass
    // runs on a quiet service, and report it on its own.
    const enrichId = first.execution.result?.enrich?.executionId;
    const enrich = enrichId ? await waitExecution(svc.url, enrichId) : undefined;
    await new Promise((r) => setTimeout(r, 300));
    load.postMessage({ phase: 'second' });
    const second = await runCrawl(svc, { force: true });
    const server2 = await childCpu(child);
    load.postMessage({ phase: 'idle' });
    await new Promise((r) => setTimeout(r, 500));
    load.postMessage({ stop: true });
    const samples = await samplesP;
    await load.terminate();
    const servicePeak = procRss(svc.pid).peak;

    const r1 = first.execution.result!;
    const r2 = second.execution.result!;
    const api1 = (phase: string) => samples.filter(([p]) => p === phase).map(([, v]) => v);
    const apiCrawl = [...api1('first'), ...api1('second')];
    const peakMb = Math.max(first.peakRssMb, second.peakRssMb);

    log();
    log(`first pass (crawl.sources into a fresh SQLite database)`);
    log(
      `  ${first.execution.status}: ${r1.succeeded} ok, ${r1.failed} failed, ${r1.articlesNew} articles stored (${r1.articlesFound} in the feeds)`,
    );
    log(
      `  wall ${first.wallS.toFixed(2)} s (task ${((first.execution.durationMs ?? 0) / 1000).toFixed(2)} s)  ${(N / first.wallS).toFixed(0)} sources/s  ${(r1.articlesNew / first.wallS).toFixed(0)} articles/s`,
    );
    log(
      `  CPU service ${first.cpuS.toFixed(2)} s (${first.threads}), feed server ${(server1 - server0).toFixed(2)} s`,
    );
    if (enrich)
      log(
        `then the follow-up enrich.articles (offline, no LLM configured): ${enrich.status}, ${enrich.result?.processed ?? 0} articles in ${((enrich.durationMs ?? 0) / 1000).toFixed(2)} s; the second pass starts after it`,
      );
    log(`second pass (force: every source again; conditional GET)`);
    log(
      `  ${second.execution.status}: ${r2.notModified} not modified, ${r2.succeeded} ok, ${r2.failed} failed, ${r2.articlesNew} new`,
    );
    log(
      `  wall ${second.wallS.toFixed(2)} s (task ${((second.execution.durationMs ?? 0) / 1000).toFixed(2)} s)  CPU service ${second.cpuS.toFixed(2)} s (${second.threads}), feed server ${(server2 - server1).toFixed(2)} s`,
    );
    log(
      `memory: service peak RSS during the passes ${peakMb.toFixed(0)} MB (${rssBefore.toFixed(0)} MB before the first pass; VmHWM since start ${servicePeak.toFixed(0)} MB)`,
    );
    log(
      `API GET /api/executions?limit=50 while crawling: n=${apiCrawl.length} p50 ${pct(apiCrawl, 0.5).toFixed(1)} ms  p99 ${pct(apiCrawl, 0.99).toFixed(1)} ms  max ${Math.max(...apiCrawl).toFixed(1)} ms (idle p50 ${pct(api1('idle'), 0.5).toFixed(1)} ms)`,
    );
    await svc.stop();
    svc = undefined;

    log(
      `reference crawler in this process (the target's yardstick, ~${REFERENCE_WHEN_SET_S} s on this machine when it was set): p-limit ${REFERENCE_CONCURRENCY} + rss-parser + better-sqlite3, ${N} sources`,
    );
    const ref = await referenceCrawl(ready.urls, dir, REFERENCE_CONCURRENCY);
    log(
      `  wall ${ref.wallS.toFixed(2)} s  CPU ${ref.cpuS.toFixed(2)} s  ${ref.articles} articles stored, ${ref.failed} sources failed (rss-parser reads no JSON Feed)`,
    );
    log(
      `  first pass / reference: ${(first.wallS / ref.wallS).toFixed(2)} (the ${TARGETS.firstPassS} s target is ${(TARGETS.firstPassS / REFERENCE_WHEN_SET_S).toFixed(2)} of the reference's ${REFERENCE_WHEN_SET_S} s)`,
    );
    log(`naive baseline in this process: sequential fetch + parse + insert, ${N_BASELINE} sources`);
    const base = await naiveBaseline(ready.urls.slice(0, N_BASELINE), dir);
    const baseFor = (base.wallS * N) / N_BASELINE;
    log(
      `  wall ${base.wallS.toFixed(2)} s${N_BASELINE < N ? ` (× ${N}/${N_BASELINE} = ${baseFor.toFixed(1)} s)` : ''}  ${(N_BASELINE / base.wallS).toFixed(0)} sources/s  ${(base.articles / base.wallS).toFixed(0)} articles/s  CPU ${base.cpuS.toFixed(2)} s`,
    );
    log(`  first pass: ${(baseFor / first.wallS).toFixed(1)}× the naive crawler's speed`);

    const checks: [string, boolean, string][] = [
      [
        'first pass',
        first.wallS <= TARGETS.firstPassS,
        `${first.wallS.toFixed(2)} s <= ${TARGETS.firstPassS} s`,
      ],
      [
        'second pass',
        second.wallS <= TARGETS.secondPassS && r2.notModified === N,
        `${second.wallS.toFixed(2)} s <= ${TARGETS.secondPassS} s, all 304: ${r2.notModified === N}`,
      ],
      [
        'first pass against the reference',
        first.wallS / ref.wallS <= TARGETS.firstPassS / REFERENCE_WHEN_SET_S,
        `${(first.wallS / ref.wallS).toFixed(2)} <= ${(TARGETS.firstPassS / REFERENCE_WHEN_SET_S).toFixed(2)} of the reference crawler's time`,
      ],
      ['peak RSS', peakMb <= TARGETS.peakRssMb, `${peakMb.toFixed(0)} MB <= ${TARGETS.peakRssMb} MB`],
      [
        'API p99',
        pct(apiCrawl, 0.99) < TARGETS.apiP99Ms,
        `${pct(apiCrawl, 0.99).toFixed(1)} ms < ${TARGETS.apiP99Ms} ms`,
      ],
    ];
    log();
    for (const [name, ok, text] of checks) log(`  ${ok ? 'PASS' : 'MISS'} ${name}: ${text}`);
    log(
      `  load average: ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${os.cpus().length} cores`,
    );
    if (args.has('json'))
      log(
        JSON.stringify({
          sources: N,
          first: {
            wallS: first.wallS,
            cpuS: first.cpuS,
            articles: r1.articlesNew,
            feedServerCpuS: server1 - server0,
          },
          second: { wallS: second.wallS, cpuS: second.cpuS, notModified: r2.notModified },
          peakRssMb: peakMb,
          apiMs: { p50: pct(apiCrawl, 0.5), p99: pct(apiCrawl, 0.99), n: apiCrawl.length },
          baseline: { ...base, sources: N_BASELINE },
          reference: { ...ref, concurrency: REFERENCE_CONCURRENCY },
          loadavg: os.loadavg(),
        }),
      );
  } finally {
    await svc?.stop();
    child.send({ type: 'stop' });
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
