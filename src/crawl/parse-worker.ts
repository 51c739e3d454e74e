// Worker thread of the feed parser pool: parses feeds and keeps their entries until the main thread asks
// for the new ones (build) or lets them go (release); answers by request id.
import { parentPort } from 'node:worker_threads';
import type { EntryOptions } from './entry-article.ts';
import { buildJob, parseJob, type Parsed, type ParseJob } from './feed-jobs.ts';

type Request =
  | { id: number; kind: 'parse'; job: ParseJob }
  | { id: number; kind: 'build'; key: number; indexes: number[]; options: EntryOptions }
  | { kind: 'release'; key: number };

/** Parsed feeds awaiting build; bounded in case a caller never comes back. */
const held = new Map<number, Parsed>();
const MAX_HELD = 256;

const port = parentPort!;
port.on('message', (req: Request) => {
  if (req.kind === 'release') {
    held.delete(req.key);
    return;
  }
  try {
    if (req.kind === 'parse') {
      const parsed = parseJob(req.job);
      held.set(req.id, parsed);
      if (held.size > MAX_HELD) held.delete(held.keys().next().value!);
      port.postMessage({ id: req.id, result: parsed.summary });
    } else {
      const parsed = held.get(req.key);
      held.delete(req.key);
      if (!parsed) throw new Error('parsed feed no longer held');
      port.postMessage({ id: req.id, result: buildJob(parsed, req.indexes, req.options) });
    }
  } catch (err) {
    const e = err as Error & { code?: string; url?: string };
    port.postMessage({ id: req.id, error: { name: e.name, message: e.message, code: e.code, url: e.url } });
  }
});
port.postMessage({ ready: true });
