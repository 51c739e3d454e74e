// Fingerprints on worker threads. Fingerprinting is a pure function of each article and about half of the
// grouping work; placing articles into events is sequential. So a thread fingerprints the next chunk
// while the caller places the current one: grouping uses two cores, and the event loop keeps only the
// sequential part. With 0 threads, or if the threads cannot start, fingerprints are computed inline.
import { sourcePath } from '../source-path.ts';
import { ThreadPool } from '../thread-pool.ts';
import type { EventArticle } from './article.ts';
import {
  fingerprintArticle,
  fingerprintTextChars,
  type ArticleFingerprint,
  type FingerprintInput,
  type FingerprintOptions,
} from './fingerprint.ts';
import { unpackFingerprints, type PackedFingerprints } from './fingerprint-transfer.ts';
import { splitInChunks } from './chunks.ts';

export interface FingerprintChunk {
  fingerprints: ArticleFingerprint[];
  /** Time spent fingerprinting (on the thread, or inline). */
  ms: number;
}

const WORKER_ENTRY = sourcePath('events', 'fingerprint-worker.ts');

export interface FingerprintPoolOptions {
  threads: number;
  fingerprint?: FingerprintOptions;
  /** Told once when the threads cannot start (fingerprints are then computed inline). */
  onFallback?: (err: unknown) => void;
}

export class FingerprintPool {
  readonly #pool: ThreadPool | undefined;
  readonly #options: FingerprintOptions;
  readonly #textChars: number;
  #inFlight = 0;
  /** Chunks fingerprinted on a thread / inline. */
  readonly counts = { threaded: 0, inline: 0 };

  constructor(opts: FingerprintPoolOptions) {
    this.#options = opts.fingerprint ?? {};
    this.#textChars = fingerprintTextChars(this.#options);
    this.#pool =
      opts.threads > 0
        ? new ThreadPool({
            entry: WORKER_ENTRY,
            name: 'newsdesk-fingerprints',
            threads: opts.threads,
            onFallback: opts.onFallback,
          })
        : undefined;
  }

  warmUp(): Promise<void> {
    return this.#pool?.warmUp() ?? Promise.resolve();
  }

  /** Fingerprints of `articles`, in order. Once the threads are up, the request is sent before this returns. */
  async fingerprint(articles: readonly EventArticle[]): Promise<FingerprintChunk> {
    const slot = this.#pool?.pickReady() ?? (await this.#pool?.pick());
    if (!slot) {
      this.counts.inline++;
      const t0 = performance.now();
      const fingerprints = articles.map((a) => fingerprintArticle(a, this.#options));
      return { fingerprints, ms: performance.now() - t0 };
    }
    // Only what a fingerprint reads, the body cut to the part it reads: less to copy to the thread.
    const inputs: FingerprintInput[] = articles.map((a) => ({
      title: a.title,
      originalTitle: a.originalTitle,
      summary: a.summary,
      text: a.text ? a.text.slice(0, this.#textChars) : a.text,
      cves: a.cves,
      entities: a.entities,
    }));
    this.counts.threaded++;
    this.#inFlight++;
    try {
      const { packed, ms } = await this.#pool!.call<{ packed: PackedFingerprints; ms: number }>(slot, {
        articles: inputs,
        options: this.#options,
      });
      return { fingerprints: unpackFingerprints(packed), ms };
    } finally {
      this.#inFlight--;
    }
  }

  /** Requests sent to a thread and not answered yet. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /**
   * Fingerprints of `articles` chunk by chunk, requested ahead: while the caller works on one chunk the
   * threads compute the next ones. Without threads each chunk is computed when the caller asks for it, so
   * the event loop is never held for more than a chunk. Yields each chunk with its fingerprints, in order;
   * the first chunk may be smaller (`firstChunkSize`).
   */
  async *chunks(
    articles: readonly EventArticle[],
    chunkSize: number,
    firstChunkSize = chunkSize,
  ): AsyncGenerator<{ articles: EventArticle[] } & FingerprintChunk> {
    const parts = splitInChunks(articles, chunkSize, firstChunkSize);
    await this.warmUp();
    const ahead = this.#pool?.pickReady() ? parts.map((part) => this.fingerprint(part)) : undefined;
    // A rejected request that is never awaited (the caller stopped early) must not go unhandled.
    for (const r of ahead ?? []) r.catch(() => undefined);
    for (let i = 0; i < parts.length; i++)
      yield { articles: parts[i], ...(await (ahead?.[i] ?? this.fingerprint(parts[i]))) };
  }

  close(): Promise<void> {
    return this.#pool?.close() ?? Promise.resolve();
  }
}
