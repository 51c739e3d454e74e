// events.group through the task engine on a real app (temp SQLite): realistic Chinese and English articles
// seeded as enriched rows, grouped into events; a second run extends them with stable ids; the event API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createTestApp, waitFor, type TestApp } from '../../test/helpers/app.ts';
import type { StoreOptions } from '../store/store.ts';
import { seedContent } from '../store/testing-content.ts';
import { HOUR, loadFixtures } from './testdata/fixtures.ts';
import { placements, runGroupTask, seedArticle, SOURCE_NAMES } from './testdata/seed-articles.ts';

const fixtures = loadFixtures('articles.json');
/** Held back for the second run: a same-CVE follow-up of an existing event, and a new story. */
const LATER = new Set(['anquanke-fortinet-55591', 'en-ole-21298']);
// Fixtures are from January 2025; move them so the newest is an hour old (the API window is relative to now).
const SHIFT = Date.now() - HOUR - Math.max(...fixtures.map((f) => f.publishedAt ?? f.fetchedAt));

describe('events.group task and the event API', () => {
  let t: TestApp;
  let target: StoreOptions;
  const eventOf = new Map<string, string>();
  let firstResult: Record<string, number>;

  const group = () => runGroupTask(t);
  const eventIds = () => placements(t);

  beforeAll(async () => {
    t = await createTestApp({ seedSchedules: false });
    target = { kind: 'sqlite', file: (t.config.database as { file: string }).file };
    const sourceIds = [...new Set(fixtures.map((f) => f.sourceId))];
    await seedContent(target, {
      sources: sourceIds.map((id) => ({
        id,
        name: SOURCE_NAMES[id] ?? id,
        url: `https://${id}.example.test/feed`,
      })),
      articles: fixtures.filter((f) => !LATER.has(f.id)).map((f) => seedArticle(f, SHIFT)),
    });
    // Not enriched yet: never grouped.
    await seedContent(target, {
      articles: [
        {
          id: 'pending-1',
          sourceId: 'freebuf',
          title: 'Ivanti Connect Secure CVE-2025-0282',
          enrichState: 'pending',
        },
      ],
    });
    const e = await group();
    expect(e.status, JSON.stringify(e.error)).toBe('succeeded');
    firstResult = e.result as Record<string, number>;
    for (const [id, ev] of await eventIds()) if (ev) eventOf.set(id, ev);
  }, 30_000);
  afterAll(async () => {
    await t?.close();
  });

  it('groups the same story from several sources into one event and keeps unrelated stories apart', async () => {
    expect(firstResult).toMatchObject({
      articles: fixtures.length - LATER.size,
      eventsMerged: expect.any(Number),
    });
    expect(eventOf.size).toBe(fixtures.length - LATER.size);
    expect((await eventIds()).has('pending-1')).toBe(false);
    const byExpected = new Map<string, Set<string>>();
    for (const f of fixtures) {
      if (LATER.has(f.id)) continue;
      const set = byExpected.get(f.expect.event) ?? new Set<string>();
      set.add(eventOf.get(f.id)!);
      byExpected.set(f.expect.event, set);
    }
    for (const [name, ids] of byExpected) expect(ids.size, `${name} is one event`).toBe(1);
    // The Hyper-V zero-days may sit with the Patch Tuesday round-up that announced them; all else is apart.
    const others = [...byExpected].filter(([name]) => name !== 'hyperv').map(([, ids]) => [...ids][0]);
    expect(new Set(others).size, 'different stories are different events').toBe(others.length);
    const apart = ['bc-jal-ddos', 'zh-docomo-ddos', 'zh-bank-ddos', 'zh-airline-breach-unrelated'];
    expect(new Set(apart.map((id) => eventOf.get(id))).size).toBe(apart.length);
    expect(firstResult.eventsCreated).toBe(new Set(eventOf.values()).size);

    const ivanti = await t.app.store.events.get(eventOf.get('bc-ivanti-0282')!);
    expect(ivanti).toMatchObject({ articleCount: 6, mergedInto: null });
    expect(ivanti!.sourceCount).toBeGreaterThanOrEqual(5);
    expect(ivanti!.cves).toContain('CVE-2025-0282');
  });

  it('a second run places new articles in the existing events, with the same ids', async () => {
    const again = await group();
    expect(again.result).toEqual({ articles: 0, eventsCreated: 0, eventsExtended: 0, eventsMerged: 0 });

    await seedContent(target, {
      articles: fixtures.filter((f) => LATER.has(f.id)).map((f) => seedArticle(f, SHIFT)),
    });
    const e = await group();
    expect(e.status, JSON.stringify(e.error)).toBe('succeeded');
    expect(e.result).toEqual({ articles: 2, eventsCreated: 1, eventsExtended: 1, eventsMerged: 0 });
    expect(e.counters).toMatchObject({ processed: 2, success: 2 });
    const now = await eventIds();
    for (const [id, ev] of eventOf) expect(now.get(id), id).toBe(ev);
    expect(now.get('anquanke-fortinet-55591')).toBe(eventOf.get('bc-fortinet-55591'));
    const ole = now.get('en-ole-21298')!;
    expect([...eventOf.values()]).not.toContain(ole);
    const fortinet = await t.app.store.events.get(eventOf.get('bc-fortinet-55591')!);
    expect(fortinet?.articleCount).toBe(3);
  });

  it('GET /api/events lists events in the window with their sources, filtered by category', async () => {
    const month = await t.http.inject({ method: 'GET', url: '/api/events?window=60d&limit=100' });
    expect(month.statusCode, month.body).toBe(200);
    const body = month.json();
    expect(body.windowHours).toBe(60 * 24);
    expect(body.total).toBe(body.items.length);
    const ivanti = body.items.find((e: { id: string }) => e.id === eventOf.get('bc-ivanti-0282'));
    expect(ivanti).toMatchObject({ articleCount: 6, category: '重大漏洞风险提示' });
    expect(ivanti.sources.map((s: { name: string }) => s.name)).toEqual(
      expect.arrayContaining(['BleepingComputer', 'CISA', 'FreeBuf', 'SecurityWeek', 'The Hacker News']),
    );
    expect(ivanti.firstSeenAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$/);
    // Default window (72 h): the January 8-10 stories are over, the newest ones are listed.
    const recent = (await t.http.inject({ method: 'GET', url: '/api/events' })).json();
    const ids = recent.items.map((e: { id: string }) => e.id);
    expect(ids).toContain(eventOf.get('bc-fortinet-55591'));
    expect(ids).not.toContain(eventOf.get('bc-ivanti-0282'));
    expect(recent.windowHours).toBe(72);

    const category = encodeURIComponent('重大数据泄露事件');
    const leaks = (
      await t.http.inject({ method: 'GET', url: `/api/events?window=60d&category=${category}` })
    ).json();
    expect(leaks.items.map((e: { id: string }) => e.id).sort()).toEqual(
      [eventOf.get('bc-powerschool-breach'), eventOf.get('zh-airline-breach-unrelated')].sort(),
    );
    const page = (
      await t.http.inject({ method: 'GET', url: '/api/events?window=60d&limit=2&offset=1' })
    ).json();
    expect(page.items).toHaveLength(2);
    expect(page.items[0].id).toBe(body.items[1].id);
  });

  it('GET /api/events/{id} shows members with sources, titles, urls and times; 404 and 400 on bad input', async () => {
    const id = eventOf.get('bc-powerschool-breach')!;
    const res = await t.http.inject({ method: 'GET', url: `/api/events/${id}` });
    expect(res.statusCode, res.body).toBe(200);
    const detail = res.json();
    expect(detail.id).toBe(id);
    expect(detail.members.map((m: { articleId: string }) => m.articleId).sort()).toEqual(
      [
        'bc-powerschool-breach',
        'record-powerschool-districts',
        'zh-powerschool-breach',
        'zh-powerschool-breach-reprint',
      ].sort(),
    );
    const reprint = detail.members.find(
      (m: { articleId: string }) => m.articleId === 'zh-powerschool-breach-reprint',
    );
    expect(reprint.source).toEqual({ id: 'sohu-it', name: '搜狐科技' });
    expect(reprint.nearDuplicateOf).toBe('zh-powerschool-breach');
    const bc = detail.members.find((m: { articleId: string }) => m.articleId === 'bc-powerschool-breach');
    const f = fixtures.find((x) => x.id === 'bc-powerschool-breach')!;
    expect(bc).toMatchObject({
      title: f.title,
      originalTitle: f.originalTitle,
      url: f.canonicalUrl ?? expect.any(String),
    });
    expect(Date.parse(bc.publishedAt)).toBe(f.publishedAt! + SHIFT);

    const missing = await t.http.inject({ method: 'GET', url: '/api/events/evt_nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    for (const bad of ['abc', '0h', '72x']) {
      const r = await t.http.inject({ method: 'GET', url: `/api/events?window=${bad}` });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json().error.code).toBe('VALIDATION');
    }
  });

  it('GET /api/events is still the execution event stream for Accept: text/event-stream', async () => {
    await t.http.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.http.server.address() as { port: number };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 10_000);
    try {
      const res = await request(`http://127.0.0.1:${port}/api/events`, {
        headers: { accept: 'text/event-stream' },
        signal: controller.signal,
      });
      expect(res.statusCode).toBe(200);
      expect(String(res.headers['content-type'])).toContain('text/event-stream');
      const run = group();
      let text = '';
      for await (const chunk of res.body) {
        text += chunk.toString();
        if (
          /"task":"events\.group"[^\n]*"status":"succeeded"|"status":"succeeded"[^\n]*"task":"events\.group"/.test(
            text,
          )
        )
          break;
      }
      controller.abort();
      expect(text).toContain('event: status');
      expect((await run).status).toBe('succeeded');
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    await waitFor(() => t.http.sse.size === 0, 2_000);
  });
});
