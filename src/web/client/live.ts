// The global execution stream (GET /api/stream) as callbacks, for pages that show many executions.
import type { Execution, LogLine, ProgressEvent } from './types.ts';
import { subscribe } from './sse.ts';

export interface LiveHandlers {
  status?: (e: Execution) => void;
  progress?: (p: ProgressEvent) => void;
  log?: (l: LogLine) => void;
}

/**
 * `onOpen` runs each time the stream (re)connects: events from before that moment never arrive, so a page
 * that loaded its list first reads it again there to catch runs that started in between.
 */
export function liveExecutions(
  handlers: LiveHandlers,
  signal: AbortSignal,
  task?: string,
  onOpen?: () => void,
): void {
  const url = task ? `/api/stream?task=${encodeURIComponent(task)}` : '/api/stream';
  subscribe(
    url,
    {
      ...(handlers.status ? { status: handlers.status } : {}),
      ...(handlers.progress ? { progress: handlers.progress } : {}),
      ...(handlers.log ? { log: handlers.log } : {}),
    },
    { signal, onOpen },
  );
}
