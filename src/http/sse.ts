// Server-Sent Events over the raw response: `event:`/`id:`/`data:` frames, heartbeat comments,
// cleanup when the client goes away, and a registry so shutdown can end every open stream.
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface SseStream {
  send(event: string, data: unknown): void;
  /** End the stream from the server side. */
  close(): void;
  readonly closed: boolean;
}

export interface SseOptions {
  heartbeatMs: number;
  /** Called once when the stream ends, whoever ended it. */
  onClose?: () => void;
}

/** Open streams of one HTTP app, ended on shutdown so the server can close. */
export class SseHub {
  private readonly streams = new Set<SseStream>();

  open(request: FastifyRequest, reply: FastifyReply, opts: SseOptions): SseStream {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');
    let nextId = 1;
    let closed = false;
    const heartbeat = setInterval(() => {
      if (!closed) res.write(': heartbeat\n\n');
    }, opts.heartbeatMs);
    const finish = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      this.streams.delete(stream);
      opts.onClose?.();
    };
    const stream: SseStream = {
      send(event, data) {
        if (closed) return;
        res.write(`event: ${event}\nid: ${nextId++}\ndata: ${JSON.stringify(data)}\n\n`);
      },
      close() {
        if (closed) return;
        finish();
        res.end();
      },
      get closed() {
        return closed;
      },
    };
    this.streams.add(stream);
    request.raw.on('close', finish);
    res.on('close', finish);
    res.on('error', finish);
    return stream;
  }

  closeAll(): void {
    for (const stream of [...this.streams]) stream.close();
  }

  get size(): number {
    return this.streams.size;
  }
}

export function wantsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').toLowerCase().includes('text/event-stream');
}
