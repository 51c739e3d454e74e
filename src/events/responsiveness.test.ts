// events.group over thousands of articles is CPU work between SQLite calls that answer at once: it must
// hand the event loop back between batches, or the API stalls for the whole run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { longestStallDuring } from '../../test/helpers/event-loop-stall.ts';
import { seedContent } from '../store/testing-content.ts';
import { HOUR, loadFixtures } from './testdata/fixtures.ts';
import { runGroupTask, seedArticle } from './testdata/seed-articles.ts';

const fixtures = loadFixtures('articles.json');
const COPIES = 120;

describe('event grouping of many articles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seedSchedules: false });
  });
  afterAll(() => t?.close());

  it('keeps the event loop turning while it runs', async () => {
    const target = { kind: 'sqlite' as const, file: (t.config.database as { file: string }).file };
    const sourceIds = [...new Set(fixtures.map((f) => f.sourceId))];
    await seedContent(target, { sources: sourceIds.map((id) => ({ id, name: id })) });
    const shift = Date.now() - HOUR - Math.max(...fixtures.map((f) => f.publishedAt ?? f.fetchedAt));
    for (let copy = 0; copy < COPIES; copy++)
      await seedContent(target, {
        articles: fixtures.map((f) => ({
          ...seedArticle(f, shift - copy * 60_000),
          id: `${f.id}-${copy}`,
          url: `https://${f.sourceId}.example.test/${f.id}/${copy}`,
          // Distinct stories per copy, so the grouper has real work and no shortcut.
          title: `${f.originalTitle ?? f.title} ${copy}`,
          contentText: `${copy} ${f.text ?? ''} ${copy}`,
        })),
      });
    const started = performance.now();
    const { stallMs } = await longestStallDuring(async () => {
      const e = await runGroupTask(t);
      expect(e.status, JSON.stringify(e.error)).toBe('succeeded');
      expect((e.result as { articles: number }).articles).toBe(fixtures.length * COPIES);
    });
    const tookMs = performance.now() - started;
    console.log(
      `events.group: ${fixtures.length * COPIES} articles in ${tookMs.toFixed(0)} ms, longest stall ${stallMs.toFixed(0)} ms`,
    );
    // Batches of 100 take ~25 ms; the allowance covers a busy shared machine, not a whole run.
    expect(stallMs).toBeLessThan(400);
  }, 120_000);
});
