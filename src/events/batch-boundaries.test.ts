// events.group reads pending articles in batches (the first one of a run smaller, see grouping-run.ts):
// where batches end must not change where articles are placed.
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/helpers/app.ts';
import { loadFixtures } from './testdata/fixtures.ts';
import { placements, runGroupTask, seedFixtureCopies } from './testdata/seed-articles.ts';

const fixtures = loadFixtures('articles.json');
const COPIES = 8;

async function groupInBatchesOf(batchSize: number) {
  const t = await createTestApp({ seedSchedules: false });
  try {
    await seedFixtureCopies(t, fixtures, COPIES, 10 * 60_000);
    const run = await runGroupTask(t, { lookbackHours: 24 * 60, batchSize });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    return { result: run.result, placed: [...(await placements(t))].sort() };
  } finally {
    await t.close();
  }
}

describe('events.group batch boundaries', () => {
  it('places every article the same with batches of 100, 37 and 7', async () => {
    const hundred = await groupInBatchesOf(100);
    expect(hundred.placed).toHaveLength(fixtures.length * COPIES);
    expect(await groupInBatchesOf(37)).toEqual(hundred);
    expect(await groupInBatchesOf(7)).toEqual(hundred);
  }, 60_000);
});
