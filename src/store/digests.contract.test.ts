// Digest repositories and the article read-model, on SQLite and PostgreSQL.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DigestItemInput } from './digest-types.ts';
import { seedContent, type SeedArticle } from './testing-content.ts';
import { storeFactories, type DisposableStore, type StoreFactory } from './testing.ts';

const HOUR = 3_600_000;

function item(articleId: string, more: Partial<DigestItemInput> = {}): DigestItemInput {
  return {
    articleId,
    eventId: null,
    category: '重大漏洞风险提示',
    title: `标题 ${articleId}`,
    summary: `摘要 ${articleId}`,
    links: [{ url: `https://news.example.test/${articleId}`, source: 'FreeBuf' }],
    ...more,
  };
}

describe.each(storeFactories)('digest store contract: $name', (factory: StoreFactory) => {
  let store: DisposableStore;

  beforeAll(async () => {
    store = await factory.create();
  });
  beforeEach(async () => {
    await store.reset();
  });
  afterAll(async () => {
    await store?.destroy();
  });

  describe('digests', () => {
    it('creates a digest with ordered items and reads every field back', async () => {
      const d = await store.digests.create({
        date: '2026-11-29',
        title: '',
        intro: '导语',
        items: [item('a1', { eventId: 'ev1' }), item('a2', { summary: '' })],
        createdAt: 1_800_000_000_000,
      });
      expect(d).toMatchObject({
        date: '2026-11-29',
        title: '',
        intro: '导语',
        status: 'draft',
        revision: 1,
        publicToken: null,
        pdf: null,
        checkedAt: null,
        deliveredAt: null,
        createdAt: 1_800_000_000_000,
        itemCount: 2,
      });
      expect(d.items.map((i) => [i.articleId, i.order, i.eventId])).toEqual([
        ['a1', 0, 'ev1'],
        ['a2', 1, null],
      ]);
      expect(d.items[0].links).toEqual([{ url: 'https://news.example.test/a1', source: 'FreeBuf' }]);
      expect(await store.digests.get(d.id)).toEqual(d);
      expect(await store.digests.get('missing')).toBeUndefined();
    });

    it('refuses the same article twice in one digest', async () => {
      await expect(
        store.digests.create({ date: '2026-11-29', items: [item('a1'), item('a1')] }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      expect((await store.digests.list()).total).toBe(0);
    });

    it('lists newest first with item counts, totals, paging and a date filter', async () => {
      const a = await store.digests.create({ date: '2026-11-28', items: [item('x')], createdAt: 1000 });
      const b = await store.digests.create({ date: '2026-11-29', items: [], createdAt: 2000 });
      const c = await store.digests.create({
        date: '2026-11-29',
        items: [item('y'), item('z')],
        createdAt: 3000,
      });
      const all = await store.digests.list();
      expect(all.total).toBe(3);
      expect(all.items.map((d) => d.id)).toEqual([c.id, b.id, a.id]);
      expect(all.items.map((d) => d.itemCount)).toEqual([2, 0, 1]);
      const page = await store.digests.list({ limit: 1, offset: 1 });
      expect(page).toMatchObject({ total: 3, items: [{ id: b.id }] });
      const day = await store.digests.list({ date: '2026-11-28' });
      expect(day).toMatchObject({ total: 1, items: [{ id: a.id }] });
      expect((await store.digests.latestBefore('2026-11-29'))?.id).toBe(a.id);
      expect((await store.digests.latestBefore('2026-11-30'))?.id).toBe(c.id);
      expect(await store.digests.latestBefore('2026-11-28')).toBeUndefined();
      const range = await store.digests.listByDateRange('2026-11-28', '2026-11-29');
      expect(range.map((d) => [d.id, d.items.length])).toEqual([
        [c.id, 2],
        [b.id, 0],
        [a.id, 1],
      ]);
    });

    it('edits keep item ids, reorder, add and remove, bump the revision and drop the cached PDF', async () => {
      const d = await store.digests.create({
        date: '2026-11-29',
        items: [item('a1'), item('a2'), item('a3')],
      });
      await store.digests.setPdf(d.id, { file: 'digests/x/a.pdf', key: 'k1', renderedAt: 5 });
      await store.digests.setStatus(d.id, { status: 'checked', checkedAt: 7, checkedRevision: 1 });
      const [i1, i2, i3] = d.items;
      const edited = await store.digests.edit(d.id, {
        title: '周末特刊',
        items: [{ ...i3, title: '改过的标题' }, { ...i1 }, item('a4', { category: '其他' })],
      });
      expect(edited).toMatchObject({
        title: '周末特刊',
        intro: '',
        revision: 2,
        status: 'draft',
        pdf: null,
        checkedAt: 7,
      });
      expect(edited!.items.map((i) => [i.id, i.articleId, i.order])).toEqual([
        [i3.id, 'a3', 0],
        [i1.id, 'a1', 1],
        [expect.any(String), 'a4', 2],
      ]);
      expect(edited!.items[0].title).toBe('改过的标题');
      expect(edited!.items.map((i) => i.id)).not.toContain(i2.id);
      expect(await store.digests.edit('missing', { title: 'x' })).toBeUndefined();
      await expect(store.digests.edit(d.id, { items: [{ ...i2 }] })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(store.digests.edit(d.id, { items: [{ ...i1 }, item('a1')] })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      // Failed edits change nothing.
      expect((await store.digests.get(d.id))!.revision).toBe(2);
    });

    it('records a PDF only for the revision it was rendered from', async () => {
      const d = await store.digests.create({ date: '2026-11-29', items: [item('a1')] });
      expect(await store.digests.setPdf(d.id, { file: 'f.pdf', key: 'k', renderedAt: 9 }, 1)).toBe(true);
      expect((await store.digests.get(d.id))!.pdf).toEqual({ file: 'f.pdf', key: 'k', renderedAt: 9 });
      expect(await store.digests.listPdfs()).toEqual([
        { id: d.id, pdf: { file: 'f.pdf', key: 'k', renderedAt: 9 } },
      ]);
      await store.digests.edit(d.id, { intro: 'x' });
      expect(await store.digests.setPdf(d.id, { file: 'old.pdf', key: 'k0', renderedAt: 1 }, 1)).toBe(false);
      expect((await store.digests.get(d.id))!.pdf).toBeNull();
      expect(await store.digests.listPdfs()).toEqual([]);
    });

    it('finds a digest by its public token; tokens are unique', async () => {
      const a = await store.digests.create({ date: '2026-11-29', items: [] });
      const b = await store.digests.create({ date: '2026-11-29', items: [] });
      await store.digests.setPublicToken(a.id, 'tok-123');
      expect((await store.digests.getByPublicToken('tok-123'))?.id).toBe(a.id);
      await expect(store.digests.setPublicToken(b.id, 'tok-123')).rejects.toMatchObject({ code: 'CONFLICT' });
      await store.digests.setPublicToken(a.id, null);
      expect(await store.digests.getByPublicToken('tok-123')).toBeUndefined();
    });

    it('keeps repeat flags per item; removing an item or the digest removes its flags', async () => {
      const prev = await store.digests.create({ date: '2026-11-28', items: [item('p1')] });
      const d = await store.digests.create({ date: '2026-11-29', items: [item('a1'), item('a2')] });
      const flag = (itemId: string) => ({
        itemId,
        matchedDigestId: prev.id,
        matchedDigestDate: prev.date,
        matchedItemId: prev.items[0].id,
        matchedArticleId: 'p1',
        matchedTitle: '旧标题',
        reason: 'near_duplicate',
        score: 0.734,
        detail: 'text 0.734',
        confirmedByJudge: false,
      });
      const saved = await store.digests.replaceRepeatFlags(
        d.id,
        [flag(d.items[0].id), flag(d.items[1].id)],
        42,
      );
      expect(saved).toHaveLength(2);
      expect(saved[0]).toMatchObject({ ...flag(d.items[0].id), digestId: d.id, createdAt: 42 });
      // Replacing drops the old set.
      await store.digests.replaceRepeatFlags(d.id, [{ ...flag(d.items[1].id), confirmedByJudge: true }]);
      expect(await store.digests.listRepeatFlags(d.id)).toMatchObject([
        { itemId: d.items[1].id, confirmedByJudge: true },
      ]);
      await store.digests.edit(d.id, { items: [{ ...d.items[0] }] });
      expect(await store.digests.listRepeatFlags(d.id)).toEqual([]);
      // Deleting the matched digest keeps the flag's record of what it matched.
      await store.digests.replaceRepeatFlags(d.id, [flag(d.items[0].id)]);
      expect(await store.digests.delete(prev.id)).toBe(true);
      expect(await store.digests.listRepeatFlags(d.id)).toHaveLength(1);
      expect(await store.digests.delete(d.id)).toBe(true);
      expect(await store.digests.delete(d.id)).toBe(false);
      expect(await store.digests.listRepeatFlags(d.id)).toEqual([]);
    });

    it('records delivery attempts in order, with their errors', async () => {
      const d = await store.digests.create({ date: '2026-11-29', items: [] });
      const base = {
        digestId: d.id,
        executionId: 'ex1',
        channelId: 'ch1',
        channelName: '安全部飞书群',
        channelType: 'feishu',
        response: null,
        nextRetryInMs: null,
        durationMs: 12,
      };
      await store.digests.recordDeliveryAttempt({
        ...base,
        attempt: 1,
        ok: false,
        status: 500,
        response: 'boom',
        error: {
          type: 'DeliveryError',
          kind: 'http',
          code: 'UPSTREAM_HTTP',
          message: 'HTTP 500',
          retryable: true,
        },
        nextRetryInMs: 20,
        at: 1000,
      });
      await store.digests.recordDeliveryAttempt({
        ...base,
        attempt: 2,
        ok: true,
        status: 200,
        error: null,
        at: 2000,
      });
      const list = await store.digests.listDeliveryAttempts(d.id);
      expect(list.map((a) => [a.attempt, a.ok, a.status])).toEqual([
        [1, false, 500],
        [2, true, 200],
      ]);
      expect(list[0]).toMatchObject({
        response: 'boom',
        nextRetryInMs: 20,
        error: { kind: 'http', retryable: true },
      });
      await store.digests.delete(d.id);
      expect(await store.digests.listDeliveryAttempts(d.id)).toEqual([]);
    });
  });

  describe('delivery channels', () => {
    it('creates, reads, lists, updates and deletes; names are unique', async () => {
      const config = {
        type: 'feishu',
        webhookUrl: 'https://open.feishu.cn/hook/abc123456',
        secret: 's3cret',
      };
      const ch = await store.deliveryChannels.create({ name: '飞书群', type: 'feishu', config });
      expect(ch).toMatchObject({ name: '飞书群', type: 'feishu', enabled: true, description: null, config });
      expect(await store.deliveryChannels.get(ch.id)).toEqual(ch);
      expect(await store.deliveryChannels.getByName('飞书群')).toEqual(ch);
      await expect(
        store.deliveryChannels.create({ name: '飞书群', type: 'slack', config: {} }),
      ).rejects.toMatchObject({ code: 'CONFLICT' });
      const other = await store.deliveryChannels.create({
        name: 'A mail',
        type: 'email',
        config: { to: ['x@y.z'] },
      });
      expect((await store.deliveryChannels.list()).map((c) => c.name)).toEqual(['A mail', '飞书群']);
      const updated = await store.deliveryChannels.update(ch.id, { enabled: false, description: '备用' });
      expect(updated).toMatchObject({ enabled: false, description: '备用', config });
      await expect(store.deliveryChannels.update(other.id, { name: '飞书群' })).rejects.toMatchObject({
        code: 'CONFLICT',
      });
      expect(await store.deliveryChannels.update('missing', { enabled: true })).toBeUndefined();
      expect(await store.deliveryChannels.delete(ch.id)).toBe(true);
      expect(await store.deliveryChannels.get(ch.id)).toBeUndefined();
    });
  });

  describe('article read-model', () => {
    it('selects enriched articles in the window, with source name, event and prior use', async () => {
      const now = Date.UTC(2026, 10, 29, 0, 0);
      const { sourceIds } = await seedContent(store.options, {
        sources: [{ name: 'FreeBuf' }, { name: 'Bleeping' }],
      });
      const [s1, s2] = sourceIds;
      const a = (id: string, more: Partial<SeedArticle> = {}): SeedArticle => ({
        id,
        sourceId: s1,
        titleZh: `中文 ${id}`,
        summary: `摘要 ${id}`,
        category: '重大漏洞风险提示',
        fetchedAt: now - HOUR,
        ...more,
      });
      await seedContent(store.options, {
        articles: [
          a('in-1', { importance: 3, cves: ['CVE-2026-1'], eventId: 'ev1' }),
          a('in-2', { sourceId: s2, importance: 9, eventId: 'ev1', publishedAt: now - 2 * HOUR }),
          a('offline', { enrichState: 'skipped', enrichMode: 'offline', enrichedAt: now - HOUR }),
          a('pending', { titleZh: null, summary: null, category: null }),
          a('failed', { enrichState: 'failed', enrichMode: 'llm', enrichedAt: null }),
          a('old', { fetchedAt: now - 100 * HOUR }),
          a('late-enriched', { fetchedAt: now - 30 * HOUR, enrichedAt: now - HOUR }),
          a('future', { fetchedAt: now + HOUR }),
          a('used', { fetchedAt: now - 2 * HOUR }),
          a('used-today', { fetchedAt: now - 2 * HOUR }),
        ],
      });
      await store.digests.create({ date: '2026-11-28', items: [item('used')] });
      await store.digests.create({ date: '2026-11-29', items: [item('used-today')] });

      const rows = await store.digestArticles.candidates({
        since: now - 24 * HOUR,
        until: now,
        notFetchedBefore: now - 72 * HOUR,
        date: '2026-11-29',
      });
      expect(rows.map((r) => r.id).sort()).toEqual(
        ['in-1', 'in-2', 'late-enriched', 'offline', 'used', 'used-today'].sort(),
      );
      // Most important first.
      expect(rows[0].id).toBe('in-2');
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(byId.get('in-1')).toMatchObject({
        sourceId: s1,
        sourceName: 'FreeBuf',
        titleZh: '中文 in-1',
        summary: '摘要 in-1',
        category: '重大漏洞风险提示',
        importance: 3,
        cves: ['CVE-2026-1'],
        eventId: 'ev1',
        enrichState: 'done',
        fetchedAt: now - HOUR,
        alreadyUsed: false,
      });
      expect(byId.get('in-2')).toMatchObject({ sourceName: 'Bleeping', publishedAt: now - 2 * HOUR });
      expect(byId.get('used')!.alreadyUsed).toBe(true);
      // A digest of the same day is not "earlier".
      expect(byId.get('used-today')!.alreadyUsed).toBe(false);
      // Without the lower bound an old article enriched lately would come too; the bound keeps it out.
      const bounded = await store.digestArticles.candidates({
        since: now - 24 * HOUR,
        until: now,
        notFetchedBefore: now - 24 * HOUR,
        date: '2026-11-29',
        limit: 2,
      });
      expect(bounded.map((r) => r.id)).toEqual(['in-2', 'in-1']);
    });

    it('reads articles by id whatever their state, and the members of events', async () => {
      const { sourceIds } = await seedContent(store.options, {
        sources: [{ name: '安全内参' }, { name: 'FreeBuf' }],
      });
      await seedContent(store.options, {
        articles: [
          {
            id: 'x1',
            sourceId: sourceIds[0],
            url: 'https://a.test/1',
            eventId: 'e1',
            fetchedAt: 3000,
            publishedAt: 2000,
          },
          {
            id: 'x2',
            sourceId: sourceIds[1],
            url: 'https://b.test/2',
            eventId: 'e1',
            fetchedAt: 1000,
            publishedAt: 1000,
          },
          { id: 'x3', sourceId: sourceIds[1], url: 'https://b.test/3', eventId: 'e2', fetchedAt: 1000 },
          { id: 'x4', sourceId: sourceIds[1], url: 'https://b.test/4', fetchedAt: 1000 },
        ],
      });
      await store.digests.create({ date: '2026-11-01', items: [item('x1')] });
      const got = await store.digestArticles.getByIds(['x1', 'x4', 'nope'], '2026-11-02');
      expect(got.map((r) => [r.id, r.enrichState, r.alreadyUsed]).sort()).toEqual([
        ['x1', 'pending', true],
        ['x4', 'pending', false],
      ]);
      expect((await store.digestArticles.getByIds(['x1']))[0].alreadyUsed).toBe(false);
      const members = await store.digestArticles.eventMembers(['e1', 'e2', 'e1']);
      expect(members.map((m) => [m.eventId, m.articleId, m.sourceName])).toEqual([
        ['e1', 'x2', 'FreeBuf'],
        ['e2', 'x3', 'FreeBuf'],
        ['e1', 'x1', '安全内参'],
      ]);
      expect(await store.digestArticles.eventMembers([])).toEqual([]);
    });
  });
});
