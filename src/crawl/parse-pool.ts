// Feed parsing, entry cleaning and article extraction off the main thread: a few worker threads take the
// CPU-heavy steps, so a crawl of hundreds of feeds uses the other cores and the API stays responsive
// meanwhile. With 0 threads, or if the threads cannot start, the same steps run inline.
import type { Worker } from 'node:worker_threads';
import { plainError, ThreadPool, type SentError } from '../thread-pool.ts';
import type { EntryArticle, EntryOptions } from './entry-article.ts';
import {
  extractArticleHtml,
  type ArticleResult,
  type PageExtractOptions,
} from './extract/extract-article.ts';
import { FetchError, type FetchErrorCode } from './fetch/errors.ts';
import { buildJob, parseJob, type Parsed, type ParsedSummary, type ParseJob } from './feed-jobs.ts';
import { sourcePath } from '../source-path.ts';

/** A parsed feed: its summary here, its entries wherever it was parsed until built or released. */
export interface ParsedFeedHandle {
  summary: ParsedSummary;
  /** Articles for the entries at these positions of `summary.recent`; the handle is spent afterwards. */
  build(indexes: number[], options: EntryOptions): Promise<EntryArticle[]>;
  /** Lets the entries go without building (idempotent; build does it too). */
  release(): void;
}

export interface CrawlParser {
  /** Throws FetchError PARSE when the body is not a feed. */
  parse(job: ParseJob): Promise<ParsedFeedHandle>;
  /** The article in a page's HTML (Readability, or the source's selectors); undefined when there is none. */
  extractPage(html: string, url: string, options: PageExtractOptions): Promise<ArticleResult | undefined>;
  close(): Promise<void>;
}

function inlineHandle(parsed: Parsed): ParsedFeedHandle {
  return {
    summary: parsed.summary,
    build: async (indexes, options) => buildJob(parsed, indexes, options),
    release: () => {},
  };
}

/** Runs the jobs on the calling thread. */
export const inlineCrawlParser: CrawlParser = {
  parse: async (job) => inlineHandle(parseJob(job)),
  extractPage: async (html, url, options) => extractArticleHtml(html, url, options),
  close: async () => {},
};

const FEED_WORKER_ENTRY = sourcePath('crawl', 'parse-worker.ts');
const PAGE_WORKER_ENTRY = sourcePath('crawl', 'page-worker.ts');

/** FetchErrors keep their class and code across the thread boundary (the crawl records the code). */
function rebuild(error: SentError): Error {
  if (error.name === 'FetchError' && error.code)
    return new FetchError(error.code as FetchErrorCode, error.message, { url: error.url });
  return plainError(error);
}

export interface WorkerCrawlParserOptions {
  threads: number;
  /** Told once when the threads cannot start (the jobs then run inline). */
  onFallback?: (err: unknown) => void;
}

export class WorkerCrawlParser implements CrawlParser {
  readonly #opts: WorkerCrawlParserOptions;
  readonly #pool: ThreadPool;
  /** Page extraction: threads of their own, started by the first page (Readability and linkedom are big). */
  #pagePool?: ThreadPool;
  /** Jobs run on a thread / inline. */
  readonly counts = { threaded: 0, inline: 0 };

  constructor(opts: WorkerCrawlParserOptions) {
    this.#opts = opts;
    this.#pool = new ThreadPool({
      entry: FEED_WORKER_ENTRY,
      name: 'newsdesk-feed-parser',
      threads: opts.threads,
      // Parsing allocates a lot of short-lived objects: a larger young generation means fewer collections.
      // A process-wide --max-semi-space-size (npm start sets 4 MB) overrides this limit in V8; raising that
      // flag for every thread left this thread's CPU in bench:crawl unchanged and the service above 300 MB.
      resourceLimits: { maxYoungGenerationSizeMb: 48 },
      onFallback: opts.onFallback,
      rebuildError: rebuild,
    });
  }

  /** Starts the threads now instead of on the first job; resolves when one is ready. */
  warmUp(): Promise<void> {
    return this.#pool.warmUp();
  }

  /** The live threads (diagnostics and tests). */
  get threads(): readonly Worker[] {
    return this.#pool.threads;
  }

  get readyThreads(): number {
    return this.#pool.readyThreads;
  }

  async parse(job: ParseJob): Promise<ParsedFeedHandle> {
    const pool = this.#pool;
    const slot = await pool.pick();
    if (!slot) {
      this.counts.inline++;
      return inlineHandle(parseJob(job));
    }
    this.counts.threaded++;
    // An own copy of the body, handed over without a second copy.
    const bytes = job.bytes.slice();
    // The thread holds the parsed entries under the id of the parse call.
    const key = pool.nextId;
    const summary = await pool.call<ParsedSummary>(slot, { kind: 'parse', job: { ...job, bytes } }, [
      bytes.buffer,
    ]);
    let spent = false;
    return {
      summary,
      build: (indexes, options) => {
        if (spent) return Promise.reject(new Error('parsed feed already built or released'));
        spent = true;
        if (indexes.length === 0) {
          pool.post(slot, { kind: 'release', key });
          return Promise.resolve([]);
        }
        return pool.call<EntryArticle[]>(slot, { kind: 'build', key, indexes, options });
      },
      release: () => {
        if (spent) return;
        spent = true;
        pool.post(slot, { kind: 'release', key });
      },
    };
  }

  async extractPage(
    html: string,
    url: string,
    options: PageExtractOptions,
  ): Promise<ArticleResult | undefined> {
    this.#pagePool ??= new ThreadPool({
      entry: PAGE_WORKER_ENTRY,
      name: 'newsdesk-page-extractor',
      threads: this.#opts.threads,
      onFallback: this.#opts.onFallback,
      rebuildError: rebuild,
    });
    const slot = await this.#pagePool.pick();
    if (!slot) {
      this.counts.inline++;
      return extractArticleHtml(html, url, options);
    }
    this.counts.threaded++;
    return this.#pagePool.call<ArticleResult | undefined>(slot, { html, url, options });
  }

  async close(): Promise<void> {
    await Promise.all([this.#pool.close(), this.#pagePool?.close()]);
  }
}
