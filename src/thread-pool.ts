// Worker threads for CPU-heavy steps (feed parsing, article fingerprints), so they use the other cores and
// the API stays responsive. A thread's code is bundled once per process with esbuild: threads do not
// inherit the TypeScript loader, and a bundle starts in a fraction of the time. A thread answers requests
// by id (see thread-worker.ts); a pool that cannot start its threads says so once and its callers run the
// same steps inline.
import { Worker, type ResourceLimits } from 'node:worker_threads';

interface Pending {
  resolve: (value: any) => void;
  reject: (err: unknown) => void;
}

export interface ThreadSlot {
  readonly worker: Worker;
  ready: boolean;
  /** Set when the thread errored or exited: calls to it fail at once instead of waiting forever. */
  lost?: Error;
  readonly pending: Map<number, Pending>;
}

export interface ThreadPoolOptions {
  /** The thread's TypeScript entry (absolute path). */
  entry: string;
  /** Thread name, also used in error messages. */
  name: string;
  threads: number;
  resourceLimits?: ResourceLimits;
  /** Told once when the threads cannot start (callers then run inline). */
  onFallback?: (err: unknown) => void;
  /** Turns an error a thread sent back into the error the caller sees (default: a plain Error). */
  rebuildError?: (error: SentError) => Error;
}

/** An error as a thread sends it back (errors do not survive postMessage with their class). */
export interface SentError {
  name: string;
  message: string;
  code?: string;
  url?: string;
}

const bundles = new Map<string, Promise<string>>();

/** The bundled source of a thread entry, made on first use and shared by every pool of the process. */
function bundledCode(entry: string): Promise<string> {
  let code = bundles.get(entry);
  if (!code) {
    code = bundle(entry).catch((err: unknown) => {
      bundles.delete(entry);
      throw err;
    });
    bundles.set(entry, code);
  }
  return code;
}

async function bundle(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

/** An Error with the sent name, message and code (the default of `rebuildError`). */
export function plainError(error: SentError): Error {
  return Object.assign(new Error(error.message), { name: error.name, code: error.code });
}

export class ThreadPool {
  readonly #opts: ThreadPoolOptions;
  readonly #slots: ThreadSlot[] = [];
  #code?: Promise<string>;
  #warming?: Promise<void>;
  /** Set when the threads could not start: callers run inline from then on. */
  #broken = false;
  #nextId = 1;
  #closed = false;

  constructor(opts: ThreadPoolOptions) {
    this.#opts = { ...opts, threads: Math.max(1, opts.threads) };
  }

  /** Starts the threads now instead of on the first call; resolves when one is ready. */
  warmUp(): Promise<void> {
    // One start-up shared by every caller that arrives meanwhile; a lost thread clears it (see #spawn).
    this.#warming ??= this.#startThreads();
    return this.#warming;
  }

  async #startThreads(): Promise<void> {
    if (this.#closed || this.#broken) return;
    this.#code ??= bundledCode(this.#opts.entry);
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

  #whenReady(slot: ThreadSlot): Promise<void> {
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

  #spawn(code: string): ThreadSlot {
    const worker = new Worker(code, {
      eval: true,
      name: this.#opts.name,
      resourceLimits: this.#opts.resourceLimits,
    });
    const slot: ThreadSlot = { worker, ready: false, pending: new Map() };
    const rebuild = this.#opts.rebuildError ?? plainError;
    worker.on('message', (msg: { ready?: boolean; id?: number; result?: unknown; error?: SentError }) => {
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
    worker.on('exit', (code) => fail(new Error(`${this.#opts.name} thread exited (${code})`)));
    this.#slots.push(slot);
    return slot;
  }

  /** A ready thread with the fewest calls waiting, after starting the threads if need be; none: run inline. */
  async pick(): Promise<ThreadSlot | undefined> {
    if (this.#closed) throw new Error(`${this.#opts.name} closed`);
    if (!this.#broken && this.readyThreads === 0) await this.warmUp();
    return this.pickReady();
  }

  /**
   * Without waiting: a ready thread with the fewest calls waiting, or none. A call posted from synchronous
   * code starts on its thread at once; after an `await pick()` it would start only once the caller yields.
   */
  pickReady(): ThreadSlot | undefined {
    if (this.#closed) throw new Error(`${this.#opts.name} closed`);
    let best: ThreadSlot | undefined;
    for (const s of this.#slots) if (s.ready && (!best || s.pending.size < best.pending.size)) best = s;
    return best;
  }

  /** The id the next call will carry (a key the thread can keep state under). */
  get nextId(): number {
    return this.#nextId;
  }

  call<T>(slot: ThreadSlot, message: Record<string, unknown>, transfer?: ArrayBuffer[]): Promise<T> {
    const id = this.#nextId++;
    if (slot.lost) return Promise.reject(slot.lost);
    return new Promise<T>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, ...message }, transfer ?? []);
    });
  }

  /** A message that gets no answer. */
  post(slot: ThreadSlot, message: Record<string, unknown>): void {
    if (!slot.lost) slot.worker.postMessage(message);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#code?.catch(() => undefined);
    const slots = this.#slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
