// The JSON API client: the token (kept for this browser session only) goes in the Authorization header,
// never in a URL. A 401 asks the shell to log in, then the request is retried once.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  /** Field problems of a 400: [{path, message}] */
  get fields(): { path: string; message: string }[] {
    return Array.isArray(this.details)
      ? (this.details as { path?: unknown; message?: unknown }[])
          .filter((d) => d && typeof d.message === 'string')
          .map((d) => ({ path: String(d.path ?? ''), message: String(d.message) }))
      : [];
  }
}

const TOKEN_KEY = 'newsdesk.token';

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
  window.dispatchEvent(new CustomEvent('newsdesk:auth'));
}

type LoginPrompt = () => Promise<boolean>;
let loginPrompt: LoginPrompt | undefined;

/** The shell registers how to ask for a token when the API answers 401. */
export function onUnauthorized(prompt: LoginPrompt): void {
  loginPrompt = prompt;
}

export type Query = Record<string, string | number | boolean | null | undefined | string[]>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Return the Response instead of parsing JSON (downloads). */
  raw?: boolean;
  /** Do not prompt for a token on 401 (the login form's own check). */
  noPrompt?: boolean;
  headers?: Record<string, string>;
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) {
      if (value.length) params.set(key, value.join(','));
    } else params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function errorFrom(res: Response): Promise<ApiError> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  let details: unknown;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    if (body?.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details;
    }
  } catch {
    // not JSON
  }
  return new ApiError(res.status, code, message, details);
}

export async function request<T = unknown>(
  method: string,
  path: string,
  opts: RequestOptions = {},
): Promise<T> {
  const send = () => {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    const token = getToken();
    if (token) headers.authorization = `Bearer ${token}`;
    let body: BodyInit | undefined;
    if (opts.body instanceof FormData || typeof opts.body === 'string') body = opts.body as BodyInit;
    else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    return fetch(withQuery(path, opts.query), { method, headers, body, signal: opts.signal });
  };
  let res = await send();
  if (res.status === 401 && !opts.noPrompt && loginPrompt && (await loginPrompt())) res = await send();
  if (!res.ok) throw await errorFrom(res);
  if (opts.raw) return res as unknown as T;
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

export const api = {
  get: <T = unknown>(path: string, query?: Query, signal?: AbortSignal) =>
    request<T>('GET', path, { query, signal }),
  post: <T = unknown>(path: string, body?: unknown, opts: RequestOptions = {}) =>
    request<T>('POST', path, { ...opts, body }),
  patch: <T = unknown>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T = unknown>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  del: <T = unknown>(path: string) => request<T>('DELETE', path),
};

/** Fetch a file with the token and hand it to the browser as a download. */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await request<Response>('GET', path, { raw: true, headers: { accept: '*/*' } });
  const blob = await res.blob();
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = fileNameFrom(disposition) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function fileNameFrom(disposition: string): string | undefined {
  const star = /filename\*\s*=\s*(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // fall through
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1] : undefined;
}

/** The result, or null when this server does not have the route (404 for an unknown route). */
export async function optional<T>(promise: Promise<T>): Promise<T | null> {
  try {
    return await promise;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return null;
    throw err;
  }
}
