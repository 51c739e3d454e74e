// npm run bench:store-writes — the write path of a crawl's first pass, replayed into a fresh SQLite file:
// 1,000 sources from the corpus feeds (as bench:crawl serves them), each source's new articles and state
// written in its own transaction, exactly as the crawl writes them (findExisting, then insertForSource),
// with one turn of the event loop between sources as network I/O gives in the service. Two ways to
// checkpoint the WAL, alternating in this process: on the background thread (the default) and SQLite's
// own inside the commits (the baseline). A write's time is how long it holds the event loop.
// Options: --sources=1000 --runs=3.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildJob, parseJob } from '../src/crawl/feed-jobs.ts';
import { openStore } from '../src/store/open-store.ts';
import type { NewArticle, SourceStateWrite } from '../src/store/crawl-types.ts';
import { CORPUS_FEEDS, feedContentType, perSourceCopy, selectFeeds } from './crawl-corpus.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const N = Number(args.get('sources') ?? 1000);
const RUNS = Number(args.get('runs') ?? 3);
const log = (line = '') => process.stdout.write(`${line}\n`);

function articlesPerSource(files: string[]): NewArticle[][] {
  const now = Date.now();
  const raw = files.map((f) => readFileSync(path.join(CORPUS_FEEDS, f)));
  return Array.from({ length: N }, (_, k) => {
    const url = `http://127.0.0.1/feed/${k}`;
    const parsed = parseJob({
      bytes: perSourceCopy(raw[k % raw.length], k),
      contentType: feedContentType(files[k % files.length]),
      finalUrl: url,
      timeZone: 'UTC',
      maxFetchDays: 0,
      now,
    });
    const all = parsed.summary.recent.map((_, i) => i);
    return buildJob(parsed, all, {
      sourceUrl: url,
      useDescriptionAsSummary: false,
      fullText: false,
      fullTextMinChars: 0,
    });
  });
}

function stateWrite(sourceId: string, found: number, itemsNew: number, now: number): SourceStateWrite {
  return {
    patch: {
      etag: '"bench"',
      lastFetchAt: now,
      lastSuccessAt: now,
      lastStatus: 200,
      lastMessage: `${itemsNew} new of ${found}`,
      consecutiveFailures: 0,
      nextCheckAt: now + 3_600_000,
      itemsFound: found,
      itemsNew,
    },
    run: {
      sourceId,
      executionId: null,
      url: `http://127.0.0.1/${sourceId}`,
      status: 'ok',
      httpStatus: 200,
      errorCode: null,
      errorMessage: null,
      itemsFound: found,
      itemsNew,
      outage: false,
      startedAt: now,
      finishedAt: now,
      durationMs: 20,
      log: [{ ts: now, level: 'info', msg: `HTTP 200: ${itemsNew} new of ${found}` }],
    },
    now,
  };
}

interface Run {
  wallMs: number;
  cpuMs: number;
  stored: number;
  writesMs: number[];
}

async function replay(perSource: NewArticle[][], backgroundCheckpoints: boolean): Promise<Run> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-writes-'));
  const store = await openStore({
    kind: 'sqlite',
    file: path.join(dir, 'newsdesk.db'),
    backgroundCheckpoints,
  });
  try {
    await store.migrate();
    const ids: string[] = [];
    for (let k = 0; k < N; k++)
      ids.push((await store.sources.create({ name: `source ${k}`, url: `http://127.0.0.1/feed/${k}` })).id);
    const writesMs: number[] = [];
    let stored = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let k = 0; k < N; k++) {
      await new Promise((r) => setImmediate(r));
      const articles = perSource[k];
      const w0 = performance.now();
      await store.articles.findExisting(ids[k], {
        canonicalUrls: articles.map((a) => a.canonicalUrl),
        guids: articles.flatMap((a) => (a.guid ? [a.guid] : [])),
      });
      const now = Date.now();
      const r = await store.articles.insertForSource(ids[k], articles, now, (inserted) =>
        stateWrite(ids[k], articles.length, inserted.insertedIds.length, now),
      );
      writesMs.push(performance.now() - w0);
      stored += r.insertedIds.length;
    }
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000, stored, writesMs };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (v: number[], q: number) => [...v].sort((a, b) => a - b)[Math.ceil(q * v.length) - 1];

async function main(): Promise<void> {
  const { files } = selectFeeds();
  const perSource = articlesPerSource(files);
  const total = perSource.reduce((n, a) => n + a.length, 0);
  log(
    `bench:store-writes — ${N} sources, ${total} articles from ${files.length} corpus feeds, SQLite file in ${os.tmpdir()}`,
  );
  log(
    `${RUNS} runs of each, alternating; a write = findExisting + insertForSource of one source (its transaction)`,
  );
  const modes = [
    { name: 'checkpoints on a background thread', background: true, runs: [] as Run[] },
    { name: "SQLite's own checkpoints (baseline)", background: false, runs: [] as Run[] },
  ];
  for (let i = 0; i < RUNS; i++) for (const m of modes) m.runs.push(await replay(perSource, m.background));

  log();
  log('  checkpoints                             wall (median)   CPU      write p50   p99       max');
  for (const m of modes) {
    const writes = m.runs.flatMap((r) => r.writesMs);
    if (m.runs.some((r) => r.stored !== total)) throw new Error(`${m.name}: not every article was stored`);
    log(
      `  ${m.name.padEnd(38)}  ${(median(m.runs.map((r) => r.wallMs)) / 1000).toFixed(2).padStart(6)} s        ${(median(m.runs.map((r) => r.cpuMs)) / 1000).toFixed(2)} s   ${pct(writes, 0.5).toFixed(2).padStart(6)} ms  ${pct(writes, 0.99).toFixed(1).padStart(5)} ms  ${Math.max(
        ...writes,
      )
        .toFixed(1)
        .padStart(5)} ms`,
    );
    log(`    runs: ${m.runs.map((r) => (r.wallMs / 1000).toFixed(2)).join(' / ')} s`);
  }
  const [bg, own] = modes.map((m) => m.runs);
  const ratio = (f: (r: Run[]) => number) => (f(own) / f(bg)).toFixed(2);
  log();
  log(
    `  baseline / background: wall ${ratio((r) => median(r.map((x) => x.wallMs)))}x, write p99 ${ratio((r) =>
      pct(
        r.flatMap((x) => x.writesMs),
        0.99,
      ),
    )}x (CPU counts the checkpoint thread too)`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
