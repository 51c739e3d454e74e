// Under load, a worker claims and finishes many executions at once, and an API process records many
// triggers at once: one statement per record makes PostgreSQL the bottleneck. These writes are coalesced:
// a call goes out at once when the line is free; calls that arrive while a batch is in flight go
// together in the next statement. An idle system sees no added latency. One batch in flight (the
// default) makes the batches larger under load: bench:distributed measured a worker's CPU per no-op task
// about 25 % lower than with two.
import type { Store } from '../../../store/store.ts';
import type { Execution, ExecutionFinish, ExecutionsRepo, NewExecution } from '../../../store/types.ts';

export interface CoalescerOptions {
  /** Most items per batch (default 64). */
  maxBatch?: number;
  /** Batches running at once (default 1). */
  maxInFlight?: number;
}

/** A per-item failure inside a batch that otherwise succeeded. */
export class ItemFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Collects concurrent calls into batches for `run`, which returns one result per item, in order (an
 * ItemFailure rejects that item's call only; a thrown error rejects the whole batch).
 */
export class Coalescer<I, O> {
  private readonly waiting: Array<{ item: I; resolve: (o: O) => void; reject: (e: unknown) => void }> = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly run: (items: I[]) => Promise<Array<O | ItemFailure>>,
    opts: CoalescerOptions = {},
  ) {
    this.maxBatch = Math.max(1, opts.maxBatch ?? 64);
    this.maxInFlight = Math.max(1, opts.maxInFlight ?? 1);
  }

  call(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length) {
      const batch = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      this.run(batch.map((b) => b.item))
        .then(
          (out) =>
            batch.forEach((b, i) => {
              const result = out[i];
              if (result instanceof ItemFailure) b.reject(result.error);
              else b.resolve(result);
            }),
          (err: unknown) => batch.forEach((b) => b.reject(err)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}

type ClaimArgs = Parameters<ExecutionsRepo['markRunning']>[1];

export class ExecutionWriteBatcher {
  /** The repository with create, markRunning and finish coalesced; every other method unchanged. */
  readonly executions: ExecutionsRepo;
  private readonly creates: Coalescer<NewExecution, Execution>;
  private readonly claims: Coalescer<{ id: string; args: ClaimArgs }, Execution | undefined>;
  private readonly finishes: Coalescer<ExecutionFinish & { id: string }, Execution | undefined>;

  constructor(
    private readonly repo: ExecutionsRepo,
    opts: CoalescerOptions = {},
  ) {
    this.creates = new Coalescer((inputs) => this.createBatch(inputs), opts);
    this.claims = new Coalescer((items) => this.claimBatch(items), opts);
    this.finishes = new Coalescer((items) => this.finishBatch(items), opts);
    this.executions = overrideMethods(repo, {
      create: (input: NewExecution) => this.creates.call(input),
      markRunning: (id: string, args: ClaimArgs) => this.claims.call({ id, args }),
      finish: (id: string, finish: ExecutionFinish) => this.finishes.call({ ...finish, id }),
    });
  }

  private async createBatch(inputs: NewExecution[]): Promise<Array<Execution | ItemFailure>> {
    if (inputs.length === 1) return [await this.repo.create(inputs[0])];
    try {
      return await this.repo.createMany(inputs);
    } catch {
      // One conflicting record fails the statement: give every caller its own outcome.
      const settled = await Promise.allSettled(inputs.map((input) => this.repo.create(input)));
      return settled.map((s) => (s.status === 'fulfilled' ? s.value : new ItemFailure(s.reason)));
    }
  }

  private async claimBatch(
    items: Array<{ id: string; args: ClaimArgs }>,
  ): Promise<Array<Execution | undefined>> {
    if (items.length === 1) return [await this.repo.markRunning(items[0].id, items[0].args)];
    // One engine's claims differ only in their time: the batch starts now.
    const args = items[items.length - 1].args;
    const rows = await this.repo.markRunningMany(
      items.map((i) => i.id),
      args,
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    return items.map((i) => byId.get(i.id));
  }

  private async finishBatch(
    items: Array<ExecutionFinish & { id: string }>,
  ): Promise<Array<Execution | undefined>> {
    if (items.length === 1) return [await this.repo.finish(items[0].id, items[0])];
    const rows = await this.repo.finishMany(items);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return items.map((i) => byId.get(i.id));
  }
}

/** The store with another executions repository (the batcher's); everything else is the store itself. */
export function withExecutions(store: Store, executions: ExecutionsRepo): Store {
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'executions') return executions;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function overrideMethods<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (Object.prototype.hasOwnProperty.call(overrides, prop))
        return (overrides as Record<PropertyKey, unknown>)[prop];
      const value: unknown = Reflect.get(t, prop, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}
