// How long the event loop went without turning while `work` ran: a 5 ms timer notes the longest gap
// between its ticks. The gap is counted less the time this thread sat runnable while the kernel gave the
// CPU to something else (its run-queue wait, /proc/thread-self/schedstat): on a machine shared with other
// test files, that wait is the machine's load, not code holding the loop. Time blocked on I/O still counts.
import { readFileSync } from 'node:fs';

const SCHEDSTAT = '/proc/thread-self/schedstat';

/** This thread's total run-queue wait in ms; 0 where the kernel does not report it. */
export function runQueueWaitMs(): number {
  try {
    return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[1]) / 1e6 || 0;
  } catch {
    return 0;
  }
}

export interface Stall {
  /** Longest gap between ticks, less the run-queue wait inside it. */
  stallMs: number;
  /** Longest gap between ticks on the wall clock. */
  wallStallMs: number;
}

export async function longestStallDuring<T>(work: () => Promise<T>): Promise<Stall & { result: T }> {
  let last = performance.now();
  let lastWait = runQueueWaitMs();
  const longest: Stall = { stallMs: 0, wallStallMs: 0 };
  const tick = () => {
    const now = performance.now();
    const wait = runQueueWaitMs();
    const gap = now - last;
    longest.wallStallMs = Math.max(longest.wallStallMs, gap);
    longest.stallMs = Math.max(longest.stallMs, gap - (wait - lastWait));
    last = now;
    lastWait = wait;
  };
  const ticker = setInterval(tick, 5);
  try {
    const result = await work();
    tick();
    return { result, ...longest };
  } finally {
    clearInterval(ticker);
  }
}
