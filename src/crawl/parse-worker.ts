// Worker thread of the crawl's parser pool: parses feeds and keeps their entries until the main thread
// asks for the new ones (build) or lets them go (release); extracts articles from page HTML.
import { serveThreadPool } from '../thread-worker.ts';
import type { EntryOptions } from './entry-article.ts';
import { extractArticleHtml, type PageExtractOptions } from './extract/extract-article.ts';
import { buildJob, parseJob, type Parsed, type ParseJob } from './feed-jobs.ts';

type Request =
  | { id: number; kind: 'parse'; job: ParseJob }
  | { id: number; kind: 'build'; key: number; indexes: number[]; options: EntryOptions }
  | { id?: undefined; kind: 'release'; key: number }
  | { id: number; kind: 'extract'; html: string; url: string; options: PageExtractOptions };

/** Parsed feeds awaiting build; bounded in case a caller never comes back. */
const held = new Map<number, Parsed>();
const MAX_HELD = 256;

serveThreadPool<Request>((req) => {
  if (req.kind === 'release') {
    held.delete(req.key);
    return undefined;
  }
  if (req.kind === 'extract') return extractArticleHtml(req.html, req.url, req.options);
  if (req.kind === 'parse') {
    const parsed = parseJob(req.job);
    held.set(req.id, parsed);
    if (held.size > MAX_HELD) held.delete(held.keys().next().value!);
    return parsed.summary;
  }
  const parsed = held.get(req.key);
  held.delete(req.key);
  if (!parsed) throw new Error('parsed feed no longer held');
  return buildJob(parsed, req.indexes, req.options);
});
