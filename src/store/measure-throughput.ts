// Measures how many no-op executions per second the SQLite store persists through the engine's path:
// create, claim (one at a time, and in batches of 16), finish. Run: npx tsx src/store/measure-throughput.ts
import { createSqliteTestStore } from './testing.ts';

const N = 3000;
const ROUNDS = 5;

async function main(): Promise<void> {
  const store = await createSqliteTestStore();
  try {
    for (const batch of [1, 16]) {
      const wall: number[] = [];
      const cpu: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        let done = 0;
        while (done < N) {
          const n = Math.min(batch, N - done);
          for (let i = 0; i < n; i++) {
            await store.executions.create({ task: 'noop', payload: { i }, trigger: 'api', maxAttempts: 1 });
          }
          const now = Date.now();
          const claimed = await store.executions.claim({
            owner: 'bench',
            now,
            leaseMs: 30_000,
            limit: n,
            excludeTasks: [],
            host: 'localhost',
            pid: process.pid,
          });
          for (const e of claimed) {
            await store.executions.finish(e.id, {
              status: 'succeeded',
              result: null,
              finishedAt: Date.now(),
            });
          }
          done += claimed.length;
        }
        const c = process.cpuUsage(c0);
        wall.push(N / ((performance.now() - t0) / 1000));
        cpu.push(N / ((c.user + c.system) / 1e6));
      }
      console.log(
        `claim batch ${String(batch).padStart(2)}: median ${Math.round(median(wall))} executions/s ` +
          `(rounds ${wall.map(Math.round).join(', ')}; ${Math.round(median(cpu))}/s per CPU-second)`,
      );
    }
  } finally {
    await store.destroy();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

await main();
