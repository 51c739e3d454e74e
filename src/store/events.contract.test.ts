// Events repository on SQLite and PostgreSQL: ungrouped enriched articles, saving a grouping batch (events,
// signatures, article placement), the window's state, merges moving members to the older event, list/detail.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArticleSignature, StoredEvent } from './events-types.ts';
import { seedContent } from './testing-content.ts';
import { storeFactories, type DisposableStore, type StoreFactory } from './testing.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20, 8);

function event(id: string, more: Partial<StoredEvent> = {}): StoredEvent {
  return {
    id,
    label: `Label ${id}`,
    category: '重大漏洞风险提示',
    firstSeenAt: T0,
    lastSeenAt: T0 + HOUR,
    articleCount: 2,
    sourceCount: 2,
    cves: ['CVE-2026-0001'],
    mergedInto: null,
    state: { id, articleIds: ['x'], nested: { ok: true } },
    createdAt: T0,
    updatedAt: T0,
    ...more,
  };
}

function signature(articleId: string, eventId: string, sourceId: string, at: number): ArticleSignature {
  return {
    articleId,
    eventId,
    clusterId: articleId,
    nearDupOf: null,
    sourceId,
    at,
    fingerprint: `{"v":1,"id":"${articleId}"}`,
    cves: ['CVE-2026-0001'],
    reason: 'new',
    score: 0,
    groupedAt: T0 + 10 * HOUR,
  };
}

