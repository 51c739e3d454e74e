// Fingerprints computed on a worker thread equal the inline ones, arrive in order, start before the caller
// yields (so they overlap its work), and group the fixtures exactly as inline fingerprints do.
import { afterAll, describe, expect, it } from 'vitest';
import { EventGrouper } from './event-grouper.ts';
import { fingerprintArticle } from './fingerprint.ts';
import { FingerprintPool } from './fingerprint-pool.ts';
import { loadFixtures } from './testdata/fixtures.ts';

const fixtures = loadFixtures('articles.json');

describe('FingerprintPool', () => {
  const pool = new FingerprintPool({ threads: 1, fingerprint: { bodyChars: 1500 } });
  afterAll(() => pool.close());

  it('computes on its thread what fingerprintArticle computes inline', async () => {
    const chunk = await pool.fingerprint(fixtures);
    expect(pool.counts.threaded).toBe(1);
    expect(chunk.fingerprints).toEqual(fixtures.map((a) => fingerprintArticle(a, { bodyChars: 1500 })));
    expect(chunk.ms).toBeGreaterThan(0);
  });

  it("moves a chunk's arrays in one buffer: every array of the chunk is a view into it", async () => {
    const { fingerprints } = await pool.fingerprint(fixtures);
    const buffers = new Set(
      fingerprints.flatMap((fp) => [fp.lead.buffer, fp.leadTerms.buffer, fp.titleTerms.buffer]),
    );
    expect(buffers.size).toBe(1);
  });

  it('sends a request before the caller yields, so the thread works while the caller does', async () => {
    await pool.warmUp();
    const pending = pool.fingerprint(fixtures);
    expect(pool.inFlight).toBe(1);
    await pending;
    expect(pool.inFlight).toBe(0);
  });

  it('yields chunks in order, each with its own fingerprints', async () => {
    const seen: string[] = [];
    for await (const chunk of pool.chunks(fixtures, 7)) {
      expect(chunk.fingerprints).toHaveLength(chunk.articles.length);
      expect(chunk.fingerprints[0]).toEqual(fingerprintArticle(chunk.articles[0], { bodyChars: 1500 }));
      seen.push(...chunk.articles.map((a) => a.id));
    }
    expect(seen).toEqual(fixtures.map((a) => a.id));
  });

  it('groups the fixtures exactly as fingerprints computed inline do', async () => {
    const threaded = new EventGrouper();
    const inline = new EventGrouper();
    const events = (result: ReturnType<EventGrouper['group']>) =>
      result.assignments.map((a) => `${a.articleId}:${a.eventId}:${a.clusterId}:${a.reason}`);
    const viaThreads: string[] = [];
    const onePool = new FingerprintPool({ threads: 1, fingerprint: threaded.fingerprintOptions });
    try {
      for await (const chunk of onePool.chunks(fixtures, 10))
        viaThreads.push(...events(threaded.group(chunk.articles, { fingerprints: chunk.fingerprints })));
    } finally {
      await onePool.close();
    }
    const here: string[] = [];
    for (let i = 0; i < fixtures.length; i += 10)
      here.push(...events(inline.group(fixtures.slice(i, i + 10))));
    expect(viaThreads).toEqual(here);
    expect(new Set(here.map((a) => a.split(':')[1])).size).toBeLessThan(fixtures.length);
  });

  it('without threads, computes each chunk only when it is asked for', async () => {
    const none = new FingerprintPool({ threads: 0 });
    const chunks = none.chunks(fixtures, 5);
    const first = await chunks.next();
    expect(first.value?.fingerprints).toHaveLength(5);
    expect(none.counts.inline).toBe(1);
    await chunks.return(undefined);
    await none.close();
  });

  it('computes inline with no threads', async () => {
    const none = new FingerprintPool({ threads: 0 });
    const chunk = await none.fingerprint(fixtures.slice(0, 3));
    expect(none.counts).toEqual({ threaded: 0, inline: 1 });
    expect(chunk.fingerprints).toEqual(fixtures.slice(0, 3).map((a) => fingerprintArticle(a)));
    await none.close();
  });
});
