// The global execution stream (GET /api/stream) as callbacks, for pages that show many executions.
import type { Execution, LogLine, ProgressEvent } from './types.ts';
import { subscribe } from './sse.ts';

export interface LiveHandlers {
  status?: (e: Execution) => void;
  progress?: (p: ProgressEvent) => void;
  log?: (l: LogLine) => void;
}

/**
 * `reread` runs each time the stream (re)connects: events from before that moment never arrive, so a page
 * that loaded its list first reads it again there; the executions it returns go to `handlers.status`,
 * oldest first. One the stream reported while the list was being read is left out: the list's copy may
 * be older (a run that ended meanwhile would come back as running).
 */
export function liveExecutions(
  handlers: LiveHandlers,
  signal: AbortSignal,
  task?: string,
  reread?: () => Promise<Execution[]>,
): void {
  const url = task ? `/api/stream?task=${encodeURIComponent(task)}` : '/api/stream';
  /** Per list read in flight: the executions the stream reported since it started. */
  const reading = new Set<Set<string>>();
  const status = handlers.status;
  const onOpen =
    reread && status
      ? () => {
          const heard = new Set<string>();
          reading.add(heard);
          void reread()
            .then((items) => items.filter((e) => !heard.has(e.id)).forEach(status))
            .catch(() => {})
            .finally(() => reading.delete(heard));
        }
      : undefined;
  subscribe(
    url,
    {
      ...(status
        ? {
            status: (e: Execution) => {
              for (const heard of reading) heard.add(e.id);
              status(e);
            },
          }
        : {}),
      ...(handlers.progress ? { progress: handlers.progress } : {}),
      ...(handlers.log ? { log: handlers.log } : {}),
    },
    { signal, onOpen },
  );
}
