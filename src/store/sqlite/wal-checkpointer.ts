// WAL checkpoints off the event loop. With synchronous=NORMAL a commit never waits for the disk; a
// checkpoint does (it copies the WAL into the database file and fsyncs both), and SQLite runs it inside
// whichever commit crosses its threshold: on the thread that serves the API and the crawl. Here a thread
// with its own connection runs PASSIVE checkpoints (they never block readers or writers) whenever the WAL
// was written since the last one, at most every `intervalMs`; a short WAL is also cheaper to append to.
// The main connection keeps a far larger automatic threshold as a backstop should the thread fall behind,
// and gets SQLite's own back should the thread stop. The thread starts once the WAL first reaches
// `startBytes`, so small databases never start it. On two cores it pays for write-heavy work (a crawl of
// 1,000 feeds: ~60 checkpoints of up to 34 ms each left the event loop) and costs CPU-bound work a little
// (longest stall of events.group over 3,120 articles 78 → 115 ms, median of 4); config.ts turns it on
// from 2 cores.
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface WalCheckpointerOptions {
  busyTimeoutMs: number;
  /** WAL size that starts the thread (SQLite's own threshold is 1,000 pages). */
  startBytes?: number;
  /** How often the WAL is looked at. */
  intervalMs?: number;
  /** Told when a checkpoint or the thread fails. */
  onError?: (err: Error) => void;
  /** Called once when the thread is gone for good: the connection must checkpoint by itself again. */
  onStopped?: () => void;
}

/** What SQLite reports for a checkpoint: frames in the WAL and frames copied back (-1 when busy). */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** Pages the main connection lets the WAL reach before it checkpoints by itself. */
export const BACKSTOP_PAGES = 25_000;

// Plain CommonJS: the driver is required by its absolute path, so the thread needs no loader or bundle.
const THREAD_CODE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs, fileMustExist: true });
parentPort.on('message', (m) => {
  if (m === 'close') { db.close(); parentPort.close(); return; }
  try { parentPort.postMessage({ result: db.pragma('wal_checkpoint(PASSIVE)')[0] }); }
  catch (e) { parentPort.postMessage({ error: String((e && e.message) || e) }); }
});
`;

export class WalCheckpointer {
  readonly #wal: string;
  readonly #file: string;
  readonly #opts: Required<Pick<WalCheckpointerOptions, 'startBytes' | 'intervalMs'>> &
    WalCheckpointerOptions;
  readonly #timer: NodeJS.Timeout;
  #worker?: Worker;
  #failed = false;
  #closed = false;
  #inFlight = false;
  #exited?: Promise<void>;
  /** The WAL's modification time when the last checkpoint started. */
  #lastMtimeMs = 0;
  #waiters: ((r: CheckpointResult | undefined) => void)[] = [];
  /** Checkpoints the thread finished (diagnostics and tests). */
  completed = 0;

  constructor(file: string, opts: WalCheckpointerOptions) {
    this.#file = file;
    this.#wal = `${file}-wal`;
    this.#opts = { startBytes: 4 * 1024 * 1024, intervalMs: 200, ...opts };
    this.#timer = setInterval(() => this.#tick(), this.#opts.intervalMs).unref();
  }

  get threadStarted(): boolean {
    return this.#worker !== undefined;
  }

  #walStat(): { size: number; mtimeMs: number } {
    try {
      const st = statSync(this.#wal);
      return { size: st.size, mtimeMs: st.mtimeMs };
    } catch {
      return { size: 0, mtimeMs: 0 };
    }
  }

  #tick(): void {
    if (this.#inFlight || this.#failed || this.#closed) return;
    const wal = this.#walStat();
    // The WAL is rewritten from its start after a checkpoint, not grown: its time says it was written.
    const due = this.#worker ? wal.mtimeMs !== this.#lastMtimeMs : wal.size >= this.#opts.startBytes;
    if (due) void this.checkpoint();
  }

  /** A PASSIVE checkpoint on the thread now; SQLite's result, or undefined when none ran. */
  checkpoint(): Promise<CheckpointResult | undefined> {
    if (this.#failed || this.#closed) return Promise.resolve(undefined);
    const done = new Promise<CheckpointResult | undefined>((resolve) => this.#waiters.push(resolve));
    if (this.#inFlight) return done;
    this.#inFlight = true;
    this.#lastMtimeMs = this.#walStat().mtimeMs;
    (this.#worker ??= this.#start()).postMessage('checkpoint');
    return done;
  }

  #start(): Worker {
    const worker = new Worker(THREAD_CODE, {
      eval: true,
      name: 'newsdesk-sqlite-checkpoint',
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: this.#file,
        busyTimeoutMs: this.#opts.busyTimeoutMs,
      },
    });
    worker.unref();
    worker.on('message', (m: { result?: CheckpointResult; error?: string }) => {
      this.#inFlight = false;
      const r = m.result;
      if (r) this.completed++;
      else this.#opts.onError?.(new Error(`WAL checkpoint failed: ${m.error}`));
      this.#settle(r);
      // SQLite starts the WAL over only when a write begins with every frame copied back. Frames written
      // during this checkpoint are chased at once, so a steady writer does not keep the WAL growing.
      if (r && this.#walStat().mtimeMs !== this.#lastMtimeMs) void this.checkpoint();
    });
    worker.on('error', (err) => this.#fail(err));
    worker.on('exit', () => this.#fail(new Error('the WAL checkpoint thread exited')));
    return worker;
  }

  #fail(err: Error): void {
    if (this.#failed || this.#closed) return;
    this.#failed = true;
    this.#inFlight = false;
    clearInterval(this.#timer);
    this.#opts.onError?.(err);
    this.#opts.onStopped?.();
    this.#settle(undefined);
  }

  #settle(result: CheckpointResult | undefined): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve(result);
  }

  /** Stops looking; the thread closes its connection and ends (resolved then). */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      clearInterval(this.#timer);
      this.#settle(undefined);
      const worker = this.#worker;
      this.#exited =
        worker && !this.#failed ? new Promise((r) => worker.once('exit', () => r())) : Promise.resolve();
      worker?.postMessage('close');
    }
    return this.#exited!;
  }
}
