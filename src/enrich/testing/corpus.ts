// Real article texts from the shared corpus (read in place, never copied), for tests and benchmarks.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function corpusDir(): string {
  return path.resolve(process.cwd(), '../shared/corpus');
}

export interface CorpusArticle {
  id: string;
  url: string;
  /** The corpus has no titles: this is derived from the URL slug, or the first line when there is none. */
  title: string;
  text: string;
}

function titleFromUrl(url: string, text: string): string {
  const firstLine = text.split('\n')[0].slice(0, 80);
  // A romanised slug is no title for a Japanese or Russian page.
  const nonLatin = text.slice(0, 500).match(/[^\p{Script=Latin}\p{P}\p{N}\s]/gu)?.length ?? 0;
  if (nonLatin > 100) return firstLine;
  const segments = new URL(url).pathname.split('/').filter(Boolean);
  const slug = segments
    .map((s) => s.replace(/\.[a-z]+$/i, ''))
    .reverse()
    .find((s) => /[a-z]{3,}.*[-_][a-z]{2,}/i.test(s));
  if (slug) {
    const words = slug
      .replace(/[-_]+/g, ' ')
      .replace(/\b\d{5,}\b/g, '')
      .trim();
    return words.charAt(0).toUpperCase() + words.slice(1);
  }
  return firstLine;
}

/** The 89 annotated article bodies of the ScrapingHub article-extraction benchmark. */
export function loadGroundTruthArticles(): CorpusArticle[] {
  const file = path.join(corpusDir(), 'extraction/scrapinghub-aeb/ground-truth.json');
  const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { articleBody: string; url: string }>;
  return Object.entries(data).map(([id, v]) => ({
    id,
    url: v.url,
    title: titleFromUrl(v.url, v.articleBody),
    text: v.articleBody,
  }));
}

/** Items (title + description) of a real GB2312-encoded Chinese news feed from the chardet test suite. */
export function loadChineseFeedItems(): { title: string; text: string; url: string }[] {
  const file = path.join(corpusDir(), 'feeds/chardet/GB2312/acnnewswire.net.xml');
  const xml = new TextDecoder('gb18030').decode(readFileSync(file));
  const items: { title: string; text: string; url: string }[] = [];
  for (const m of xml.matchAll(/<item>([\s\S]*?)<\/item>/g)) {
    const title = /<title>([\s\S]*?)<\/title>/.exec(m[1])?.[1]?.trim() ?? '';
    const raw = /<description><!\[CDATA\[([\s\S]*?)\]\]><\/description>/.exec(m[1])?.[1] ?? '';
    const text = raw.replace(/\s*\.\.\. more\s*$/, '').trim();
    const url = (/<link>([\s\S]*?)<\/link>/.exec(m[1])?.[1] ?? '').replace(/&amp;/g, '&');
    if (title && text) items.push({ title, text, url });
  }
  return items;
}
