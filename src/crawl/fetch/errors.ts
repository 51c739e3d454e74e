// Fetch failures with stable codes; the crawler stores `code` on the source as its last error.

export type FetchErrorCode =
  | 'UPSTREAM_TIMEOUT'
  | `UPSTREAM_HTTP_${number}`
  | 'TLS'
  | 'DNS'
  | 'CONNECTION'
  | 'TOO_LARGE'
  | 'TOO_MANY_REDIRECTS'
  | 'REDIRECT_LOOP'
  | 'ROBOTS'
  | 'SSRF_BLOCKED'
  | 'PARSE'
  | 'INVALID_URL'
  | 'ABORTED';

export interface FetchErrorDetails {
  url?: string;
  status?: number;
  retryAfterMs?: number;
  redirects?: readonly { from: string; to: string; status: number; permanent: boolean }[];
}

export class FetchError extends Error {
  readonly code: FetchErrorCode;
  readonly url?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly redirects?: FetchErrorDetails['redirects'];
  constructor(
    code: FetchErrorCode,
    message: string,
    details: FetchErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FetchError';
    this.code = code;
    this.url = details.url;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
    this.redirects = details.redirects;
  }
}

export function isFetchError(err: unknown): err is FetchError {
  return err instanceof Error && err.name === 'FetchError' && typeof (err as FetchError).code === 'string';
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
]);

function codeOf(err: unknown): string | undefined {
  const c = (err as { code?: unknown })?.code;
  return typeof c === 'string' ? c : undefined;
}

/** Maps an undici / socket / DNS error (possibly wrapped in `cause`) to a FetchError. */
export function classifyNetworkError(err: unknown, url: string): FetchError {
  if (isFetchError(err)) return err;
  const chain: unknown[] = [];
  for (let e: unknown = err; e && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  for (const e of chain) {
    if (isFetchError(e)) return e;
    const code = codeOf(e) ?? '';
    const msg = (e as Error)?.message ?? String(e);
    if (code === 'ESSRFBLOCKED') return new FetchError('SSRF_BLOCKED', msg, { url }, { cause: err });
    if (
      code === 'UND_ERR_CONNECT_TIMEOUT' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      code === 'ETIMEDOUT'
    )
      return new FetchError('UPSTREAM_TIMEOUT', `timed out: ${msg}`, { url }, { cause: err });
    if (
      code === 'ENOTFOUND' ||
      code === 'EAI_AGAIN' ||
      code === 'EAI_NODATA' ||
      code === 'EAI_FAIL' ||
      code === 'ENODATA'
    )
      return new FetchError(
        'DNS',
        `DNS lookup failed for ${safeHost(url)}: ${code}`,
        { url },
        { cause: err },
      );
    if (
      TLS_CODES.has(code) ||
      code.startsWith('ERR_SSL') ||
      code.startsWith('ERR_TLS') ||
      (/certificate|ssl|tls/i.test(msg) && code !== 'ECONNRESET')
    )
      return new FetchError('TLS', `TLS error: ${code || msg}`, { url }, { cause: err });
  }
  const code = chain.map(codeOf).find(Boolean) ?? '';
  const msg = (err as Error)?.message ?? String(err);
  return new FetchError('CONNECTION', `connection failed: ${code || msg}`, { url }, { cause: err });
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}
