// Loads the hand-written article fixtures (ISO dates in the JSON, epoch ms in the shape grouping reads).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EventArticle } from '../article.ts';

export interface FixtureArticle extends EventArticle {
  /** The incident (event) and, for reprints, the story cluster the article belongs to. */
  expect: { event: string; dup?: string };
}

export function loadFixtures(name: 'articles.json' | 'merge-articles.json'): FixtureArticle[] {
  const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, any>>;
  return raw.map((a) => ({
    ...a,
    publishedAt: Date.parse(a.publishedAt),
    fetchedAt: Date.parse(a.fetchedAt),
  })) as FixtureArticle[];
}

export const HOUR = 60 * 60 * 1000;
export const DAY = 24 * HOUR;
