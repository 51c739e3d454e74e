import { describe, expect, it } from 'vitest';
import { fingerprintArticle } from './fingerprint.ts';
import { NearDuplicateIndex, type NearDuplicateDoc } from './near-duplicate-index.ts';
import { DAY, HOUR, loadFixtures } from './testdata/fixtures.ts';
import { syntheticArticles } from './testdata/synthetic.ts';
import { articleTime, type EventArticle } from './article.ts';

function doc(article: EventArticle): NearDuplicateDoc {
  return { id: article.id, at: articleTime(article), fingerprint: fingerprintArticle(article) };
}

describe('NearDuplicateIndex', () => {
  const fixtures = loadFixtures('articles.json');
  const byId = new Map(fixtures.map((a) => [a.id, a]));

  function indexed(except: string[] = []): NearDuplicateIndex {
    const index = new NearDuplicateIndex();
    for (const a of fixtures) if (!except.includes(a.id)) index.add(doc(a));
    return index;
  }

  it('finds a reworded reprint of an English story and of a Chinese story', () => {
    const index = indexed(['csn-ivanti-0282-reprint', 'zh-powerschool-breach-reprint']);
    const english = index.query(doc(byId.get('csn-ivanti-0282-reprint')!).fingerprint, {
      minSimilarity: 0.6,
    });
    expect(english.map((m) => m.id)).toEqual(['bc-ivanti-0282']);
    expect(english[0].body).toBeGreaterThan(0.8);
    const chinese = index.query(doc(byId.get('zh-powerschool-breach-reprint')!).fingerprint, {
      minSimilarity: 0.6,
    });
    expect(chinese.map((m) => m.id)).toEqual(['zh-powerschool-breach']);
  });

  it('does not call different stories on the same incident or sharing vocabulary duplicates', () => {
    const index = indexed(['thn-ivanti-0282', 'zh-docomo-ddos']);
    // Same CVE, different story: an event member, not a near-duplicate.
    expect(index.query(doc(byId.get('thn-ivanti-0282')!).fingerprint, { minSimilarity: 0.6 })).toEqual([]);
    // "日本…遭DDoS攻击" like the JAL story, but another victim.
    expect(index.query(doc(byId.get('zh-docomo-ddos')!).fingerprint, { minSimilarity: 0.6 })).toEqual([]);
  });

  it('excludes the document itself on request and forgets removed documents', () => {
    const index = indexed();
    const self = doc(byId.get('bc-ivanti-0282')!);
    expect(index.query(self.fingerprint, { minSimilarity: 0.99 }).map((m) => m.id)).toContain(
      'bc-ivanti-0282',
    );
    expect(
      index.query(self.fingerprint, { excludeId: self.id, minSimilarity: 0.6 }).map((m) => m.id),
    ).toEqual(['csn-ivanti-0282-reprint']);
    expect(index.remove('csn-ivanti-0282-reprint')).toBe(true);
    expect(index.remove('csn-ivanti-0282-reprint')).toBe(false);
    expect(index.query(self.fingerprint, { excludeId: self.id, minSimilarity: 0.6 })).toEqual([]);
    expect(index.size).toBe(fixtures.length - 1);
  });

  it('expires documents older than the window, oldest first, and replaces on re-add', () => {
    const index = new NearDuplicateIndex();
    const base = Date.parse('2025-01-01T00:00:00Z');
    const articles = syntheticArticles(5, 7, base, DAY);
    for (const a of articles) index.add(doc(a));
    index.add(doc({ ...articles[0], publishedAt: base + 10 * DAY, fetchedAt: base + 10 * DAY }));
    const expired = index.expireBefore(base + 2 * DAY + HOUR);
    expect(expired.map((d) => d.id)).toEqual([articles[1].id, articles[2].id]);
    expect(index.size).toBe(3);
    expect(index.has(articles[0].id)).toBe(true);
    expect(index.query(doc(articles[1]).fingerprint, { minSimilarity: 0.99 })).toEqual([]);
  });

  it('examines a bounded number of candidates however large the archive gets', () => {
    const bucketCap = 8;
    const flood = (copies: number) => {
      // The same wire story reprinted over and over: every copy lands in the same buckets.
      const index = new NearDuplicateIndex({ bucketCap });
      const story = fixtures[0];
      for (let i = 0; i < copies; i++)
        index.add(doc({ ...story, id: `copy-${i}`, title: `${story.title} ${i}` }));
      index.query(doc(story).fingerprint);
      return index.lastCandidateCount;
    };
    const small = flood(200);
    const large = flood(2_000);
    // Buckets keep the most recent `bucketCap` documents: 24 bands (14 headline + 10 body) × cap at most.
    expect(large).toBeLessThanOrEqual(24 * bucketCap);
    // Ten times the archive, (almost) the same work: only the bucket contents changed.
    expect(large).toBeLessThanOrEqual(small + bucketCap);

    // Distinct stories sharing common words rarely meet at all.
    const index = new NearDuplicateIndex({ bucketCap });
    for (const a of syntheticArticles(2_000, 11, 0, 1000)) index.add(doc(a));
    let reached = 0;
    for (const a of syntheticArticles(50, 99, 0, 1000)) {
      index.query(doc(a).fingerprint);
      reached += index.lastCandidateCount;
    }
    expect(reached / 50).toBeLessThan(2);
  });
});
