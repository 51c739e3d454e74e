// Test helpers for enrichment wired into a real app: seed articles in its SQLite file, run a task to its
// end, read the rows back.
import { seedContent } from '../../store/testing-content.ts';
import type { StoreOptions } from '../../store/store.ts';
import { TERMINAL_STATUSES, type Execution } from '../../store/types.ts';
import { waitFor, type TestApp } from '../../../test/helpers/app.ts';

export function storeOptionsOf(t: TestApp): StoreOptions {
  const db = t.config.database;
  if (db.kind !== 'sqlite') throw new Error('these tests run on the SQLite store');
  return { kind: 'sqlite', file: db.file };
}

export interface SeedItem {
  title: string;
  text?: string | null;
  feedSummary?: string | null;
  fetchedAt?: number;
}

/** One source with the given articles; returns the source id and the article ids in order. */
export async function seedArticles(
  t: TestApp,
  items: SeedItem[],
  source: { name?: string } = {},
): Promise<{ sourceId: string; ids: string[] }> {
  const target = storeOptionsOf(t);
  const { sourceIds } = await seedContent(target, { sources: [{ name: source.name ?? 'Test Feed' }] });
  const now = Date.now();
  const { articleIds } = await seedContent(target, {
    articles: items.map((it, i) => ({
      sourceId: sourceIds[0],
      title: it.title,
      contentText: it.text ?? null,
      feedSummary: it.feedSummary ?? null,
      fetchedAt: it.fetchedAt ?? now - 60_000 + i,
    })),
  });
  return { sourceId: sourceIds[0], ids: articleIds };
}

export async function finished(t: TestApp, executionId: string, timeoutMs = 20_000): Promise<Execution> {
  return waitFor(async () => {
    const e = await t.app.store.executions.get(executionId);
    return e && TERMINAL_STATUSES.includes(e.status) ? e : undefined;
  }, timeoutMs);
}

/** Enqueue a task manually and wait for its execution to end. */
export async function runTask(t: TestApp, task: string, payload: unknown = {}): Promise<Execution> {
  const { execution } = await t.app.engine.enqueue(task, payload, { trigger: 'manual' });
  return finished(t, execution.id);
}
