// Default size of a worker-thread pool: every core but the one the event loop runs on, at least 1, at most 4.
import { availableParallelism } from 'node:os';

export function defaultThreadCount(): number {
  return Math.min(4, Math.max(1, availableParallelism() - 1));
}
