// Server-Sent Events with JSON data. Reads are open, so EventSource needs no token (and none goes in the URL).
// The browser reconnects on its own after a network error; `signal` ends the stream with the page.
export type SseHandlers = Record<string, (data: any) => void>;

export interface SseOptions {
  signal: AbortSignal;
  onOpen?: () => void;
  onError?: () => void;
}

export function subscribe(url: string, handlers: SseHandlers, opts: SseOptions): { close(): void } {
  const source = new EventSource(url);
  const close = () => source.close();
  for (const [event, handle] of Object.entries(handlers)) {
    source.addEventListener(event, (e) => {
      try {
        handle(JSON.parse((e as MessageEvent<string>).data));
      } catch (err) {
        console.error('bad event', event, err);
      }
    });
  }
  if (opts.onOpen) source.addEventListener('open', opts.onOpen);
  if (opts.onError) source.addEventListener('error', opts.onError);
  opts.signal.addEventListener('abort', close, { once: true });
  return { close };
}
