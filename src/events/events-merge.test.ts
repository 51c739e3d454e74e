// events.group across runs when a later article bridges two saved events: the older id survives, the other
// is marked merged, every member moves, and the API resolves the absorbed id to the survivor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';
import type { StoreOptions } from '../store/store.ts';
import { seedContent } from '../store/testing-content.ts';
import { HOUR, loadFixtures } from './testdata/fixtures.ts';
import { placements, runGroupTask, seedArticle } from './testdata/seed-articles.ts';

const [citrixEn, citrixZh, boeingEn, boeingZh, bridge] = loadFixtures('merge-articles.json');
const SHIFT = Date.now() - HOUR - bridge.publishedAt!;

describe('events.group merges saved events', () => {
  let t: TestApp;
  let target: StoreOptions;

  beforeAll(async () => {
    t = await createTestApp({ seedSchedules: false });
    target = { kind: 'sqlite', file: (t.config.database as { file: string }).file };
    const ids = [...new Set([citrixEn, citrixZh, boeingEn, boeingZh, bridge].map((f) => f.sourceId))];
    await seedContent(target, {
      sources: ids.map((id) => ({ id, name: id, url: `https://${id}.example.test/` })),
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('keeps the older event id, records the merge and moves every member', async () => {
    await seedContent(target, { articles: [citrixEn, citrixZh].map((f) => seedArticle(f, SHIFT)) });
    expect((await runGroupTask(t)).result).toMatchObject({ articles: 2, eventsCreated: 1 });
    await seedContent(target, { articles: [boeingEn, boeingZh].map((f) => seedArticle(f, SHIFT)) });
    expect((await runGroupTask(t)).result).toMatchObject({ articles: 2, eventsCreated: 1 });
    const before = await placements(t);
    const citrixId = before.get(citrixEn.id)!;
    const boeingId = before.get(boeingEn.id)!;
    expect(boeingId).not.toBe(citrixId);

    await seedContent(target, { articles: [seedArticle(bridge, SHIFT)] });
    const run = await runGroupTask(t);
    expect(run.result).toEqual({ articles: 1, eventsCreated: 0, eventsExtended: 1, eventsMerged: 1 });
    const after = await placements(t);
    for (const f of [citrixEn, citrixZh, boeingEn, boeingZh, bridge])
      expect(after.get(f.id), f.id).toBe(citrixId);
    expect((await t.app.store.events.get(boeingId))?.mergedInto).toBe(citrixId);
    expect(await t.app.store.events.get(citrixId)).toMatchObject({ articleCount: 5, mergedInto: null });

    const list = (await t.http.inject({ method: 'GET', url: '/api/events?window=7d' })).json();
    expect(list.items.map((e: { id: string }) => e.id)).toEqual([citrixId]);
    const detail = await t.http.inject({ method: 'GET', url: `/api/events/${boeingId}` });
    expect(detail.statusCode).toBe(200);
    expect(detail.json().id).toBe(citrixId);
    expect(detail.json().members).toHaveLength(5);
  });
});
