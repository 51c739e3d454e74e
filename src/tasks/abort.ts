// Why a handler's signal was aborted. The kind decides the recorded status.
export type AbortKind = 'timeout' | 'cancel' | 'shutdown';

export class TaskAbortError extends Error {
  readonly kind: AbortKind;
  constructor(kind: AbortKind, message: string) {
    super(message);
    this.kind = kind;
    this.name = kind === 'timeout' ? 'TimeoutError' : 'AbortError';
  }
}

export function abortKindOf(signal: AbortSignal): AbortKind | undefined {
  return signal.aborted && signal.reason instanceof TaskAbortError ? signal.reason.kind : undefined;
}
