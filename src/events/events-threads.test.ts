// events.group places articles the same whether their fingerprints come from a worker thread
// (NEWSDESK_EVENTS_THREADS=1, read several batches at a time) or are computed inline (0, batch by batch),
// over several pages of pending articles.
import { describe, expect, it } from 'vitest';
import { loadFixtures } from './testdata/fixtures.ts';
import { groupFreshCopies } from './testdata/seed-articles.ts';

const fixtures = loadFixtures('articles.json');
const COPIES = 5;
/** Pages of 5 × 20 articles with a pool: the seeded articles span several. */
const BATCH = 20;

const groupWith = (threads: string) =>
  groupFreshCopies(fixtures, COPIES, { batchSize: BATCH }, { NEWSDESK_EVENTS_THREADS: threads });

describe('events.group with and without fingerprint threads', () => {
  it('groups several pages of articles identically', async () => {
    const threaded = await groupWith('1');
    const inline = await groupWith('0');
    expect(fixtures.length * COPIES).toBeGreaterThan(5 * BATCH);
    expect(threaded.result).toMatchObject({ articles: fixtures.length * COPIES });
    expect(threaded.placed).toHaveLength(fixtures.length * COPIES);
    expect(threaded).toEqual(inline);
    // Reprints of a story land together: far fewer events than articles.
    expect(new Set(threaded.placed.map(([, event]) => event)).size).toBeLessThan(fixtures.length * 2);
  }, 60_000);
});
