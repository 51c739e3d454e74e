// In-process fan-out of execution events (status, progress, logs) to SSE clients, metrics and tests.
import type { ExecutionEvent, ExecutionEventListener, SubscribeOptions } from './types.ts';

export class ExecutionEventBus {
  private readonly listeners = new Map<ExecutionEventListener, SubscribeOptions>();

  subscribe(listener: ExecutionEventListener, options: SubscribeOptions = {}): () => void {
    this.listeners.set(listener, options);
    return () => this.listeners.delete(listener);
  }

  emit(event: ExecutionEvent): void {
    this.deliver(event, false);
  }

  /** `remote`: the event happened in another process; local-only listeners do not get it. */
  protected deliver(event: ExecutionEvent, remote: boolean): void {
    for (const [listener, options] of this.listeners) {
      if (remote && options.localOnly) continue;
      try {
        listener(event);
      } catch {
        // A broken subscriber must not break the engine.
      }
    }
  }
}
