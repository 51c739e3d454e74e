// bench:enrich — 500 articles (real corpus texts) through the enrichment pipeline against a local
// OpenAI-compatible server that answers after 300 ms, at concurrency 8, next to a sequential baseline
// (one article and one step at a time, as the replaced system did) measured in the same run.
//
//   npx tsx bench/enrich.ts [--articles=500] [--latency=300] [--concurrency=8] [--baseline=10] [--runs=1]
//
// The model server runs in a child process so that the CPU time measured here is the pipeline's alone
// (plus the HTTP client and SDK it uses).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  enrichArticle,
  enrichBatch,
  InMemoryEnrichmentCache,
  InMemoryUsageRecorder,
  createOpenAiCompatibleClient,
  resolveEnrichOptions,
  type EnrichInput,
  type EnrichOptionsInput,
  type LlmClient,
} from '../src/enrich/index.ts';
import { loadGroundTruthArticles } from '../src/enrich/testing/corpus.ts';
import { autoResponder, startFakeLlmServer } from '../src/enrich/testing/fake-llm-server.ts';

function arg(name: string, fallback: number): number {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : fallback;
}

async function serve(): Promise<void> {
  const server = await startFakeLlmServer({ latencyMs: arg('latency', 300) });
  process.send?.({ baseURL: server.baseURL });
  process.on('disconnect', () => void server.close().then(() => process.exit(0)));
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Corpus texts cycled to `n` articles, each made unique so the result cache cannot short-circuit them. */
function buildArticles(n: number, tag: string): EnrichInput[] {
  const pages = loadGroundTruthArticles();
  return Array.from({ length: n }, (_, i) => {
    const p = pages[i % pages.length];
    return { id: `${tag}-${i}`, title: p.title, text: `${p.text}\n\n[${tag} copy ${i}]`, url: p.url };
  });
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** An in-process model that answers at once: isolates the pipeline's own cost from HTTP. */
function instantClient(): LlmClient {
  const respond = autoResponder();
  return {
    async complete(req) {
      const b = (await respond({
        path: '',
        headers: {},
        body: { messages: req.messages },
        receivedAt: 0,
      })) as {
        content: unknown;
      };
      return {
        content: JSON.stringify(b.content),
        usage: { prompt: 500, completion: 200, cached: 0, reasoning: 0, estimated: false },
        latencyMs: 0,
        model: req.model,
        finishReason: 'stop',
      };
    },
  };
}

async function main(): Promise<void> {
  const n = arg('articles', 500);
  const latency = arg('latency', 300);
  const concurrency = arg('concurrency', 8);
  const baselineN = arg('baseline', 10);
  const runs = arg('runs', 1);

  const child = fork(fileURLToPath(import.meta.url), ['--serve', `--latency=${latency}`], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const baseURL = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { baseURL: string }).baseURL));
    child.once('exit', (code) => reject(new Error(`model server exited with ${code}`)));
  });
  const client = createOpenAiCompatibleClient({ baseURL, apiKey: 'bench', maxConnections: concurrency * 2 });

  const base: EnrichOptionsInput = {
    models: { default: 'bench-model' },
    prices: { 'bench-model': { inputPer1M: 0.15, outputPer1M: 0.6 } },
  };
  const concurrent = resolveEnrichOptions({
    ...base,
    mode: 'single',
    batch: { concurrency },
    limits: { maxConcurrent: concurrency },
  });
  const sequential = resolveEnrichOptions({
    ...base,
    mode: 'steps',
    parallelSteps: false,
    batch: { concurrency: 1 },
    limits: { maxConcurrent: 1 },
  });
  const ceiling = concurrency / (latency / 1000);

  try {
    console.log(
      `enrich bench: ${n} articles from ${loadGroundTruthArticles().length} real corpus texts (each made unique), ` +
        `model server in a child process answering after ${latency} ms`,
    );

    // Warm-up: JIT, keep-alive connections.
    await enrichBatch(buildArticles(concurrency * 2, 'warm'), {
      client,
      usage: new InMemoryUsageRecorder(),
      cache: new InMemoryEnrichmentCache(),
      options: concurrent,
    });

    // Pipeline alone: an in-process model that answers at once, one article at a time.
    const pure = instantClient();
    const pureArticles = buildArticles(n, 'pure');
    const pureUsage = new InMemoryUsageRecorder();
    const pureCache = new InMemoryEnrichmentCache();
    const cpuPure = process.cpuUsage();
    const tPure = performance.now();
    for (const a of pureArticles) {
      await enrichArticle(a, { client: pure, usage: pureUsage, cache: pureCache, options: concurrent });
    }
    const pureWallPer = (performance.now() - tPure) / n;
    const pureCpuPer = cpuMs(cpuPure) / n;

    const rates: number[] = [];
    const cpuPers: number[] = [];
    let lastCalls = 0;
    let lastFailed = 0;
    for (let run = 0; run < runs; run++) {
      const articles = buildArticles(n, `run${run}`);
      const usage = new InMemoryUsageRecorder();
      const cpu = process.cpuUsage();
      const t = performance.now();
      const report = await enrichBatch(articles, {
        client,
        usage,
        cache: new InMemoryEnrichmentCache(),
        options: concurrent,
      });
      const wall = (performance.now() - t) / 1000;
      rates.push(report.done.length / wall);
      cpuPers.push(cpuMs(cpu) / n);
      lastCalls = usage.records.length;
      lastFailed = report.failed.length + report.notProcessed.length;
      const extra = new Map<string, number>();
      for (const r of usage.records) {
        if (r.outcome === 'ok' && !r.repair) continue;
        const k = r.outcome === 'error' ? `${r.errorCode}` : r.repair ? `repair (${r.outcome})` : r.outcome;
        extra.set(k, (extra.get(k) ?? 0) + 1);
      }
      const extraText = [...extra].map(([k, v]) => `${k}×${v}`).join(', ');
      console.log(
        `  run ${run + 1}/${runs}: ${report.done.length} done, ${lastFailed} not done, ${lastCalls} calls` +
          `${extraText ? ` (beyond one per article: ${extraText})` : ''} in ${wall.toFixed(2)} s`,
      );
    }
    const rate = median(rates);
    const cpuPer = median(cpuPers);

    const baseline = buildArticles(baselineN, 'seq');
    const seqUsage = new InMemoryUsageRecorder();
    const tSeq = performance.now();
    const seqReport = await enrichBatch(baseline, {
      client,
      usage: seqUsage,
      cache: new InMemoryEnrichmentCache(),
      options: sequential,
    });
    const seqWall = (performance.now() - tSeq) / 1000;
    const seqRate = seqReport.done.length / seqWall;

    const ok = (good: boolean) => (good ? 'ok' : 'MISSED');
    console.log('');
    console.log(
      `concurrent (single-call, concurrency ${concurrency}): ${rate.toFixed(1)} articles/s ` +
        `(${((rate / ceiling) * 100).toFixed(0)} % of the ${ceiling.toFixed(1)}/s ceiling; target >= ${(ceiling * 0.75).toFixed(0)}/s: ${ok(rate >= 20)})` +
        (runs > 1 ? ` — median of ${runs} runs: ${rates.map((r) => r.toFixed(1)).join(', ')}` : ''),
    );
    console.log(
      `pipeline overhead per article: ${pureWallPer.toFixed(2)} ms wall / ${pureCpuPer.toFixed(2)} ms CPU without HTTP ` +
        `(target < 5 ms: ${ok(pureWallPer < 5)}); ${cpuPer.toFixed(2)} ms CPU including the HTTP client and SDK`,
    );
    console.log(
      `sequential baseline (per-step, one article and one step at a time): ${seqReport.done.length} articles, ` +
        `${seqUsage.records.length} calls in ${seqWall.toFixed(1)} s → ${seqRate.toFixed(2)} articles/s ` +
        `(measured on a subset of ${baselineN}; extrapolated to ${n}: ${(n / seqRate / 60).toFixed(1)} min ` +
        `vs ${(n / rate / 60).toFixed(1)} min)`,
    );
    console.log(`ratio concurrent / sequential: ${(rate / seqRate).toFixed(1)}x`);
  } finally {
    await client.close();
    child.disconnect();
  }
}

if (process.argv.includes('--serve')) {
  await serve();
} else {
  await main();
}
