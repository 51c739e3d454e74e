import { describe, expect, it } from 'vitest';
import type { DigestArticle } from '../store/digest-types.ts';
import { startOfLocalDay } from '../time.ts';
import {
  candidateFromArticle,
  groupKey,
  isValidDay,
  itemFromArticle,
  itemLinks,
  selectionWindow,
} from './from-articles.ts';
import { selectItems } from './select.ts';

const HOUR = 3_600_000;
const TZ = 'Asia/Shanghai';

function article(id: string, more: Partial<DigestArticle> = {}): DigestArticle {
  return {
    id,
    sourceId: 's',
    sourceName: 'FreeBuf',
    url: `https://example.test/${id}`,
    title: `Title ${id}`,
    titleZh: null,
    summary: null,
    category: null,
    importance: null,
    cves: [],
    eventId: null,
    duplicateOf: null,
    enrichState: 'done',
    enrichMode: 'llm',
    publishedAt: null,
    fetchedAt: 1000,
    enrichedAt: 1000,
    alreadyUsed: false,
    ...more,
  };
}

describe('isValidDay', () => {
  it('accepts real calendar days only', () => {
    expect(isValidDay('2026-11-29')).toBe(true);
    expect(isValidDay('2028-02-29')).toBe(true);
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '2026-00-10', '2026-1-5', '20261129', ''])
      expect(isValidDay(bad), bad).toBe(false);
  });
});

describe('items from articles', () => {
  it('uses the translation, an empty summary and the fallback category when enrichment left them out', () => {
    const item = itemFromArticle(article('a', { title: 'English title' }), [], 3);
    expect(item).toEqual({
      articleId: 'a',
      eventId: null,
      category: '其他',
      title: 'English title',
      summary: '',
      links: [{ url: 'https://example.test/a', source: 'FreeBuf' }],
      order: 3,
    });
    expect(itemFromArticle(article('b', { titleZh: '中文标题', summary: '摘要' }), [], 0)).toMatchObject({
      title: '中文标题',
      summary: '摘要',
    });
  });

  it('links the article first, then other outlets of its event, one per URL and outlet, at most five', () => {
    const member = (id: string, sourceName: string, url = `https://m.test/${id}`) => ({
      eventId: 'e',
      articleId: id,
      url,
      sourceName,
      publishedAt: null,
      fetchedAt: 0,
    });
    const links = itemLinks(article('a', { url: 'https://a.test/x', sourceName: 'FreeBuf' }), [
      member('a', 'FreeBuf', 'https://a.test/x'),
      member('b', 'FreeBuf'),
      member('c', '安全内参'),
      member('d', 'Bleeping', 'https://a.test/x'),
      member('e', 'E'),
      member('f', 'F'),
      member('g', 'G'),
      member('h', 'H'),
    ]);
    expect(links.map((l) => l.source)).toEqual(['FreeBuf', '安全内参', 'E', 'F', 'G']);
  });

  it('groups by event, else by the article a duplicate points at', () => {
    expect(groupKey(article('a', { eventId: 'e1' }))).toBe('event:e1');
    expect(groupKey(article('a'))).toBe('article:a');
    expect(groupKey(article('b', { duplicateOf: 'a' }))).toBe('article:a');
    // The same story from two outlets by URL becomes one item with both links.
    const picked = selectItems(
      [
        article('a', { importance: 2, sourceName: 'A' }),
        article('b', { duplicateOf: 'a', importance: 1, sourceName: 'B', url: 'https://example.test/b' }),
      ].map(candidateFromArticle),
    );
    expect(picked.items).toHaveLength(1);
    expect(picked.items[0].links.map((l) => l.source)).toEqual(['A', 'B']);
  });
});

describe('selectionWindow', () => {
  const date = '2026-11-30';
  const endOfDay = startOfLocalDay('2026-12-01', TZ);

  it('starts at the previous digest and ends now', () => {
    const now = endOfDay - 10 * HOUR;
    expect(
      selectionWindow({ date, timeZone: TZ, now, previousCreatedAt: now - 24 * HOUR, lookbackHours: 72 }),
    ).toEqual({
      since: now - 24 * HOUR,
      until: now,
      notFetchedBefore: now - 72 * HOUR,
    });
  });

  it('never looks back further than the lookback, also without a previous digest', () => {
    const now = endOfDay - HOUR;
    const w = selectionWindow({
      date,
      timeZone: TZ,
      now,
      previousCreatedAt: now - 500 * HOUR,
      lookbackHours: 72,
    });
    expect(w.since).toBe(now - 72 * HOUR);
    expect(selectionWindow({ date, timeZone: TZ, now, lookbackHours: 48 }).since).toBe(now - 48 * HOUR);
  });

  it('ends with the digest day when that day is over', () => {
    const now = endOfDay + 5 * 24 * HOUR;
    const w = selectionWindow({ date, timeZone: TZ, now, lookbackHours: 24 });
    expect(w).toEqual({
      since: endOfDay - 24 * HOUR,
      until: endOfDay,
      notFetchedBefore: endOfDay - 24 * HOUR,
    });
  });
});
