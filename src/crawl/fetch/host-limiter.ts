// Politeness per host: at most N requests in flight and a minimum gap between request starts.
// An interface so a shared (e.g. Redis-backed) limiter can replace the in-process one across workers.

export type Release = () => void;

export interface HostLimiter {
  /** Resolves when a request to `host` may start; call the returned function when it ends. */
  acquire(host: string, signal?: AbortSignal): Promise<Release>;
}

export interface InMemoryHostLimiterOptions {
  /** Requests in flight per host (default 2). */
  maxConcurrentPerHost?: number;
  /** Minimum milliseconds between two request starts to the same host (default 0). */
  minDelayMs?: number;
}

interface HostState {
  active: number;
  nextStart: number;
  queue: Array<{
    resolve: (r: Release) => void;
    reject: (e: unknown) => void;
    signal?: AbortSignal;
    onAbort?: () => void;
  }>;
  timer?: NodeJS.Timeout;
}

export class InMemoryHostLimiter implements HostLimiter {
  private readonly max: number;
  private readonly minDelayMs: number;
  private readonly hosts = new Map<string, HostState>();

  constructor(options: InMemoryHostLimiterOptions = {}) {
    this.max = Math.max(1, options.maxConcurrentPerHost ?? 2);
    this.minDelayMs = Math.max(0, options.minDelayMs ?? 0);
  }

  acquire(host: string, signal?: AbortSignal): Promise<Release> {
    const key = host.toLowerCase();
    let state = this.hosts.get(key);
    if (!state) {
      state = { active: 0, nextStart: 0, queue: [] };
      this.hosts.set(key, state);
    }
    if (signal?.aborted) return Promise.reject(signal.reason);
    const s = state;
    return new Promise<Release>((resolve, reject) => {
      const waiter: HostState['queue'][number] = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = s.queue.indexOf(waiter);
          if (i >= 0) s.queue.splice(i, 1);
          reject(signal.reason);
          this.cleanup(key, s);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      s.queue.push(waiter);
      this.pump(key, s);
    });
  }

  /** Hosts currently tracked (for tests and metrics). */
  get trackedHosts(): number {
    return this.hosts.size;
  }

  private pump(key: string, s: HostState): void {
    if (s.timer) return;
    while (s.queue.length && s.active < this.max) {
      const wait = s.nextStart - Date.now();
      if (wait > 0) {
        s.timer = setTimeout(() => {
          s.timer = undefined;
          this.pump(key, s);
          this.cleanup(key, s);
        }, wait);
        return;
      }
      const w = s.queue.shift()!;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      s.active++;
      s.nextStart = Date.now() + this.minDelayMs;
      let released = false;
      w.resolve(() => {
        if (released) return;
        released = true;
        s.active--;
        this.pump(key, s);
        this.cleanup(key, s);
      });
    }
  }

  private cleanup(key: string, s: HostState): void {
    if (s.active !== 0 || s.queue.length !== 0 || s.timer) return;
    const owed = s.nextStart - Date.now();
    if (owed <= 0) {
      this.hosts.delete(key);
      return;
    }
    // Keep the entry while a delay is still owed, so the gap survives an idle moment.
    s.timer = setTimeout(() => {
      s.timer = undefined;
      this.pump(key, s);
      this.cleanup(key, s);
    }, owed);
    s.timer.unref();
  }

  /** Drops all state; waiting callers are rejected. */
  close(): void {
    for (const s of this.hosts.values()) {
      if (s.timer) clearTimeout(s.timer);
      for (const w of s.queue.splice(0)) w.reject(new Error('host limiter closed'));
    }
    this.hosts.clear();
  }
}
