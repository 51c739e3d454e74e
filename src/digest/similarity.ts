// Small, local text similarity for the repeat check: token shingles + Jaccard, CVE ids, URL keys.
// Digest items are short (a title and a paragraph), so a direct pairwise comparison is cheap here.

const CJK_CHAR = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const WORD = /[\p{L}\p{N}]/u;

/**
 * Tokens of a text: each CJK character is a token (Chinese has no spaces), each run of other letters
 * or digits is one lower-cased token. Punctuation and spaces separate tokens and are dropped.
 */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let word = '';
  for (const ch of text.normalize('NFKC').toLowerCase()) {
    if (CJK_CHAR.test(ch)) {
      if (word) tokens.push(word);
      word = '';
      tokens.push(ch);
    } else if (WORD.test(ch)) {
      word += ch;
    } else {
      if (word) tokens.push(word);
      word = '';
    }
  }
  if (word) tokens.push(word);
  return tokens;
}

/** Set of n-token shingles (bigrams by default: Chinese words are mostly two characters). */
export function shingles(text: string, n = 2): Set<string> {
  const tokens = tokenize(text);
  const out = new Set<string>();
  if (tokens.length === 0) return out;
  if (tokens.length < n) {
    out.add(tokens.join(' '));
    return out;
  }
  for (let i = 0; i + n <= tokens.length; i++) out.add(tokens.slice(i, i + n).join(' '));
  return out;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 && b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const x of small) if (large.has(x)) shared++;
  return shared / (a.size + b.size - shared);
}

/** Jaccard similarity of the texts' bigram shingles, 0..1. */
export function textSimilarity(a: string, b: string): number {
  return jaccard(shingles(a), shingles(b));
}

const CVE = /\bCVE[-‐‑–_ ]?(\d{4})[-‐‑–_ ]?(\d{4,7})\b/giu;

/** CVE ids mentioned in a text, normalised to CVE-yyyy-nnnn. */
export function cveIds(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.normalize('NFKC').matchAll(CVE)) out.add(`CVE-${m[1]}-${m[2]}`);
  return out;
}

const TRACKING_PARAMS = /^(utm_\w+|spm|from|source|ref|fbclid|gclid|mc_cid|mc_eid)$/i;

/**
 * A comparison key for article URLs: scheme-less, lower-case host without "www.", no fragment,
 * no tracking parameters, no trailing slash. Not a URL anyone should fetch.
 */
export function urlKey(url: string): string {
  try {
    const u = new URL(url.trim());
    const host = u.hostname.toLowerCase().replace(/^www\./, '');
    const params = [...u.searchParams.entries()]
      .filter(([k]) => !TRACKING_PARAMS.test(k))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const query = params.length ? `?${new URLSearchParams(params).toString()}` : '';
    const pathname = u.pathname.replace(/\/+$/, '') || '/';
    return `${host}${u.port ? `:${u.port}` : ''}${pathname}${query}`;
  } catch {
    return url.trim().toLowerCase();
  }
}
