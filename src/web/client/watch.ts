// Follow one execution until it finishes (its own SSE stream), reporting progress on the way.
import { subscribe } from './sse.ts';
import type { Execution, ProgressEvent } from './types.ts';
import { TERMINAL } from './types.ts';

export function watchExecution(
  id: string,
  signal: AbortSignal,
  onProgress?: (p: ProgressEvent) => void,
): Promise<Execution> {
  return new Promise((resolve, reject) => {
    const stream = subscribe(
      `/api/executions/${encodeURIComponent(id)}/events`,
      {
        status: (e: Execution) => {
          if (!TERMINAL.includes(e.status)) return;
          stream.close();
          resolve(e);
        },
        progress: (p: ProgressEvent) => onProgress?.(p),
      },
      { signal },
    );
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
