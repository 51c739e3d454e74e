// Reads a response body under a size limit, before and after decompression (a gzip bomb is refused
// as soon as its output passes the limit, without inflating the rest).
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { FetchError } from './errors.ts';

class LimitStream extends Transform {
  private seen = 0;
  constructor(
    private readonly maxBytes: number,
    private readonly what: string,
    private readonly url: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) {
      cb(new FetchError('TOO_LARGE', `${this.what} exceeds ${this.maxBytes} bytes`, { url: this.url }));
      return;
    }
    cb(null, chunk);
  }
}

/** Picks a decoder for Content-Encoding; deflate may be zlib-wrapped or raw, so it sniffs the first byte. */
class InflateAny extends Transform {
  private inner?: zlib.Inflate | zlib.InflateRaw;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (!this.inner) {
      this.inner =
        (chunk[0] & 0x0f) === 8 && ((chunk[0] << 8) | (chunk[1] ?? 0)) % 31 === 0
          ? zlib.createInflate()
          : zlib.createInflateRaw();
      this.inner.on('data', (d: Buffer) => this.push(d));
      this.inner.on('error', (e) => this.destroy(e));
    }
    if (this.inner.write(chunk)) cb();
    else this.inner.once('drain', () => cb());
  }
  override _flush(cb: TransformCallback): void {
    if (!this.inner) return cb();
    this.inner.once('end', () => cb());
    this.inner.end();
  }
  override _destroy(err: Error | null, cb: (error: Error | null) => void): void {
    this.inner?.destroy();
    cb(err);
  }
}

function decoderFor(contentEncoding: string | undefined): Transform[] {
  const codings = (contentEncoding ?? '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'identity');
  // Codings are listed in the order they were applied; undo them in reverse.
  return codings.reverse().map((c) => {
    if (c === 'gzip' || c === 'x-gzip') return zlib.createGunzip();
    if (c === 'deflate') return new InflateAny();
    if (c === 'br') return zlib.createBrotliDecompress();
    throw new FetchError('PARSE', `unsupported content-encoding ${c}`);
  });
}

export interface ReadBodyOptions {
  url: string;
  contentEncoding?: string;
  maxBytes: number;
  signal?: AbortSignal;
}

/** Collects the (decompressed) body; throws FetchError TOO_LARGE past `maxBytes` on either side. */
export async function readBody(body: Readable, options: ReadBodyOptions): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let decoders: Transform[];
  try {
    decoders = decoderFor(options.contentEncoding);
  } catch (err) {
    body.destroy();
    throw err;
  }
  const stages: unknown[] = [body, new LimitStream(options.maxBytes, 'response body', options.url)];
  if (decoders.length)
    stages.push(...decoders, new LimitStream(options.maxBytes, 'decompressed body', options.url));
  try {
    const run = pipeline as unknown as (streams: unknown[], opts: { signal?: AbortSignal }) => Promise<void>;
    await run(
      [
        ...stages,
        async function collect(source: AsyncIterable<Buffer>) {
          for await (const c of source) chunks.push(c);
        },
      ],
      { signal: options.signal },
    );
  } catch (err) {
    if ((err as FetchError)?.name === 'FetchError') throw err;
    const code = (err as { code?: string })?.code ?? '';
    if (
      code.startsWith('Z_') ||
      code.startsWith('ERR_BROTLI') ||
      code === 'ERR__ZLIB' ||
      /incorrect header|invalid|unexpected end/i.test((err as Error)?.message ?? '')
    )
      throw new FetchError(
        'PARSE',
        `could not decode ${options.contentEncoding} body: ${(err as Error).message}`,
        { url: options.url },
        { cause: err },
      );
    throw err;
  }
  return Buffer.concat(chunks);
}
