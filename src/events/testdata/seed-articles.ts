// Test-only: fixture articles as enriched article rows in a real database, and the events.group run.
import { expect } from 'vitest';
import { createTestApp, waitFor, type TestApp } from '../../../test/helpers/app.ts';
import { seedContent, type SeedArticle } from '../../store/testing-content.ts';
import type { Execution } from '../../store/types.ts';
import { EVENTS_GROUP_TASK } from '../register.ts';
import { HOUR, type FixtureArticle } from './fixtures.ts';

export const SOURCE_NAMES: Record<string, string> = {
  bleepingcomputer: 'BleepingComputer',
  thehackernews: 'The Hacker News',
  freebuf: 'FreeBuf',
  securityweek: 'SecurityWeek',
  cisa: 'CISA',
  cybersecuritynews: 'Cyber Security News',
  anquanke: '安全客',
  secrss: '安全内参',
  'sohu-it': '搜狐科技',
  therecord: 'The Record',
};

/** The fixture as an enriched article row, its times moved by `shift` ms. */
export function seedArticle(f: FixtureArticle, shift: number): SeedArticle {
  return {
    id: f.id,
    sourceId: f.sourceId,
    url: f.canonicalUrl ?? `https://${f.sourceId}.example.test/${f.id}`,
    title: f.originalTitle ?? f.title,
    titleZh: f.title,
    summary: f.summary ?? null,
    contentText: f.text ?? null,
    publishedAt: f.publishedAt! + shift,
    fetchedAt: f.fetchedAt + shift,
    category: f.category ?? null,
    cves: f.cves ? [...f.cves] : [],
    entities: (f.entities ?? []).map((e) =>
      typeof e === 'string' ? { type: 'other', value: e } : { type: String(e.type), value: e.name },
    ),
    enrichState: 'done',
  };
}

/**
 * `copies` copies of the fixtures (with their sources) in the app's SQLite database, the newest an hour
 * old and each copy `spacingMs` older than the one before; `more` changes a copy's row.
 */
export async function seedFixtureCopies(
  t: TestApp,
  fixtures: readonly FixtureArticle[],
  copies: number,
  spacingMs: number,
  more: (f: FixtureArticle, copy: number) => Partial<SeedArticle> = () => ({}),
): Promise<void> {
  const target = { kind: 'sqlite' as const, file: (t.config.database as { file: string }).file };
  const sourceIds = [...new Set(fixtures.map((f) => f.sourceId))];
  await seedContent(target, { sources: sourceIds.map((id) => ({ id, name: id })) });
  const shift = Date.now() - HOUR - Math.max(...fixtures.map((f) => f.publishedAt ?? f.fetchedAt));
  for (let copy = 0; copy < copies; copy++)
    await seedContent(target, {
      articles: fixtures.map((f) => ({
        ...seedArticle(f, shift - copy * spacingMs),
        id: `${f.id}-${copy}`,
        url: `https://${f.sourceId}.example.test/${f.id}/${copy}`,
        ...more(f, copy),
      })),
    });
}

/** Run events.group through the engine and wait for its end. */
export async function runGroupTask(
  t: TestApp,
  payload: unknown = { lookbackHours: 24 * 60 },
): Promise<Execution> {
  const { execution } = await t.app.engine.enqueue(EVENTS_GROUP_TASK, payload, { trigger: 'manual' });
  return waitFor(async () => {
    const e = await t.app.store.executions.get(execution.id);
    return e && ['succeeded', 'failed', 'timed_out', 'cancelled'].includes(e.status) ? e : undefined;
  }, 15_000);
}

/** Article id → event id, read back through the events repository. */
export async function placements(t: TestApp): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const { items } = await t.app.store.events.list({ since: 0, limit: 500, offset: 0 });
  for (const item of items)
    for (const m of (await t.app.store.events.detail(item.id))!.members) out.set(m.articleId, item.id);
  return out;
}

/**
 * In a fresh app: `copies` copies of the fixtures ten minutes apart, grouped by events.group with `payload`
 * (over 60 days by default); its result and every placement, sorted.
 */
export async function groupFreshCopies(
  fixtures: readonly FixtureArticle[],
  copies: number,
  payload: Record<string, unknown>,
  env: Record<string, string> = {},
): Promise<{ result: unknown; placed: [string, string][] }> {
  const t = await createTestApp({ seedSchedules: false, env });
  try {
    await seedFixtureCopies(t, fixtures, copies, 10 * 60_000);
    const run = await runGroupTask(t, { lookbackHours: 24 * 60, ...payload });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    return { result: run.result, placed: [...(await placements(t))].sort() };
  } finally {
    await t.close();
  }
}
