import { describe, expect, it } from 'vitest';
import { selectItems, type SelectionCandidate } from './select.ts';

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 29, 0, 0, 0);

function cand(p: Partial<SelectionCandidate> & { articleId: string }): SelectionCandidate {
  return {
    eventId: null,
    category: '重大网络安全事件',
    title: `标题 ${p.articleId}`,
    summary: `摘要 ${p.articleId}`,
    url: `https://news.example/${p.articleId}`,
    source: `src-${p.articleId}`,
    importance: 5,
    publishedAt: T0,
    alreadyUsed: false,
    ...p,
  };
}

describe('selectItems', () => {
  it('makes one item per event: the most important member, with the other members as links', () => {
    const { items, skipped } = selectItems([
      cand({ articleId: 'a1', eventId: 'e1', importance: 6, source: 'FreeBuf' }),
      cand({ articleId: 'a2', eventId: 'e1', importance: 8, source: 'BleepingComputer' }),
      cand({ articleId: 'a3', eventId: 'e1', importance: 6, source: 'FreeBuf' }),
      cand({ articleId: 'a4', eventId: 'e1', importance: 7, source: '安全内参' }),
    ]);
    expect(items).toHaveLength(1);
    expect(items[0].articleId).toBe('a2');
    expect(items[0].eventId).toBe('e1');
    // One link per outlet, representative first, then by rank.
    expect(items[0].links.map((l) => l.source)).toEqual(['BleepingComputer', '安全内参', 'FreeBuf']);
    expect(
      skipped
        .filter((s) => s.reason === 'merged_into_event')
        .map((s) => s.articleId)
        .sort(),
    ).toEqual(['a1', 'a3', 'a4']);
  });

  it('ranks by importance, then recency, inside each category, in the configured category order', () => {
    const { items } = selectItems([
      cand({ articleId: 'old-high', importance: 9, publishedAt: T0 - 10 * H }),
      cand({ articleId: 'new-low', importance: 3, publishedAt: T0 }),
      cand({ articleId: 'new-high', importance: 9, publishedAt: T0 - H }),
      cand({ articleId: 'fin', importance: 1, category: '金融业网络安全事件' }),
      cand({ articleId: 'misc', importance: 10, category: '未知分类' }),
    ]);
    expect(items.map((i) => i.articleId)).toEqual(['fin', 'new-high', 'old-high', 'new-low', 'misc']);
    expect(items.map((i) => i.order)).toEqual([0, 1, 2, 3, 4]);
    expect(items.at(-1)!.category).toBe('其他');
  });

  it('ranks an event by its representative and its latest member', () => {
    const { items } = selectItems([
      cand({ articleId: 'x', importance: 7, publishedAt: T0 - 5 * H }),
      cand({ articleId: 'e-old', eventId: 'E', importance: 7, publishedAt: T0 - 6 * H }),
      cand({ articleId: 'e-new', eventId: 'E', importance: 2, publishedAt: T0 }),
    ]);
    expect(items.map((i) => i.articleId)).toEqual(['e-old', 'x']);
  });

  it('caps items per category, globally or per category', () => {
    const many = Array.from({ length: 6 }, (_, i) =>
      cand({ articleId: `v${i}`, category: '重大漏洞风险提示', importance: i }),
    );
    const fin = Array.from({ length: 3 }, (_, i) =>
      cand({ articleId: `f${i}`, category: '金融业网络安全事件', importance: i }),
    );
    const a = selectItems([...many, ...fin], { capPerCategory: 2 });
    expect(a.items.map((i) => i.articleId)).toEqual(['f2', 'f1', 'v5', 'v4']);
    expect(a.skipped.filter((s) => s.reason === 'over_category_cap')).toHaveLength(5);
    const b = selectItems([...many, ...fin], { capPerCategory: { default: 1, 重大漏洞风险提示: 3 } });
    expect(b.items.map((i) => i.articleId)).toEqual(['f2', 'v5', 'v4', 'v3']);
  });

  it('never reuses an article from an earlier digest', () => {
    const { items, skipped } = selectItems([
      cand({ articleId: 'used', eventId: 'E', importance: 10, alreadyUsed: true }),
      cand({ articleId: 'fresh', eventId: 'E', importance: 4 }),
      cand({ articleId: 'solo-used', importance: 10, alreadyUsed: true }),
    ]);
    expect(items.map((i) => i.articleId)).toEqual(['fresh']);
    expect(items[0].links.map((l) => l.url)).toEqual(['https://news.example/fresh']);
    expect(skipped).toContainEqual({ articleId: 'solo-used', reason: 'already_used', eventId: null });
  });

  it('can skip whole events that already appeared', () => {
    const { items, skipped } = selectItems(
      [
        cand({ articleId: 'used', eventId: 'E', alreadyUsed: true }),
        cand({ articleId: 'fresh', eventId: 'E' }),
        cand({ articleId: 'other' }),
      ],
      { skipEventsAlreadyUsed: true },
    );
    expect(items.map((i) => i.articleId)).toEqual(['other']);
    expect(skipped).toContainEqual({ articleId: 'fresh', reason: 'event_already_used', eventId: 'E' });
  });

  it('limits links per item and ignores duplicate candidates', () => {
    const members = Array.from({ length: 8 }, (_, i) =>
      cand({ articleId: `m${i}`, eventId: 'E', importance: 8 - i }),
    );
    const { items } = selectItems([...members, members[0]], { maxLinksPerItem: 3 });
    expect(items).toHaveLength(1);
    expect(items[0].links.map((l) => l.source)).toEqual(['src-m0', 'src-m1', 'src-m2']);
  });

  it('returns nothing for nothing', () => {
    expect(selectItems([])).toEqual({ items: [], skipped: [] });
  });
});
