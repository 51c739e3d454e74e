// Worker thread of the crawl's feed pool: parses feeds and keeps their entries until the main thread
// asks for the new ones (build) or lets them go (release).
import { serveThreadPool } from '../thread-worker.ts';
import type { EntryOptions } from './entry-article.ts';
import { buildJob, parseJob, type Parsed, type ParseJob } from './feed-jobs.ts';

type Request =
  | { id: number; kind: 'parse'; job: ParseJob }
  | { id: number; kind: 'build'; key: number; indexes: number[]; options: EntryOptions }
  | { id?: undefined; kind: 'release'; key: number };

/** Parsed feeds awaiting build; bounded in case a caller never comes back. */
const held = new Map<number, Parsed>();
const MAX_HELD = 256;

serveThreadPool<Request>((req) => {
  if (req.kind === 'release') {
    held.delete(req.key);
    return undefined;
  }
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
