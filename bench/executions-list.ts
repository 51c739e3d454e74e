// npm run bench:executions-list — GET /api/executions as the dashboard reads it, against a history like a
// day of hourly crawls: 50 executions, 25 of them crawl.sources results listing 1,000 sources each. The
// store reads the cut copies stored at finish (listed: true) next to the baseline, in the same process:
// reading every whole result and cutting it per request, as lists did before. Both answers must be equal.
// Options: --rows=50 --sources=1000 --rounds=40.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { executionListView } from '../src/http/views.ts';
import { openStore } from '../src/store/open-store.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const ROWS = Number(args.get('rows') ?? 50);
const SOURCES = Number(args.get('sources') ?? 1000);
const ROUNDS = Number(args.get('rounds') ?? 40);
const log = (line = '') => process.stdout.write(`${line}\n`);

const perSource = Array.from({ length: SOURCES }, (_, i) => ({
  sourceId: `0mk2x7q1a${String(i).padStart(7, '0')}`,
  name: `Source number ${i}`,
  status: 'ok',
  httpStatus: 200,
  itemsFound: 20,
  itemsNew: 17,
  durationMs: 123,
  errorCode: null,
  message: '17 new of 20',
}));

const dir = mkdtempSync(path.join(os.tmpdir(), 'newsdesk-bench-list-'));
const store = await openStore({ kind: 'sqlite', file: path.join(dir, 'newsdesk.db') });
try {
  await store.migrate();
  for (let i = 0; i < ROWS; i++) {
    const crawl = i % 2 === 1;
    const e = await store.executions.create({
      task: crawl ? 'crawl.sources' : 'enrich.articles',
      payload: {},
      trigger: 'schedule',
      maxAttempts: 1,
    });
    const now = Date.now();
    await store.executions.claim({
      owner: 'bench',
      now,
      leaseMs: 60_000,
      limit: 1,
      excludeTasks: [],
      host: 'h',
      pid: 1,
    });
    await store.executions.finish(e.id, {
      status: 'succeeded',
      result: crawl ? { succeeded: SOURCES, failed: 0, sources: perSource } : { enriched: 10 },
      finishedAt: now + 1,
    });
  }
  const answer = async (listed: boolean) => {
    const t0 = performance.now();
    const page = await store.executions.list({ limit: ROWS, listed });
    const body = JSON.stringify(page.items.map((e) => executionListView(e, 'Asia/Shanghai')));
    return { ms: performance.now() - t0, body };
  };
  const times = { cut: [] as number[], whole: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    const whole = await answer(false);
    const cut = await answer(true);
    if (whole.body !== cut.body) throw new Error('the two ways gave different answers');
    times.whole.push(whole.ms);
    times.cut.push(cut.ms);
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
  const p90 = (v: number[]) => [...v].sort((a, b) => a - b)[Math.ceil(v.length * 0.9) - 1];
  log(
    `bench:executions-list — ${ROWS} executions, ${Math.floor(ROWS / 2)} crawl results of ${SOURCES} sources each, SQLite, ${ROUNDS} rounds alternating`,
  );
  log(
    `  cut copies stored at finish:       median ${median(times.cut).toFixed(2)} ms  p90 ${p90(times.cut).toFixed(2)} ms`,
  );
  log(
    `  whole results cut per request:     median ${median(times.whole).toFixed(2)} ms  p90 ${p90(times.whole).toFixed(2)} ms`,
  );
  log(
    `  baseline / cut copies: ${(median(times.whole) / median(times.cut)).toFixed(1)}x (same answer, checked every round)`,
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
