// Polling helpers for tests that observe asynchronous engine work through the store.
import type { Store } from '../../store/store.ts';
import type { Execution, ExecutionStatus } from '../../store/types.ts';

export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value as T;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function waitForStatus(
  store: Store,
  id: string,
  statuses: readonly ExecutionStatus[],
  timeoutMs = 10_000,
): Promise<Execution> {
  return waitFor(
    async () => {
      const row = await store.executions.get(id);
      return row && statuses.includes(row.status) ? row : undefined;
    },
    timeoutMs,
    `execution ${id} to reach ${statuses.join('|')}`,
  );
}

/** A timer for handlers in tests: resolves after `ms`, rejects with the signal's reason when it aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    });
  });
}
