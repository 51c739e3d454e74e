// The process-wide cap on executions running at once (NEWSDESK_CONCURRENCY). BullMQ limits each worker
// (one per task queue) on its own; this gate bounds their sum. Waiters are served first come, first served.
export class SlotGate {
  private used = 0;
  private readonly waiters: Array<{
    resolve: () => void;
    reject: (err: unknown) => void;
    signal?: AbortSignal;
    onAbort?: () => void;
  }> = [];

  /** Called when the gate becomes full (true) or has room again (false). */
  onChange: ((full: boolean) => void) | undefined;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`slot gate capacity must be >= 1, got ${capacity}`);
  }

  get inUse(): number {
    return this.used;
  }

  get full(): boolean {
    return this.used >= this.capacity;
  }

  tryAcquire(): boolean {
    if (this.full || this.waiters.length) return false;
    this.take();
    return true;
  }

  /** Wait for a slot; rejects with the signal's reason if it aborts first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<void>((resolve, reject) => {
      const waiter: (typeof this.waiters)[number] = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.push(waiter);
    });
  }

  release(): void {
    if (this.used === 0) throw new Error('slot gate released more often than acquired');
    const next = this.waiters.shift();
    if (next) {
      // Hand the slot over directly: the count stays, nobody else can slip in between.
      if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
      next.resolve();
      return;
    }
    const wasFull = this.full;
    this.used--;
    if (wasFull) this.onChange?.(false);
  }

  private take(): void {
    this.used++;
    if (this.full) this.onChange?.(true);
  }
}
