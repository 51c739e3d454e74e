// Enrichment repositories on SQLite and PostgreSQL: claiming batches of articles, outcomes, re-process,
// call accounting with aggregates per model, source and local day, and the result cache.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EnrichmentWrite, LlmCallRecord } from './enrich-types.ts';
import { openStore } from './open-store.ts';
import { seedContent } from './testing-content.ts';
import { storeFactories, type DisposableStore, type StoreFactory } from './testing.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const STALE = 30 * MIN;

const RESULT: EnrichmentWrite = {
  mode: 'llm',
  language: 'en',
  titleZh: '某公司遭勒索软件攻击',
  summary: '摘要。',
  summarySource: 'llm',
  category: '重大网络安全事件',
  entities: [
    { type: 'victim', value: 'Acme' },
    { type: 'cve', value: 'CVE-2026-1234' },
  ],
  cves: ['CVE-2026-1234'],
  importance: 0.7,
  translation: 'llm',
  promptVersion: 'v1',
};

function call(more: Partial<LlmCallRecord> = {}): LlmCallRecord {
  return {
    articleId: 'a1',
    sourceId: null,
    executionId: null,
    step: 'single',
    model: 'm-small',
    promptTokens: 100,
    completionTokens: 20,
    cachedTokens: 10,
    reasoningTokens: 0,
    usageEstimated: false,
    latencyMs: 120,
    outcome: 'ok',
    errorCode: null,
    attempt: 1,
    repair: false,
    costUsd: 0.001,
    at: Date.UTC(2026, 10, 29, 12),
    ...more,
  };
}

