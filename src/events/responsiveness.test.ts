// events.group over thousands of articles is CPU work between SQLite calls that answer at once: it must
// hand the event loop back between batches, or the API stalls for the whole run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { longestStallDuring } from '../../test/helpers/event-loop-stall.ts';
import { loadFixtures } from './testdata/fixtures.ts';
import { runGroupTask, seedFixtureCopies } from './testdata/seed-articles.ts';

const fixtures = loadFixtures('articles.json');
const COPIES = 120;

describe('event grouping of many articles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seedSchedules: false });
  });
  afterAll(() => t?.close());

  it('keeps the event loop turning while it runs', async () => {
    // Distinct stories per copy, so the grouper has real work and no shortcut.
    await seedFixtureCopies(t, fixtures, COPIES, 60_000, (f, copy) => ({
      title: `${f.originalTitle ?? f.title} ${copy}`,
      contentText: `${copy} ${f.text ?? ''} ${copy}`,
    }));
    const started = performance.now();
    const { stallMs, wallStallMs } = await longestStallDuring(async () => {
      const e = await runGroupTask(t);
      expect(e.status, JSON.stringify(e.error)).toBe('succeeded');
      expect((e.result as { articles: number }).articles).toBe(fixtures.length * COPIES);
    });
    const tookMs = performance.now() - started;
    console.log(
      `events.group: ${fixtures.length * COPIES} articles in ${tookMs.toFixed(0)} ms, longest stall ${stallMs.toFixed(0)} ms (${wallStallMs.toFixed(0)} ms on the wall clock)`,
    );
    // Batches of 100 take ~25 ms; the allowance covers a busy shared machine, not a whole run.
    expect(stallMs).toBeLessThan(400);
  }, 120_000);
});
