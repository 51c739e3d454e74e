// The corpus feeds the crawl benchmarks serve as news sources, and the per-source copy of a feed: every
// absolute URL gets a per-source host prefix, so each source's article URLs are its own.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeBody } from '../src/crawl/fetch/charset.ts';
import { parseFeedText } from '../src/crawl/parse/feed.ts';

export const CORPUS_FEEDS = path.resolve(import.meta.dirname, '../../shared/corpus/feeds');
const MAX_FEED_BYTES = 512 * 1024;

/** Corpus feeds that read as news sources: parseable, >= 3 entries with links, not a podcast-sized file. */
export function selectFeeds(): { files: string[]; skipped: string[] } {
  const all: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else all.push(path.relative(CORPUS_FEEDS, p));
    }
  };
  walk(CORPUS_FEEDS);
  const files: string[] = [];
  const skipped: string[] = [];
  for (const f of all.sort()) {
    if (f.includes('/output/') || /\.(md|tsv)$|expected\.json$|serde\.json$/.test(f)) continue;
    const bytes = readFileSync(path.join(CORPUS_FEEDS, f));
    try {
      const feed = parseFeedText(decodeBody(bytes, {}).text, { feedUrl: 'http://127.0.0.1/feed' });
      if (feed.entries.filter((e) => e.url).length < 3) continue;
      if (bytes.length > MAX_FEED_BYTES) {
        skipped.push(`${f} (${(bytes.length / 1e6).toFixed(1)} MB, ${feed.entries.length} entries)`);
        continue;
      }
      files.push(f);
    } catch {
      // not a feed, or a deliberately broken one
    }
  }
  return { files, skipped };
}

/** Inserts "s<k>-" before every absolute URL's host; only ASCII bytes change, so any ASCII-compatible encoding survives. */
export function perSourceCopy(bytes: Buffer, k: number): Buffer {
  const text = bytes.toString('latin1');
  return Buffer.from(text.replace(/(https?:\/\/)([A-Za-z0-9])/g, `$1s${k}-$2`), 'latin1');
}

export function feedContentType(file: string): string {
  return file.endsWith('.json') ? 'application/feed+json' : 'application/xml';
}
