// Feed parsing and entry cleaning off the main thread: a few worker threads take the CPU-heavy steps, so
// a crawl of hundreds of feeds uses the other cores and the API stays responsive meanwhile. The worker
// code is bundled once per process with esbuild (threads do not inherit the TypeScript loader, and a
// bundle starts in a fraction of the time). With 0 threads, or if the threads cannot start, the same
// steps run inline.
import { Worker } from 'node:worker_threads';
import type { EntryArticle, EntryOptions } from './entry-article.ts';
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

export interface FeedParser {
  /** Throws FetchError PARSE when the body is not a feed. */
  parse(job: ParseJob): Promise<ParsedFeedHandle>;
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
export const inlineFeedParser: FeedParser = {
  parse: async (job) => inlineHandle(parseJob(job)),
  close: async () => {},
};

interface Pending {
  resolve: (value: any) => void;
  reject: (err: unknown) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Set when the thread errored or exited: calls to it fail at once instead of waiting forever. */
  lost?: Error;
  pending: Map<number, Pending>;
}

const WORKER_ENTRY = sourcePath('crawl', 'parse-worker.ts');

/** The bundled worker source, made on first use and shared by every parser of the process. */
let bundled: Promise<string> | undefined;

function workerCode(): Promise<string> {
  bundled ??= bundleWorker().catch((err: unknown) => {
    bundled = undefined;
    throw err;
  });
  return bundled;
}

async function bundleWorker(): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [WORKER_ENTRY],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

function rebuild(error: { name: string; message: string; code?: string; url?: string }): Error {
  if (error.name === 'FetchError' && error.code)
    return new FetchError(error.code as FetchErrorCode, error.message, { url: error.url });
  return Object.assign(new Error(error.message), { name: error.name, code: error.code });
}

export interface WorkerFeedParserOptions {
  threads: number;
  /** Told once when the threads cannot start (the jobs then run inline). */
  onFallback?: (err: unknown) => void;
}

export class WorkerFeedParser implements FeedParser {
  readonly #opts: WorkerFeedParserOptions;
  readonly #slots: Slot[] = [];
  #code?: Promise<string>;
  #warming?: Promise<void>;
  /** Set when the threads could not start: run inline from then on. */
  #broken = false;
  #nextId = 1;
  #closed = false;
  /** Jobs run on a thread / inline. */
  readonly counts = { threaded: 0, inline: 0 };

  constructor(opts: WorkerFeedParserOptions) {
    this.#opts = { ...opts, threads: Math.max(1, opts.threads) };
  }

  /** Starts the threads now instead of on the first job; resolves when one is ready. */
  warmUp(): Promise<void> {
    // One start-up shared by every caller that arrives meanwhile; a lost thread clears it (see #spawn).
    this.#warming ??= this.#startThreads();
    return this.#warming;
  }

  async #startThreads(): Promise<void> {
    if (this.#closed || this.#broken) return;
    this.#code ??= workerCode();
    let code: string;
    try {
      code = await this.#code;
    } catch (err) {
      this.#fallBack(err);
      return;
    }
    if (this.#closed) return;
    while (this.#slots.length < this.#opts.threads) this.#spawn(code);
    await Promise.race(this.#slots.map((s) => (s.ready ? Promise.resolve() : this.#whenReady(s))));
  }

  /** The live threads (diagnostics and tests). */
  get threads(): readonly Worker[] {
    return this.#slots.map((s) => s.worker);
  }

  get readyThreads(): number {
    return this.#slots.filter((s) => s.ready).length;
  }

  #fallBack(err: unknown): void {
    if (this.#broken) return;
    this.#broken = true;
    this.#opts.onFallback?.(err);
  }

  #whenReady(slot: Slot): Promise<void> {
    return new Promise((resolve) => {
      const check = (msg: { ready?: boolean }) => {
        if (!msg.ready) return;
        slot.worker.off('message', check);
        resolve();
      };
      slot.worker.on('message', check);
      slot.worker.once('exit', () => resolve());
    });
  }

  #spawn(code: string): Slot {
    const worker = new Worker(code, {
      eval: true,
      name: 'newsdesk-feed-parser',
      // Parsing allocates a lot of short-lived objects: a larger young generation means fewer collections.
      resourceLimits: { maxYoungGenerationSizeMb: 48 },
    });
    const slot: Slot = { worker, ready: false, pending: new Map() };
    worker.on('message', (msg: { ready?: boolean; id?: number; result?: unknown; error?: never }) => {
      if (msg.ready) {
        slot.ready = true;
        return;
      }
      const p = slot.pending.get(msg.id!);
      if (!p) return;
      slot.pending.delete(msg.id!);
      if (msg.error) p.reject(rebuild(msg.error));
      else p.resolve(msg.result);
    });
    const fail = (err: Error) => {
      slot.lost ??= err;
      const i = this.#slots.indexOf(slot);
      if (i >= 0) this.#slots.splice(i, 1);
      this.#warming = undefined;
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      if (!slot.ready && !this.#closed) this.#fallBack(err);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`feed parser thread exited (${code})`)));
    this.#slots.push(slot);
    return slot;
  }

  /** A ready thread with the fewest jobs waiting, after starting the threads if need be. */
  async #pick(): Promise<Slot | undefined> {
    if (this.#closed) throw new Error('feed parser closed');
    if (!this.#broken && this.readyThreads === 0) await this.warmUp();
    if (this.#closed) throw new Error('feed parser closed');
    let best: Slot | undefined;
    for (const s of this.#slots) if (s.ready && (!best || s.pending.size < best.pending.size)) best = s;
    return best;
  }

  #call<T>(slot: Slot, message: Record<string, unknown>, transfer?: ArrayBuffer[]): Promise<T> {
    const id = this.#nextId++;
    if (slot.lost) return Promise.reject(slot.lost);
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, ...message }, transfer ?? []);
    });
  }

  async parse(job: ParseJob): Promise<ParsedFeedHandle> {
    const slot = await this.#pick();
    if (!slot) {
      this.counts.inline++;
      return inlineHandle(parseJob(job));
    }
    this.counts.threaded++;
    // An own copy of the body, handed over without a second copy.
    const bytes = job.bytes.slice();
    const key = this.#nextId;
    const summary = await this.#call<ParsedSummary>(slot, { kind: 'parse', job: { ...job, bytes } }, [
      bytes.buffer,
    ]);
    let spent = false;
    return {
      summary,
      build: (indexes, options) => {
        if (spent) return Promise.reject(new Error('parsed feed already built or released'));
        spent = true;
        if (indexes.length === 0) {
          slot.worker.postMessage({ kind: 'release', key });
          return Promise.resolve([]);
        }
        return this.#call<EntryArticle[]>(slot, { kind: 'build', key, indexes, options });
      },
      release: () => {
        if (spent) return;
        spent = true;
        slot.worker.postMessage({ kind: 'release', key });
      },
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#code?.catch(() => undefined);
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
