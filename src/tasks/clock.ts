// Injectable time for the scheduler, so tests can jump across downtime and DST without waiting.
export interface Clock {
  now(): number;
  setTimer(fn: () => unknown, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, Math.max(0, ms)),
  clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
};
