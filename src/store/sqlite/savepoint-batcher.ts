// Small writes that arrive together share one SQLite transaction. A crawl's 304 answers each write one
// source row and one history row; on their own, the commit costs more than the two statements. Writes
// queued before the next turn of the event loop are run in one transaction, each inside a savepoint of
// its own: a write that fails is rolled back alone and only its caller sees the error. Every caller's
// promise settles after the commit, so a resolved write is as durable as one in its own transaction.
// Not the engine's Coalescer (tasks/engines/bullmq/write-batcher.ts): that one sends the first call at once
// and batches what arrives while a batch is in flight; with the synchronous SQLite driver nothing arrives
// meanwhile, so here writes are collected until the next turn of the event loop.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from '../schema.ts';

interface Job<T = unknown> {
  write: (trx: Transaction<Database>) => Promise<T>;
  resolve: (value: T) => void;
  reject: (err: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

export class SavepointBatcher {
  readonly #db: Kysely<Database>;
  readonly #maxBatch: number;
  #queue: Job[] = [];
  #scheduled = false;
  /** Transactions run so far; its tests count commits with it, nothing else reads it. */
  transactions = 0;

  constructor(db: Kysely<Database>, maxBatch = 100) {
    this.#db = db;
    this.#maxBatch = maxBatch;
  }

  run<T>(write: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ write, resolve, reject } as Job);
      if (this.#queue.length >= this.#maxBatch) void this.#flush();
      else if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  async #flush(): Promise<void> {
    this.#scheduled = false;
    const jobs = this.#queue;
    this.#queue = [];
    if (jobs.length === 0) return;
    let outcomes: Outcome[];
    try {
      this.transactions++;
      outcomes = await this.#db.transaction().execute(async (trx) => {
        const done: Outcome[] = [];
        for (const job of jobs) {
          await sql`savepoint batched_write`.execute(trx);
          try {
            done.push({ ok: true, value: await job.write(trx) });
          } catch (err) {
            await sql`rollback to batched_write`.execute(trx);
            done.push({ ok: false, err });
          }
          await sql`release batched_write`.execute(trx);
        }
        return done;
      });
    } catch (err) {
      for (const job of jobs) job.reject(err);
      return;
    }
    outcomes.forEach((o, i) => (o.ok ? jobs[i].resolve(o.value) : jobs[i].reject(o.err)));
  }
}