describe.each(storeFactories)('enrichment store contract: $name', (factory: StoreFactory) => {
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

  async function seed(n: number, more: { fetchedAt?: (i: number) => number; sourceName?: string } = {}) {
    const t0 = Date.now() - HOUR;
    const { sourceIds } = await seedContent(store.options, {
      sources: [{ name: more.sourceName ?? 'Feed A' }],
    });
    const { articleIds } = await seedContent(store.options, {
      articles: Array.from({ length: n }, (_, i) => ({
        sourceId: sourceIds[0],
        title: `Article ${i}`,
        contentText: `Body ${i}`,
        fetchedAt: more.fetchedAt?.(i) ?? t0 + i * 1000,
      })),
    });
    return { sourceId: sourceIds[0], ids: articleIds };
  }

  async function liveExecution(): Promise<string> {
    const e = await store.executions.create({
      task: 'enrich.articles',
      payload: {},
      trigger: 'manual',
      maxAttempts: 1,
    });
    return e.id;
  }

  describe('claiming', () => {
    it('claims pending articles newest first, marks them running, and never hands one out twice', async () => {
      const { ids, sourceId } = await seed(5);
      const owner = await liveExecution();
      const now = Date.now();
      const first = await store.enrichment.claim({ owner, now, limit: 3, staleBefore: now - STALE });
      expect(first.map((a) => a.id)).toEqual([ids[4], ids[3], ids[2]]);
      expect(first[0]).toMatchObject({
        sourceId,
        title: 'Article 4',
        contentText: 'Body 4',
        useFeedSummary: false,
        attempts: 0,
      });
      expect((await store.enrichment.get(ids[4]))?.state).toBe('running');
      const second = await store.enrichment.claim({ owner, now, limit: 10, staleBefore: now - STALE });
      expect(second.map((a) => a.id)).toEqual([ids[1], ids[0]]);
      expect(await store.enrichment.claim({ owner, now, limit: 10, staleBefore: now - STALE })).toEqual([]);
      expect(await store.enrichment.stateCounts()).toMatchObject({ running: 5, pending: 0 });
    });

    it('splits articles between concurrent claimers on separate handles', async () => {
      const { ids } = await seed(40);
      const other = await openStore(store.options);
      try {
        const [a, b] = [await liveExecution(), await liveExecution()];
        const now = Date.now();
        const taken: string[] = [];
        const drain = async (s: typeof store | typeof other, owner: string) => {
          for (;;) {
            const got = await s.enrichment.claim({ owner, now, limit: 3, staleBefore: now - STALE });
            if (got.length === 0) return;
            taken.push(...got.map((x) => x.id));
          }
        };
        await Promise.all([drain(store, a), drain(other, b), drain(store, a), drain(other, b)]);
        expect(taken.sort()).toEqual([...ids].sort());
      } finally {
        await other.close();
      }
    });

    it('claims only the given ids, and only when they are due', async () => {
      const { ids } = await seed(4);
      const owner = await liveExecution();
      const now = Date.now();
      const got = await store.enrichment.claim({
        owner,
        now,
        limit: 10,
        ids: [ids[0], ids[2]],
        staleBefore: now - STALE,
      });
      expect(got.map((a) => a.id).sort()).toEqual([ids[0], ids[2]].sort());
      expect(
        await store.enrichment.claim({ owner, now, limit: 10, ids: [ids[0]], staleBefore: now - STALE }),
      ).toEqual([]);
      expect(await store.enrichment.countDue({ now, staleBefore: now - STALE })).toBe(2);
      expect(await store.enrichment.countDue({ now, staleBefore: now - STALE, ids: [ids[0], ids[1]] })).toBe(
        1,
      );
    });

    it('takes the newest due articles first whatever makes them due: pending, retry-due, abandoned', async () => {
      // 0 and 3 stay pending; 1 becomes retry-due; 2 is abandoned by a crashed run; 4 is live elsewhere.
      const { ids } = await seed(5);
      const live = await liveExecution();
      const now = Date.now();
      const take = (owner: string, id: string) =>
        store.enrichment.claim({ owner, now, limit: 1, ids: [id], staleBefore: 0 });
      await take(live, ids[1]);
      await store.enrichment.markFailed(
        ids[1],
        live,
        { code: 'LLM_SERVER', message: '500', nextRetryAt: now },
        now,
      );
      await take('crashed-execution', ids[2]);
      await take(live, ids[4]);
      const next = await liveExecution();
      const batches: string[][] = [];
      for (let got = [{ id: '' }]; got.length > 0;) {
        got = await store.enrichment.claim({ owner: next, now, limit: 2, staleBefore: now - STALE });
        if (got.length) batches.push(got.map((a) => a.id));
      }
      expect(batches).toEqual([
        [ids[3], ids[2]],
        [ids[1], ids[0]],
      ]);
    });

    it("takes over 'running' articles whose execution is gone or whose claim is stale, not live ones", async () => {
      const { ids } = await seed(3);
      const live = await liveExecution();
      const now = Date.now();
      await store.enrichment.claim({
        owner: 'crashed-execution',
        now,
        limit: 1,
        ids: [ids[0]],
        staleBefore: 0,
      });
      await store.enrichment.claim({
        owner: live,
        now: now - 2 * STALE,
        limit: 1,
        ids: [ids[1]],
        staleBefore: 0,
      });
      await store.enrichment.claim({ owner: live, now, limit: 1, ids: [ids[2]], staleBefore: 0 });
      expect(await store.enrichment.stateCounts()).toMatchObject({ running: 3 });

      const next = await liveExecution();
      const got = await store.enrichment.claim({ owner: next, now, limit: 10, staleBefore: now - STALE });
      expect(got.map((a) => a.id).sort()).toEqual([ids[0], ids[1]].sort());
      // The old owner can no longer write its outcome.
      expect(await store.enrichment.saveResult(ids[1], live, RESULT, now)).toBe(false);
      expect(await store.enrichment.saveResult(ids[1], next, RESULT, now)).toBe(true);
    });
  });

  describe('outcomes', () => {
    it('saves results with attempts + 1 and reads every field back', async () => {
      const { ids } = await seed(1);
      const owner = await liveExecution();
      const now = Date.now();
      await store.enrichment.claim({ owner, now, limit: 1, staleBefore: now - STALE });
      expect(await store.enrichment.saveResult(ids[0], owner, RESULT, now)).toBe(true);
      expect(await store.enrichment.get(ids[0])).toEqual({
        state: 'done',
        mode: 'llm',
        language: 'en',
        titleZh: '某公司遭勒索软件攻击',
        summary: '摘要。',
        summarySource: 'llm',
        category: '重大网络安全事件',
        entities: RESULT.entities,
        cves: ['CVE-2026-1234'],
        importance: 0.7,
        translation: 'llm',
        promptVersion: 'v1',
        attempts: 1,
        errorCode: null,
        errorMessage: null,
        nextRetryAt: null,
        skipReason: null,
        enrichedAt: now,
      });
      // Not running any more: a second write is refused.
      expect(await store.enrichment.saveResult(ids[0], owner, RESULT, now)).toBe(false);
      expect(await store.enrichment.get('missing')).toBeUndefined();
    });

    it('writes outcomes that arrive together, each with its own claim result', async () => {
      const { ids } = await seed(4);
      const owner = await liveExecution();
      const now = Date.now();
      await store.enrichment.claim({ owner, now, limit: 3, ids: ids.slice(0, 3), staleBefore: now - STALE });
      const held = await Promise.all([
        store.enrichment.saveResult(ids[0], owner, RESULT, now),
        store.enrichment.markFailed(
          ids[1],
          owner,
          { code: 'LLM_SERVER', message: '500', nextRetryAt: null },
          now,
        ),
        store.enrichment.saveResult(ids[3], owner, RESULT, now), // never claimed
        store.enrichment.markSkipped(ids[2], 'someone-else', 'no text', now), // not this claim
      ]);
      expect(held).toEqual([true, true, false, false]);
      expect((await Promise.all(ids.map((id) => store.enrichment.get(id)))).map((e) => e?.state)).toEqual([
        'done',
        'failed',
        'running',
        'pending',
      ]);
    });

    it('marks failures with a retry time, retries them when due, and keeps final failures out', async () => {
      const { ids } = await seed(3);
      const owner = await liveExecution();
      const now = Date.now();
      await store.enrichment.claim({ owner, now, limit: 3, staleBefore: now - STALE });
      await store.enrichment.markFailed(
        ids[0],
        owner,
        { code: 'LLM_SERVER', message: 'HTTP 500', nextRetryAt: now + MIN },
        now,
      );
      await store.enrichment.markFailed(
        ids[1],
        owner,
        { code: 'LLM_BAD_REQUEST', message: 'bad', nextRetryAt: null },
        now,
      );
      await store.enrichment.markSkipped(ids[2], owner, 'article has neither title nor text', now);

      expect(await store.enrichment.get(ids[0])).toMatchObject({
        state: 'failed',
        errorCode: 'LLM_SERVER',
        errorMessage: 'HTTP 500',
        attempts: 1,
        nextRetryAt: now + MIN,
      });
      expect(await store.enrichment.get(ids[2])).toMatchObject({
        state: 'skipped',
        skipReason: 'article has neither title nor text',
        attempts: 1,
      });
      expect(await store.enrichment.claim({ owner, now, limit: 10, staleBefore: now - STALE })).toEqual([]);
      const later = now + 2 * MIN;
      const retried = await store.enrichment.claim({
        owner,
        now: later,
        limit: 10,
        staleBefore: later - STALE,
      });
      expect(retried.map((a) => a.id)).toEqual([ids[0]]);
      expect(retried[0].attempts).toBe(1);
      expect(await store.enrichment.saveResult(ids[0], owner, RESULT, later)).toBe(true);
      expect(await store.enrichment.get(ids[0])).toMatchObject({
        state: 'done',
        attempts: 2,
        errorCode: null,
        nextRetryAt: null,
      });
      expect(await store.enrichment.stateCounts()).toEqual({
        pending: 0,
        running: 0,
        done: 1,
        failed: 1,
        skipped: 1,
      });
    });

    it('releases claimed articles back to pending, only for their owner', async () => {
      const { ids } = await seed(2);
      const owner = await liveExecution();
      const now = Date.now();
      await store.enrichment.claim({ owner, now, limit: 2, staleBefore: now - STALE });
      expect(await store.enrichment.release(ids, 'someone-else')).toBe(0);
      expect(await store.enrichment.release(ids, owner)).toBe(2);
      expect(await store.enrichment.get(ids[0])).toMatchObject({ state: 'pending', attempts: 0 });
    });
  });

  describe('re-process', () => {
    it('resets by ids, state, source and time, leaving running articles alone', async () => {
      const t0 = Date.now() - 10 * HOUR;
      const a = await seed(3, { fetchedAt: (i) => t0 + i * HOUR });
      const b = await seed(2, { fetchedAt: (i) => t0 + i * HOUR, sourceName: 'Feed B' });
      const owner = await liveExecution();
      const now = Date.now();
      const all = await store.enrichment.claim({ owner, now, limit: 10, staleBefore: now - STALE });
      expect(all).toHaveLength(5);
      for (const id of [...a.ids, b.ids[0]]) await store.enrichment.saveResult(id, owner, RESULT, now);
      await store.enrichment.markFailed(
        b.ids[1],
        owner,
        { code: 'LLM_SERVER', message: 'x', nextRetryAt: null },
        now,
      );

      expect(await store.enrichment.resetForReprocess({ states: ['failed'] })).toBe(1);
      expect(await store.enrichment.get(b.ids[1])).toMatchObject({
        state: 'pending',
        attempts: 0,
        errorCode: null,
        errorMessage: null,
      });
      expect(await store.enrichment.resetForReprocess({ sourceId: a.sourceId, since: t0 + HOUR })).toBe(2);
      expect(await store.enrichment.resetForReprocess({ sourceId: a.sourceId, until: t0 + HOUR })).toBe(1);
      // Earlier results stay until new ones replace them.
      expect(await store.enrichment.get(a.ids[0])).toMatchObject({ state: 'pending', summary: '摘要。' });
      expect(await store.enrichment.resetForReprocess({ ids: [] })).toBe(0);

      const owner2 = await liveExecution();
      await store.enrichment.claim({
        owner: owner2,
        now,
        limit: 1,
        ids: [b.ids[0]],
        staleBefore: now - STALE,
      });
      expect(await store.enrichment.resetForReprocess({ ids: [b.ids[0]] })).toBe(1);
      await store.enrichment.claim({
        owner: owner2,
        now,
        limit: 1,
        ids: [b.ids[0]],
        staleBefore: now - STALE,
      });
      expect(await store.enrichment.resetForReprocess({ ids: [b.ids[0]] })).toBe(0);
      expect((await store.enrichment.get(b.ids[0]))?.state).toBe('running');
    });
  });

  describe('llm usage', () => {
    it('records calls and gives the per-step usage of an article', async () => {
      await store.llmUsage.record(
        call({ step: 'translate', promptTokens: 50, completionTokens: 5, costUsd: 0.0005 }),
      );
      await store.llmUsage.record(
        call({
          step: 'summary',
          outcome: 'error',
          errorCode: 'LLM_SERVER',
          attempt: 1,
          costUsd: null,
          at: call().at + 1,
        }),
      );
      await store.llmUsage.record(
        call({ step: 'summary', attempt: 2, usageEstimated: true, repair: true, at: call().at + 2 }),
      );
      await store.llmUsage.record(call({ articleId: 'a2' }));

      const usage = await store.llmUsage.usageForArticle('a1');
      expect(usage.calls.map((c) => [c.step, c.attempt, c.outcome])).toEqual([
        ['translate', 1, 'ok'],
        ['summary', 1, 'error'],
        ['summary', 2, 'ok'],
      ]);
      expect(usage.calls[1]).toMatchObject({ errorCode: 'LLM_SERVER', costUsd: null });
      expect(usage.calls[2]).toMatchObject({ usageEstimated: true, repair: true, latencyMs: 120 });
      expect(usage.totals).toMatchObject({
        calls: 3,
        failures: 1,
        estimatedCalls: 1,
        promptTokens: 250,
        completionTokens: 45,
      });
      expect(usage.totals.costUsd).toBeCloseTo(0.0015, 10);
      expect(usage.bySteps.summary).toMatchObject({ calls: 2, failures: 1, promptTokens: 200 });
      expect(usage.bySteps.translate).toMatchObject({ calls: 1, promptTokens: 50 });
      expect((await store.llmUsage.usageForArticle('none')).calls).toEqual([]);
    });

    it('sums per model, per source (with names) and per local day within a range', async () => {
      const { sourceId } = await seed(0, { sourceName: 'Feed Named' });
      // 2026-11-29 15:30 UTC is 23:30 in Shanghai; 16:30 UTC is 00:30 the next day there.
      const late = Date.UTC(2026, 10, 29, 15, 30);
      const next = Date.UTC(2026, 10, 29, 16, 30);
      await store.llmUsage.record(call({ model: 'big', sourceId, costUsd: 0.01, at: late }));
      await store.llmUsage.record(
        call({ model: 'big', sourceId, costUsd: 0.02, at: next, outcome: 'invalid_output' }),
      );
      await store.llmUsage.record(call({ model: 'small', costUsd: 0.001, at: next }));
      await store.llmUsage.record(call({ model: 'small', costUsd: 0.001, at: next + 30 * 86_400_000 }));

      const range = { from: late - HOUR, to: next + HOUR };
      const byModel = await store.llmUsage.aggregate({
        groupBy: 'model',
        ...range,
        timeZone: 'Asia/Shanghai',
      });
      expect(byModel.map((g) => [g.key, g.calls, g.failures])).toEqual([
        ['big', 2, 1],
        ['small', 1, 0],
      ]);
      expect(byModel[0].costUsd).toBeCloseTo(0.03, 10);
      expect(byModel[0]).toMatchObject({ promptTokens: 200, completionTokens: 40, cachedTokens: 20 });

      const bySource = await store.llmUsage.aggregate({ groupBy: 'source', ...range, timeZone: 'UTC' });
      expect(bySource.map((g) => [g.key, g.label, g.calls])).toEqual([
        [sourceId, 'Feed Named', 2],
        ['', '(no source)', 1],
      ]);

      const shanghai = await store.llmUsage.aggregate({
        groupBy: 'day',
        ...range,
        timeZone: 'Asia/Shanghai',
      });
      expect(shanghai.map((g) => [g.key, g.calls])).toEqual([
        ['2026-11-29', 1],
        ['2026-11-30', 2],
      ]);
      const utc = await store.llmUsage.aggregate({ groupBy: 'day', ...range, timeZone: 'UTC' });
      expect(utc.map((g) => [g.key, g.calls])).toEqual([['2026-11-29', 3]]);
      const kolkata = await store.llmUsage.aggregate({ groupBy: 'day', ...range, timeZone: 'Asia/Kolkata' });
      // 15:30 UTC = 21:00 and 16:30 UTC = 22:00 in Kolkata (+05:30): one day.
      expect(kolkata.map((g) => [g.key, g.calls])).toEqual([['2026-11-29', 3]]);

      expect((await store.llmUsage.totals(range)).calls).toBe(3);
      expect((await store.llmUsage.totals({})).calls).toBe(4);
      expect(await store.llmUsage.costSince(next)).toBeCloseTo(0.022, 10);
      expect(await store.llmUsage.deleteBefore(next + HOUR)).toBe(3);
      expect((await store.llmUsage.totals({})).calls).toBe(1);
    });
  });

  describe('result cache', () => {
    it('stores, replaces and expires JSON results by key', async () => {
      expect(await store.enrichCache.get('k1')).toBeUndefined();
      await store.enrichCache.set('k1', { summary: '一', n: 1 }, 1000);
      await store.enrichCache.set('k2', { summary: '二' }, 5000);
      expect(await store.enrichCache.get('k1')).toEqual({ summary: '一', n: 1 });
      await store.enrichCache.set('k1', { summary: '新' }, 6000);
      expect(await store.enrichCache.get('k1')).toEqual({ summary: '新' });
      expect(await store.enrichCache.count()).toBe(2);
      expect(await store.enrichCache.deleteBefore(5500)).toBe(1);
      expect(await store.enrichCache.get('k2')).toBeUndefined();
      expect(await store.enrichCache.count()).toBe(1);
    });
  });
});
