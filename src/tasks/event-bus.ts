// In-process fan-out of execution events (status, progress, logs) to SSE clients, metrics and tests.
import type { ExecutionEvent, ExecutionEventListener } from './types.ts';

export class ExecutionEventBus {
  private readonly listeners = new Set<ExecutionEventListener>();

  subscribe(listener: ExecutionEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: ExecutionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A broken subscriber must not break the engine.
      }
    }
  }
}
