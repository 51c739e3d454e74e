// events.group reads pending articles in batches, the first one of a run smaller (see grouping-run.ts):
// where batches end must not change where articles are placed.
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/helpers/app.ts';
import { runEventGrouping } from './grouping-run.ts';
import { loadFixtures } from './testdata/fixtures.ts';
import { groupFreshCopies, seedFixtureCopies } from './testdata/seed-articles.ts';

const fixtures = loadFixtures('articles.json');
const COPIES = 8;

describe('events.group batch boundaries', () => {
  it('starts a run with a batch of 20, then batches of the size asked', async () => {
    const t = await createTestApp({ seedSchedules: false, start: false });
    try {
      await seedFixtureCopies(t, fixtures, COPIES, 10 * 60_000);
      const grouped: number[] = [];
      const result = await runEventGrouping(
        { events: t.app.store.events, settings: t.app.store.settings },
        { lookbackMs: 60 * 24 * 3_600_000, batchSize: 100, onBatch: (n) => grouped.push(n) },
      );
      expect(result.articles).toBe(fixtures.length * COPIES);
      // Without fingerprint threads a page is one batch: the first page of 100 goes as 20 + 80.
      expect(grouped.slice(0, 3)).toEqual([20, 100, 200]);
    } finally {
      await t.close();
    }
  });

  it('places every article the same with batches of 100, 37 and 7', async () => {
    const hundred = await groupFreshCopies(fixtures, COPIES, { batchSize: 100 });
    expect(hundred.placed).toHaveLength(fixtures.length * COPIES);
    expect(await groupFreshCopies(fixtures, COPIES, { batchSize: 37 })).toEqual(hundred);
    expect(await groupFreshCopies(fixtures, COPIES, { batchSize: 7 })).toEqual(hundred);
  }, 60_000);
});
