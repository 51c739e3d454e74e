// events.group places articles the same whether their fingerprints come from a worker thread
// (NEWSDESK_EVENTS_THREADS=1, read several batches at a time) or are computed inline (0, batch by batch),
// over several pages of pending articles.
import { describe, expect, it } from 'vitest';
import { createTestApp } from '../../test/helpers/app.ts';
import { loadFixtures } from './testdata/fixtures.ts';
import { placements, runGroupTask, seedFixtureCopies } from './testdata/seed-articles.ts';

const fixtures = loadFixtures('articles.json');
const COPIES = 5;
/** Pages of 5 × 20 articles with a pool: the seeded articles span several. */
const BATCH = 20;

async function groupWith(threads: string) {
  const t = await createTestApp({ seedSchedules: false, env: { NEWSDESK_EVENTS_THREADS: threads } });
  try {
    await seedFixtureCopies(t, fixtures, COPIES, 10 * 60_000);
    const run = await runGroupTask(t, { lookbackHours: 24 * 60, batchSize: BATCH });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    return { result: run.result, placed: [...(await placements(t))].sort() };
  } finally {
    await t.close();
  }
}

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