describe.each(storeFactories)('events store contract: $name', (factory: StoreFactory) => {
  let store: DisposableStore;
  let sources: string[];
  let articles: string[];

  beforeAll(async () => {
    store = await factory.create();
  });
  beforeEach(async () => {
    await store.reset();
    sources = (
      await seedContent(store.options, {
        sources: [{ name: 'Alpha News' }, { name: 'Beta 安全' }],
      })
    ).sourceIds;
    articles = (
      await seedContent(store.options, {
        articles: [
          { id: 'a1', sourceId: sources[0], title: 'Old', titleZh: '旧', publishedAt: T0 - 10 * HOUR },
          {
            id: 'a2',
            sourceId: sources[0],
            title: 'Flaw',
            titleZh: '漏洞',
            summary: '摘要',
            contentText: 'Body text',
            publishedAt: T0,
            fetchedAt: T0 + HOUR,
            cves: ['CVE-2026-0001'],
            entities: [{ type: 'vendor', value: 'Acme' }],
            category: '重大漏洞风险提示',
          },
          {
            id: 'a3',
            sourceId: sources[1],
            title: 'Same flaw',
            titleZh: '同一漏洞',
            contentText: '同一漏洞的正文',
            publishedAt: T0 + HOUR,
          },
          { id: 'a4', sourceId: sources[1], title: 'Not enriched', publishedAt: T0 + 2 * HOUR },
          { id: 'a5', sourceId: sources[1], title: 'Other', titleZh: '其他', publishedAt: T0 + 3 * HOUR },
        ],
      })
    ).articleIds;
  });
  afterAll(async () => {
    await store?.destroy();
  });

  it('pendingArticles: enriched, not yet grouped, inside the lookback, oldest first, with what grouping reads', async () => {
    const pending = await store.events.pendingArticles({ since: T0 - HOUR, limit: 10 });
    expect(pending.map((a) => a.id)).toEqual(['a2', 'a3', 'a5']);
    expect(pending[0]).toEqual({
      id: 'a2',
      sourceId: sources[0],
      title: 'Flaw',
      titleZh: '漏洞',
      summary: '摘要',
      text: 'Body text',
      publishedAt: T0,
      fetchedAt: T0 + HOUR,
      cves: ['CVE-2026-0001'],
      entities: [{ type: 'vendor', value: 'Acme' }],
      category: '重大漏洞风险提示',
      canonicalUrl: expect.any(String),
    });
    expect((await store.events.pendingArticles({ since: T0 - HOUR, limit: 2 })).map((a) => a.id)).toEqual([
      'a2',
      'a3',
    ]);
    await store.events.saveGrouping({
      events: [event('evt_1')],
      signatures: [signature('a2', 'evt_1', sources[0], T0)],
      merged: [],
    });
    expect((await store.events.pendingArticles({ since: T0 - HOUR, limit: 10 })).map((a) => a.id)).toEqual([
      'a3',
      'a5',
    ]);
    expect(articles).toHaveLength(5);
  });

  it('pendingArticles cuts each text to textChars characters (not bytes) when asked', async () => {
    const cut = await store.events.pendingArticles({ since: T0 - HOUR, limit: 10, textChars: 4 });
    expect(cut.map((a) => [a.id, a.text])).toEqual([
      ['a2', 'Body'],
      ['a3', '同一漏洞'],
      ['a5', null],
    ]);
  });

  it('saveGrouping stores events and signatures, places articles; windowState reads the window back', async () => {
    await store.events.saveGrouping({
      events: [event('evt_1'), event('evt_2', { firstSeenAt: T0 + 3 * HOUR, lastSeenAt: T0 + 3 * HOUR })],
      signatures: [
        signature('a2', 'evt_1', sources[0], T0),
        {
          ...signature('a3', 'evt_1', sources[1], T0 + HOUR),
          nearDupOf: 'a2',
          clusterId: 'a2',
          reason: 'duplicate',
          score: 0.8,
        },
        signature('a5', 'evt_2', sources[1], T0 + 3 * HOUR),
      ],
      merged: [],
    });
    const state = await store.events.windowState(T0 + 30 * 60_000);
    expect(state.signatures.map((s) => s.articleId)).toEqual(['a3', 'a5']);
    expect(state.signatures[0]).toEqual({
      ...signature('a3', 'evt_1', sources[1], T0 + HOUR),
      nearDupOf: 'a2',
      clusterId: 'a2',
      reason: 'duplicate',
      score: 0.8,
    });
    expect(state.events.map((e) => e.id)).toEqual(['evt_1', 'evt_2']);
    expect(state.events[0]).toEqual(event('evt_1'));

    // Upsert: a later batch changes the event in place.
    await store.events.saveGrouping({
      events: [
        event('evt_1', {
          articleCount: 3,
          lastSeenAt: T0 + 5 * HOUR,
          updatedAt: T0 + 9 * HOUR,
          label: '新标签',
        }),
      ],
      signatures: [],
      merged: [],
    });
    expect(await store.events.get('evt_1')).toMatchObject({
      articleCount: 3,
      label: '新标签',
      createdAt: T0,
    });

    const detail = await store.events.detail('evt_1');
    expect(detail?.members.map((m) => [m.articleId, m.sourceName, m.nearDupOf])).toEqual([
      ['a2', 'Alpha News', null],
      ['a3', 'Beta 安全', 'a2'],
    ]);
    expect(detail?.sources.map((s) => s.name)).toEqual(['Alpha News', 'Beta 安全']);
    expect(detail?.members[0]).toMatchObject({
      title: 'Flaw',
      titleZh: '漏洞',
      publishedAt: T0,
      fetchedAt: T0 + HOUR,
    });
    expect(await store.events.detail('evt_missing')).toBeUndefined();
  });

  it('merges move members to the older event, chains resolve, list hides merged events', async () => {
    await store.events.saveGrouping({
      events: [
        event('evt_old'),
        event('evt_mid', { lastSeenAt: T0 + 2 * HOUR }),
        event('evt_new', { lastSeenAt: T0 + 3 * HOUR, category: '其他' }),
      ],
      signatures: [
        signature('a2', 'evt_old', sources[0], T0),
        signature('a3', 'evt_mid', sources[1], T0 + HOUR),
        signature('a5', 'evt_new', sources[1], T0 + 3 * HOUR),
      ],
      merged: [],
    });
    let list = await store.events.list({ since: T0, limit: 10, offset: 0 });
    expect(list.items.map((e) => e.id)).toEqual(['evt_new', 'evt_mid', 'evt_old']);
    expect(list.total).toBe(3);
    expect(list.items[2].sources).toEqual([{ id: sources[0], name: 'Alpha News' }]);
    expect(
      (await store.events.list({ since: T0, category: '其他', limit: 10, offset: 0 })).items.map((e) => e.id),
    ).toEqual(['evt_new']);
    expect((await store.events.list({ since: T0 + 2 * HOUR, limit: 10, offset: 0 })).total).toBe(2);
    expect((await store.events.list({ since: T0, limit: 1, offset: 1 })).items.map((e) => e.id)).toEqual([
      'evt_mid',
    ]);

    await store.events.saveGrouping({
      events: [event('evt_old', { articleCount: 2 })],
      signatures: [],
      merged: [{ id: 'evt_mid', into: 'evt_old' }],
    });
    await store.events.saveGrouping({
      events: [],
      signatures: [],
      merged: [{ id: 'evt_old', into: 'evt_new' }],
    });
    expect((await store.events.get('evt_mid'))?.mergedInto).toBe('evt_new');
    expect((await store.events.get('evt_old'))?.mergedInto).toBe('evt_new');
    list = await store.events.list({ since: T0, limit: 10, offset: 0 });
    expect(list.items.map((e) => e.id)).toEqual(['evt_new']);
    expect(list.items[0].sources.map((s) => s.name).sort()).toEqual(['Alpha News', 'Beta 安全']);
    const detail = await store.events.detail('evt_mid');
    expect(detail?.id).toBe('evt_new');
    expect(detail?.members.map((m) => m.articleId)).toEqual(['a2', 'a3', 'a5']);
    const state = await store.events.windowState(0);
    expect(new Set(state.signatures.map((s) => s.eventId))).toEqual(new Set(['evt_new']));
    expect(state.events.map((e) => e.id)).toEqual(['evt_new']);
  });
});
