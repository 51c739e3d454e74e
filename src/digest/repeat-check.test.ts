import { describe, expect, it } from 'vitest';
import {
  checkRepeats,
  pickRecentDigests,
  shiftDay,
  type JudgeItem,
  type RepeatFlag,
} from './repeat-check.ts';
import { cveIds, textSimilarity, tokenize, urlKey } from './similarity.ts';
import { earlier, today, yesterday } from './testdata/repeat-fixtures.ts';

const byItem = (flags: RepeatFlag[]) => new Map(flags.map((f) => [f.itemId, f]));

describe('checkRepeats', () => {
  it('flags the identical article, a near-duplicate and a same-CVE story, and nothing else', async () => {
    const { flags, judgeCalls } = await checkRepeats(today, [yesterday, earlier]);
    const f = byItem(flags);
    expect([...f.keys()].sort()).toEqual(['t-cve', 't-near', 't-same']);
    expect(f.get('t-same')).toMatchObject({
      reason: 'same_article',
      score: 1,
      matchedDigestId: 'dg-1128',
      matchedDigestDate: '2026-11-28',
      matchedItem: { id: 'y1', articleId: 'art-ransom' },
    });
    expect(f.get('t-near')).toMatchObject({ reason: 'near_duplicate', matchedItem: { id: 'y1' } });
    expect(f.get('t-near')!.score).toBeGreaterThanOrEqual(0.5);
    expect(f.get('t-cve')).toMatchObject({
      reason: 'same_event',
      detail: 'CVE-2026-64446',
      matchedItem: { id: 'y2' },
    });
    expect(judgeCalls).toBe(0);
  });

  it('matches the same URL under another article id, ignoring tracking parameters', async () => {
    const copy = {
      ...today.items[5],
      id: 'u',
      articleId: 'other-id',
      links: [{ url: 'https://freebuf.com/news/410001.html/#top', source: 'FreeBuf' }],
    };
    const { flags } = await checkRepeats({ ...today, items: [copy] }, [yesterday]);
    expect(flags).toEqual([
      expect.objectContaining({
        itemId: 'u',
        reason: 'same_article',
        detail: 'url freebuf.com/news/410001.html',
      }),
    ]);
  });

  it('flags the same event id', async () => {
    const a = { ...today.items[5], id: 'ev', eventId: 'E-9' };
    const prev = { ...yesterday, items: [{ ...yesterday.items[2], eventId: 'E-9' }] };
    const { flags } = await checkRepeats({ ...today, items: [a] }, [prev]);
    expect(flags[0]).toMatchObject({ reason: 'same_event', detail: 'event E-9', score: 1 });
  });

  it('asks the judge about borderline pairs only, and flags what it confirms', async () => {
    const asked: [JudgeItem, JudgeItem][] = [];
    const judge = async (a: JudgeItem, b: JudgeItem) => {
      asked.push([a, b]);
      return a.title.includes('酒店') && b.title.includes('酒店');
    };
    const { flags, judgeCalls } = await checkRepeats(today, [yesterday, earlier], { judge });
    const f = byItem(flags);
    expect(f.get('t-border')).toMatchObject({
      reason: 'same_event',
      confirmedByJudge: true,
      matchedItem: { id: 'y3' },
    });
    expect(f.has('t-unrelated')).toBe(false);
    expect(f.has('t-new')).toBe(false);
    // Definite matches never reach the judge; unrelated low scores neither.
    const askedIds = asked.map(([a]) => a.title);
    expect(askedIds).toContain(today.items[4].title);
    expect(askedIds).not.toContain(today.items[0].title);
    expect(askedIds).not.toContain(today.items[5].title);
    expect(judgeCalls).toBe(asked.length);
    expect(asked[0][1].date).toMatch(/^2026-11-2\d$/);
  });

  it('treats a failing judge as "no" and bounds the number of calls', async () => {
    let calls = 0;
    const failing = async () => {
      calls++;
      throw new Error('llm down');
    };
    const r = await checkRepeats(today, [yesterday, earlier], { judge: failing });
    expect(r.judgeErrors).toBe(calls);
    expect(r.flags.some((f) => f.confirmedByJudge)).toBe(false);
    const bounded = await checkRepeats(today, [yesterday, earlier], {
      judge: async () => true,
      maxJudgeCalls: 1,
    });
    expect(bounded.judgeCalls).toBe(1);
  });

  it('prefers the strongest reason, then the most recent digest', async () => {
    const again = { ...yesterday, id: 'dg-1127', date: '2026-11-27' };
    const { flags } = await checkRepeats({ ...today, items: [today.items[0]] }, [again, yesterday]);
    expect(flags).toHaveLength(1);
    expect(flags[0]).toMatchObject({ reason: 'same_article', matchedDigestId: 'dg-1128' });
  });

  it('ignores the digest being checked if it is passed among the recent ones', async () => {
    const { flags } = await checkRepeats(today, [today]);
    expect(flags).toEqual([]);
  });
});

describe('pickRecentDigests', () => {
  it('takes the last digest of each of the previous days', () => {
    const digests = [
      { id: 'a', date: '2026-11-28', createdAt: 1 },
      { id: 'b', date: '2026-11-28', createdAt: 5 },
      { id: 'c', date: '2026-11-26', createdAt: 2 },
      { id: 'd', date: '2026-11-25', createdAt: 9 },
      { id: 'e', date: '2026-11-29', createdAt: 9 },
    ];
    expect(pickRecentDigests(digests, '2026-11-29').map((d) => d.id)).toEqual(['b', 'c']);
    expect(pickRecentDigests(digests, '2026-11-29', 4).map((d) => d.id)).toEqual(['b', 'c', 'd']);
  });

  it('crosses month and year boundaries', () => {
    expect(shiftDay('2026-03-01', -1)).toBe('2026-02-28');
    expect(shiftDay('2027-01-01', -3)).toBe('2026-12-29');
  });
});

describe('similarity helpers', () => {
  it('tokenises Chinese per character and other scripts per word', () => {
    expect(tokenize('Apache Tomcat 漏洞（CVE-2026-1）')).toEqual([
      'apache',
      'tomcat',
      '漏',
      '洞',
      'cve',
      '2026',
      '1',
    ]);
  });

  it('scores reworded copies high and unrelated stories low', () => {
    expect(textSimilarity(today.items[1].summary, yesterday.items[0].summary)).toBeGreaterThan(0.5);
    expect(textSimilarity(today.items[3].summary, earlier.items[0].summary)).toBeLessThan(0.25);
  });

  it('normalises CVE ids and URLs', () => {
    expect([...cveIds('cve-2026-1234 and CVE 2025 55555, CVE‑2024‑0001')]).toEqual([
      'CVE-2026-1234',
      'CVE-2025-55555',
      'CVE-2024-0001',
    ]);
    expect(urlKey('HTTPS://WWW.Example.com/a/?utm_source=x&b=2&a=1#frag')).toBe('example.com/a?a=1&b=2');
  });
});
