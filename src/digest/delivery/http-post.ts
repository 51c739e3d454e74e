// One JSON POST for the webhook channels: timeout, caller's signal, bounded response, typed errors.
import { request } from 'undici';
import { DeliveryError, retryableStatus } from './errors.ts';
import { maskUrl } from './mask.ts';
import { truncate } from './types.ts';

export interface PostOptions {
  channel: string;
  headers?: Record<string, string>;
  timeoutMs: number;
  signal: AbortSignal;
}

export interface PostResult {
  status: number;
  body: string;
}

/** Longest response body read from a receiver; the rest is discarded unread. */
const MAX_BODY_BYTES = 64 * 1024;

/** POST a body; resolves for 2xx, throws DeliveryError otherwise. The URL never appears unmasked. */
export async function postBody(
  url: string,
  body: string,
  contentType: string,
  options: PostOptions,
): Promise<PostResult> {
  const { channel } = options;
  options.signal.throwIfAborted();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  let status: number;
  let text: string;
  let retryAfter: string | undefined;
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': contentType, 'user-agent': 'newsdesk-digest', ...options.headers },
      body,
      signal,
    });
    status = res.statusCode;
    const h = res.headers['retry-after'];
    retryAfter = Array.isArray(h) ? h[0] : h;
    text = await readBounded(res.body);
  } catch (err) {
    if (options.signal.aborted) {
      throw new DeliveryError(`${channel}: delivery cancelled`, {
        channel,
        kind: 'aborted',
        retryable: false,
        cause: err,
      });
    }
    if (timeout.aborted) {
      throw new DeliveryError(`${channel}: no answer from ${maskUrl(url)} within ${options.timeoutMs} ms`, {
        channel,
        kind: 'timeout',
        retryable: true,
        cause: err,
      });
    }
    const e = err as NodeJS.ErrnoException;
    const invalid =
      e.code === 'ERR_INVALID_URL' || e.code === 'UND_ERR_INVALID_ARG' || err instanceof TypeError;
    throw new DeliveryError(`${channel}: cannot reach ${maskUrl(url)}: ${e.code ?? e.message}`, {
      channel,
      kind: invalid ? 'config' : 'network',
      retryable: !invalid,
      cause: err,
    });
  }
  if (status < 200 || status > 299) {
    throw new DeliveryError(`${channel}: receiver answered HTTP ${status}`, {
      channel,
      kind: 'http',
      status,
      responseBody: truncate(text),
      retryable: retryableStatus(status),
      retryAfterMs: parseRetryAfter(retryAfter),
    });
  }
  return { status, body: text };
}

export function postJson(url: string, payload: unknown, options: PostOptions): Promise<PostResult> {
  return postBody(url, JSON.stringify(payload), 'application/json; charset=utf-8', options);
}

async function readBounded(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_BODY_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
}

/** Retry-After as seconds or an HTTP date → ms (undefined when absent or unreadable). */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The JSON object a receiver answered with, or undefined when the body is not a JSON object. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
