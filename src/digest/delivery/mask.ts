// Secret masking for channel configs shown in API responses and written to logs.

const MASK = '****';

/** "****" plus the last 4 characters of long values (enough to tell two secrets apart). */
export function maskSecret(value: string): string {
  if (value === '') return '';
  return value.length >= 16 ? `${MASK}${value.slice(-4)}` : MASK;
}

/** A path segment that looks like a token: long and containing a digit (hook ids, Slack keys). */
function tokenLike(segment: string): boolean {
  return segment.length >= 8 && /\d/.test(segment);
}

/**
 * A webhook URL with its credentials hidden: user info, every query value, and token-like path
 * segments (Feishu hook ids, Slack keys, DingTalk access_token). Host and path shape stay readable.
 */
export function maskUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return maskSecret(url);
  }
  if (u.username) u.username = MASK;
  if (u.password) u.password = MASK;
  u.pathname = u.pathname
    .split('/')
    .map((s) => (tokenLike(s) ? maskSecret(s) : s))
    .join('/');
  for (const key of [...new Set(u.searchParams.keys())])
    u.searchParams.set(key, maskSecret(u.searchParams.get(key) ?? ''));
  return decodeURI(u.toString());
}

const SECRET_KEY = /secret|password|passwd|token|authorization|api[-_]?key|cookie/i;
const URL_KEY = /url$/i;

/**
 * A copy of a channel config that is safe to show: secrets masked, URLs masked, header values masked.
 * Works on any config object, so a new channel type is masked without changes here.
 */
export function maskChannelConfig<T extends object>(config: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'string' && SECRET_KEY.test(key)) out[key] = maskSecret(value);
    else if (typeof value === 'string' && URL_KEY.test(key)) out[key] = maskUrl(value);
    else if (key === 'headers' && value && typeof value === 'object') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecret(String(v))]));
    } else out[key] = value;
  }
  return out as T;
}

/** The raw secret strings inside a config (for scrubbing them out of messages). */
function secretValues(config: object): string[] {
  const values: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'string' && SECRET_KEY.test(key) && value.length >= 4) values.push(value);
    else if (typeof value === 'string' && URL_KEY.test(key)) {
      values.push(value);
      try {
        const u = new URL(value);
        for (const v of u.searchParams.values()) if (v.length >= 4) values.push(v);
        for (const s of u.pathname.split('/')) if (tokenLike(s)) values.push(s);
        if (u.password) values.push(decodeURIComponent(u.password));
      } catch {
        // not a URL: the whole value is already listed
      }
    } else if (key === 'headers' && value && typeof value === 'object') {
      for (const v of Object.values(value)) if (String(v).length >= 4) values.push(String(v));
    }
  }
  // Longest first so a URL is replaced before the token inside it.
  return values.sort((a, b) => b.length - a.length);
}

/** Replace every secret of the config found in `text` (error messages, echoed response bodies). */
export function redactSecrets(text: string, config: object): string {
  let out = text;
  for (const secret of secretValues(config)) {
    const masked = /^https?:\/\//i.test(secret) ? maskUrl(secret) : maskSecret(secret);
    out = out.split(secret).join(masked);
  }
  return out;
}
