// Everything grouping needs from an article's text, computed once and storable as one string column.
import { ValidationError } from '../errors.ts';
import type { EventArticle } from './article.ts';
import { combine32, tokenHash } from './hash.ts';
import { entityKeys, extractCves, normalizeCve, type EntityKey } from './keys.ts';
import { minHash, oneMinHash, type Signature } from './minhash.ts';
import { simHash, simHashToHex } from './simhash.ts';
import { scanTokenHashes, tokenize, type CjkMode } from './tokenize.ts';

/** 2: 42-slot headline and 40-bin body signatures (1 had 63 and 64). */
export const FINGERPRINT_VERSION = 2;
/** Slots of the headline signature (14 bands × 3 rows in the index). */
export const LEAD_SIGNATURE_SIZE = 42;
/** Slots of the body signature (10 bands × 4 rows in the index). */
export const BODY_SIGNATURE_SIZE = 40;

/** Without a summary, the opening of the body stands in for it: this many characters. */
const SUMMARY_STAND_IN_CHARS = 300;

export interface FingerprintOptions {
  cjk?: CjkMode;
  /** Body characters read for the body signature; the lead of a story carries its identity. Default 2000. */
  bodyChars?: number;
}

export interface ArticleFingerprint {
  version: number;
  /** MinHash of the distinct tokens of title + summary (the enriched language). */
  lead: Signature;
  /** One-permutation MinHash of word-pair shingles of the body; null without body text. */
  body: Signature | null;
  /** Sorted distinct token hashes of `title`. */
  titleTerms: Uint32Array;
  /** Sorted distinct token hashes of `originalTitle` when it differs from `title`, else empty. */
  originalTitleTerms: Uint32Array;
  /** Sorted distinct token hashes of title + summary. */
  leadTerms: Uint32Array;
  /** CVE ids from enrichment and from the texts, sorted. */
  cves: string[];
  entities: EntityKey[];
  /** 64-bit SimHash of the distinct lead terms, 16 hex digits. */
  simhash: string;
}

/** Sorted distinct values; sorts a copy (or `values` itself when `inPlace`). */
function distinctSorted(values: ArrayLike<number>, inPlace = false): Uint32Array {
  const arr =
    inPlace && values instanceof Uint32Array ? values : new Uint32Array(values as ArrayLike<number>);
  arr.sort();
  let n = 0;
  for (let i = 0; i < arr.length; i++) if (i === 0 || arr[i] !== arr[i - 1]) arr[n++] = arr[i];
  return arr.slice(0, n);
}

const combine = combine32;

/** Word-pair shingles, written over the tokens: order-sensitive, so reworded text scores lower than a reprint. */
function shingleHashesInPlace(tokens: Uint32Array): Uint32Array {
  if (tokens.length < 2) return tokens;
  for (let i = 1; i < tokens.length; i++) tokens[i - 1] = combine(tokens[i - 1], tokens[i]);
  return tokens.subarray(0, tokens.length - 1);
}

/** Reused for every body scan (consumed before fingerprintArticle returns): saves ~8 KB of garbage per article. */
let bodyScratch = new Uint32Array(0);

function bodySignature(bodyText: string, tok: { cjk: CjkMode }): Signature {
  if (bodyScratch.length < bodyText.length) bodyScratch = new Uint32Array(Math.max(bodyText.length, 2048));
  const tokens = scanTokenHashes(bodyText, tok, bodyScratch);
  return oneMinHash(shingleHashesInPlace(tokens), BODY_SIGNATURE_SIZE);
}

/** How much of an article's text a fingerprint reads: longer texts can be cut to this before. */
export function fingerprintTextChars(options: FingerprintOptions = {}): number {
  return Math.max(options.bodyChars ?? 2000, SUMMARY_STAND_IN_CHARS);
}

/** The fields a fingerprint reads. */
export type FingerprintInput = Pick<
  EventArticle,
  'title' | 'originalTitle' | 'summary' | 'text' | 'cves' | 'entities'
>;

export function fingerprintArticle(
  article: FingerprintInput,
  options: FingerprintOptions = {},
): ArticleFingerprint {
  const tok = { cjk: options.cjk ?? 'bigram' };
  const bodyChars = options.bodyChars ?? 2000;
  const title = article.title ?? '';
  const original = article.originalTitle && article.originalTitle !== title ? article.originalTitle : '';
  const titleTokens = tokenize(title, tok).map(tokenHash);
  const summary = article.summary || (article.text ?? '').slice(0, SUMMARY_STAND_IN_CHARS);
  const leadTokens = titleTokens.concat(tokenize(summary, tok).map(tokenHash));
  const leadTerms = distinctSorted(leadTokens);
  const bodyText = (article.text ?? '').slice(0, bodyChars);
  const body = bodyText.trim() ? bodySignature(bodyText, tok) : null;
  const cves = new Set<string>();
  for (const id of article.cves ?? []) {
    const cve = normalizeCve(id);
    if (cve) cves.add(cve);
  }
  for (const cve of extractCves(title, original, article.summary, bodyText)) cves.add(cve);
  return {
    version: FINGERPRINT_VERSION,
    lead: minHash(leadTerms, LEAD_SIGNATURE_SIZE),
    body,
    titleTerms: distinctSorted(titleTokens),
    originalTitleTerms: distinctSorted(tokenize(original, tok).map(tokenHash)),
    leadTerms,
    cves: [...cves].sort(),
    entities: entityKeys(article.entities),
    simhash: simHashToHex(simHash(leadTerms)),
  };
}

function toBase64(arr: Uint32Array): string {
  return Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength).toString('base64');
}

function fromBase64(text: string): Uint32Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.byteLength % 4 !== 0)
    throw new ValidationError('fingerprint array is not a whole number of words');
  const out = new Uint32Array(bytes.byteLength / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Compact JSON text for a store column (about 1 KB per article). */
export function encodeFingerprint(fp: ArticleFingerprint): string {
  return JSON.stringify({
    v: fp.version,
    l: toBase64(fp.lead),
    b: fp.body ? toBase64(fp.body) : null,
    t: toBase64(fp.titleTerms),
    o: toBase64(fp.originalTitleTerms),
    s: toBase64(fp.leadTerms),
    c: fp.cves,
    e: fp.entities.map((e) => [e.key, e.name, e.type]),
    h: fp.simhash,
  });
}

/** Inverse of encodeFingerprint; throws ValidationError on text from another version or shape. */
export function decodeFingerprint(text: string): ArticleFingerprint {
  let raw: any;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new ValidationError('fingerprint is not JSON', { cause: String(err) });
  }
  if (!raw || (raw.v !== FINGERPRINT_VERSION && raw.v !== 1)) {
    throw new ValidationError(`unsupported fingerprint version ${raw?.v}`);
  }
  // Version 1 headline signatures start with the same hash functions; its body bins do not line up.
  const v1 = raw.v === 1;
  return {
    version: FINGERPRINT_VERSION,
    lead: v1 ? fromBase64(raw.l).slice(0, LEAD_SIGNATURE_SIZE) : fromBase64(raw.l),
    body: raw.b && !v1 ? fromBase64(raw.b) : null,
    titleTerms: fromBase64(raw.t),
    originalTitleTerms: fromBase64(raw.o),
    leadTerms: fromBase64(raw.s),
    cves: raw.c,
    entities: (raw.e as [string, string, string][]).map(([key, name, type]) => ({ key, name, type })),
    simhash: raw.h,
  };
}
