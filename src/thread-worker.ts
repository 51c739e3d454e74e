// The thread side of a ThreadPool (thread-pool.ts): answers each request that carries an id with the
// handler's result or its error; requests without an id get no answer.
import { parentPort } from 'node:worker_threads';
import type { SentError } from './thread-pool.ts';

/** A handler's result whose buffers are moved to the caller's thread instead of copied. */
export class Transferred<T> {
  constructor(
    readonly value: T,
    readonly transfer: ArrayBuffer[],
  ) {}
}

export function serveThreadPool<R extends { id?: number }>(handle: (request: R) => unknown): void {
  const port = parentPort!;
  port.on('message', (request: R) => {
    try {
      const result = handle(request);
      if (request.id === undefined) return;
      if (result instanceof Transferred)
        port.postMessage({ id: request.id, result: result.value }, result.transfer);
      else port.postMessage({ id: request.id, result });
    } catch (err) {
      if (request.id === undefined) return;
      const e = err as Error & { code?: string; url?: string };
      const error: SentError = { name: e.name, message: e.message, code: e.code, url: e.url };
      port.postMessage({ id: request.id, error });
    }
  });
  port.postMessage({ ready: true });
}
