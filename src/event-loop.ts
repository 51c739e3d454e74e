// Cooperative yielding for long loops on the main thread. Work whose awaits all resolve at once (SQLite
// calls, offline enrichment) runs as one chain of microtasks and would starve timers and sockets: the API,
// SSE and heartbeats. A pacer hands the loop back once a slice of continuous work has used its budget.

/** Resolves after pending I/O and timers have had their turn. */
export const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class EventLoopPacer {
  readonly #sliceMs: number;
  #sliceStart = performance.now();

  /** `sliceMs`: longest stretch of work between two yields. */
  constructor(sliceMs = 10) {
    this.#sliceMs = sliceMs;
  }

  /** Yields when the current slice has used its budget; otherwise returns at once. */
  async pace(): Promise<void> {
    if (performance.now() - this.#sliceStart < this.#sliceMs) return;
    await yieldToEventLoop();
    this.#sliceStart = performance.now();
  }
}
