// Client-side limits towards one model server: requests in flight, requests per minute and tokens per
// minute over a sliding 60 s window. A call reserves its estimated tokens before it starts and reconciles
// them with the server's count when it ends. Waiters are served first come, first served.
// One instance per server/key, shared by every batch in the process.

export interface RateLimits {
  /** Requests in flight at once. */
  maxConcurrent: number;
  /** 0 = unlimited. */
  requestsPerMinute: number;
  /** 0 = unlimited. */
  tokensPerMinute: number;
}

export interface Permit {
  /** Give the slot back; `actualTokens` replaces the estimate in the window. Safe to call twice. */
  release(actualTokens?: number): void;
}

interface WindowEntry {
  at: number;
  tokens: number;
}

interface Waiter {
  tokens: number;
  resolve: (p: Permit) => void;
  reject: (err: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

const WINDOW_MS = 60_000;

export class RateLimiter {
  private readonly limits: RateLimits;
  private readonly now: () => number;
  private active = 0;
  private pausedUntil = 0;
  private readonly window: WindowEntry[] = [];
  private readonly queue: Waiter[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(limits: RateLimits, clock: { now(): number } = Date) {
    if (!(limits.maxConcurrent >= 1)) throw new RangeError('maxConcurrent must be at least 1');
    this.limits = limits;
    this.now = () => clock.now();
  }

  acquire(estimatedTokens: number, signal?: AbortSignal): Promise<Permit> {
    if (this.closed) return Promise.reject(new Error('rate limiter closed'));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = { tokens: Math.max(0, estimatedTokens), resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** Hold every new request for `ms` (a 429 with Retry-After usually applies to the whole key). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms);
    this.pump();
  }

  stats(): { active: number; queued: number; windowRequests: number; windowTokens: number } {
    this.prune(this.now());
    return {
      active: this.active,
      queued: this.queue.length,
      windowRequests: this.window.length,
      windowTokens: this.window.reduce((s, e) => s + e.tokens, 0),
    };
  }

  /** Reject waiters and drop the timer. Permits already granted can still be released. */
  close(): void {
    this.closed = true;
    this.clearTimer();
    for (const w of this.queue.splice(0)) {
      this.detach(w);
      w.reject(new Error('rate limiter closed'));
    }
  }

  private get windowed(): boolean {
    return this.limits.requestsPerMinute > 0 || this.limits.tokensPerMinute > 0;
  }

  private prune(now: number): void {
    while (this.window.length > 0 && this.window[0].at <= now - WINDOW_MS) this.window.shift();
  }

  private pump(): void {
    this.clearTimer();
    if (this.closed) return;
    const now = this.now();
    this.prune(now);
    while (this.queue.length > 0) {
      if (this.active >= this.limits.maxConcurrent) return; // release() pumps again
      const waitMs = this.waitFor(this.queue[0].tokens, now);
      if (waitMs > 0) {
        this.timer = setTimeout(() => this.pump(), waitMs);
        return;
      }
      const waiter = this.queue.shift() as Waiter;
      this.detach(waiter);
      waiter.resolve(this.grant(waiter.tokens, now));
    }
  }

  /** 0 when a request of `tokens` may start now, else how long until that may change. */
  private waitFor(tokens: number, now: number): number {
    if (this.pausedUntil > now) return this.pausedUntil - now;
    const { requestsPerMinute: rpm, tokensPerMinute: tpm } = this.limits;
    if (rpm > 0 && this.window.length >= rpm) {
      return this.window[this.window.length - rpm].at + WINDOW_MS - now + 1;
    }
    if (tpm > 0 && this.window.length > 0) {
      let used = this.window.reduce((s, e) => s + e.tokens, 0);
      if (used + tokens <= tpm) return 0;
      // A request larger than the whole budget runs alone once the window is empty.
      for (const entry of this.window) {
        used -= entry.tokens;
        if (used + tokens <= tpm) return entry.at + WINDOW_MS - now + 1;
      }
      return this.window[this.window.length - 1].at + WINDOW_MS - now + 1;
    }
    return 0;
  }

  private grant(tokens: number, now: number): Permit {
    this.active++;
    const entry: WindowEntry | undefined = this.windowed ? { at: now, tokens } : undefined;
    if (entry) this.window.push(entry);
    let released = false;
    return {
      release: (actualTokens?: number) => {
        if (released) return;
        released = true;
        this.active--;
        if (entry && actualTokens != null && actualTokens >= 0) entry.tokens = actualTokens;
        this.pump();
      },
    };
  }

  private detach(w: Waiter): void {
    if (w.signal && w.onAbort) w.signal.removeEventListener('abort', w.onAbort);
  }

  private clearTimer(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }
}
