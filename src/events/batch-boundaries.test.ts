// events.group reads pending articles in batches (the first one of a run smaller, see grouping-run.ts):
// where batches end must not change where articles are placed.
import { describe, expect, it } from 'vitest';
import { loadFixtures } from './testdata/fixtures.ts';
import { groupFreshCopies } from './testdata/seed-articles.ts';

const fixtures = loadFixtures('articles.json');
const COPIES = 8;

describe('events.group batch boundaries', () => {
  it('places every article the same with batches of 100, 37 and 7', async () => {
    const hundred = await groupFreshCopies(fixtures, COPIES, { batchSize: 100 });
    expect(hundred.placed).toHaveLength(fixtures.length * COPIES);
    expect(await groupFreshCopies(fixtures, COPIES, { batchSize: 37 })).toEqual(hundred);
    expect(await groupFreshCopies(fixtures, COPIES, { batchSize: 7 })).toEqual(hundred);
  }, 60_000);
});
