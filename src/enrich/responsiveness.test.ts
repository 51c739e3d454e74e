// Offline enrichment never waits on I/O (SQLite calls return at once), so without yielding a run over
// thousands of articles would hold the event loop until it ends: no API answers, no heartbeats.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import { longestStallDuring } from '../../test/helpers/event-loop-stall.ts';
import { finished, seedArticles } from './testing/app-harness.ts';
import { loadSecurityFixtures } from './testing/fixtures.ts';

const ARTICLES = 3_000;

describe('offline enrichment of many articles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seedSchedules: false });
  });
  afterAll(() => t?.close());

  it('keeps the event loop turning while it runs', async () => {
    const fixtures = Object.values(loadSecurityFixtures());
    for (let start = 0; start < ARTICLES; start += 250)
      await seedArticles(
        t,
        Array.from({ length: 250 }, (_, k) => {
          const i = start + k;
          const f = fixtures[i % fixtures.length];
          return { title: `${f.title} #${i}`, text: f.text };
        }),
      );
    const { stallMs, wallStallMs } = await longestStallDuring(async () => {
      const { execution } = await t!.app.engine.enqueue('enrich.articles', {}, { trigger: 'manual' });
      const done = await finished(t!, execution.id, 120_000);
      expect(done.status).toBe('succeeded');
      expect(done.result).toMatchObject({ done: ARTICLES });
      expect(done.durationMs ?? 0).toBeGreaterThan(300);
    });
    console.log(
      `enrich.articles: longest stall ${stallMs.toFixed(0)} ms (${wallStallMs.toFixed(0)} ms on the wall clock)`,
    );
    // Slices of ~10 ms; the allowance covers a busy shared machine, not a whole run.
    expect(stallMs).toBeLessThan(400);
  }, 180_000);
});
