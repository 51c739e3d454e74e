// Turns response bytes into text. Order of evidence: BOM, HTTP charset, XML prolog / HTML meta, sniffing.
// Decoding is done here rather than by the parsers so GBK/Big5/Shift_JIS feeds never reach them as mojibake.
import { analyse } from 'chardet';
import { ResultType, Sniffer } from 'encoding-sniffer/sniffer';

export type CharsetSource = 'bom' | 'http' | 'prolog' | 'meta' | 'sniff' | 'default';

export interface DecodedText {
  text: string;
  /** WHATWG name of the encoding used (plus utf-32le/utf-32be, which TextDecoder lacks). */
  encoding: string;
  source: CharsetSource;
  /** Problems worth recording on the source (bogus or contradicted declarations). */
  warnings: string[];
}

export interface DecodeOptions {
  /** The Content-Type response header, if any. */
  contentType?: string;
  /** Hint for where to look for an in-document declaration; by default guessed from the bytes. */
  kind?: 'xml' | 'html' | 'json';
  /** Bytes scanned for an HTML meta declaration (some pages put it late). */
  metaScanBytes?: number;
}

/** Labels that Node decodes as something narrower than what servers actually send. */
const LABEL_ALIASES: Record<string, string> = {
  gb2312: 'gb18030',
  gbk: 'gb18030',
  'x-gbk': 'gb18030',
  cp936: 'gb18030',
  csgb2312: 'gb18030',
  'euc-cn': 'gb18030',
  'big5-hkscs': 'big5',
  'x-sjis': 'shift_jis',
  ms932: 'shift_jis',
  cp932: 'shift_jis',
  'windows-31j': 'shift_jis',
  utf8: 'utf-8',
  'ucs-2': 'utf-16le',
  'iso-10646-ucs-2': 'utf-16le',
  utf32: 'utf-32',
  'ucs-4': 'utf-32',
  'iso-10646-ucs-4': 'utf-32',
};

/** Resolves a label to a canonical encoding name this module can decode, or undefined when unknown. */
export function canonicalEncoding(label: string | undefined | null): string | undefined {
  if (!label) return undefined;
  const l = label
    .trim()
    .replace(/^["']|["']$/g, '')
    .trim()
    .toLowerCase();
  if (!l) return undefined;
  const aliased = LABEL_ALIASES[l] ?? l;
  if (aliased === 'utf-32' || aliased === 'utf-32le' || aliased === 'utf-32be') return aliased;
  try {
    const name = new TextDecoder(aliased).encoding;
    return name === 'gbk' ? 'gb18030' : name;
  } catch {
    return undefined;
  }
}

/** The charset parameter of a Content-Type header, tolerant of quotes and spaces (`charset = 'gb2312'`). */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const m = /;\s*charset\s*=\s*("([^"]*)"|'([^']*)'|([^;\s]*))/i.exec(contentType);
  if (!m) return undefined;
  const v = (m[2] ?? m[3] ?? m[4] ?? '').trim();
  return v || undefined;
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function isXmlMediaType(mt: string): boolean {
  return (
    mt === 'text/xml' ||
    mt === 'application/xml' ||
    mt.endsWith('+xml') ||
    mt === 'text/xml-external-parsed-entity'
  );
}

interface Bom {
  encoding: string;
  length: number;
}

function detectBom(b: Uint8Array): Bom | undefined {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf)
    return { encoding: 'utf-8', length: 3 };
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0)
    return { encoding: 'utf-32le', length: 4 };
  if (b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff)
    return { encoding: 'utf-32be', length: 4 };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/** `<?` (or `<` of any markup) written in a wide encoding without a BOM. */
function detectWideWithoutBom(b: Uint8Array): string | undefined {
  if (b.length < 4) return undefined;
  if (b[0] === 0x3c && b[1] === 0 && b[2] === 0 && b[3] === 0) return 'utf-32le';
  if (b[0] === 0 && b[1] === 0 && b[2] === 0 && b[3] === 0x3c) return 'utf-32be';
  if (b[0] === 0x3c && b[1] === 0 && b[2] !== 0 && b[3] === 0) return 'utf-16le';
  if (b[0] === 0 && b[1] === 0x3c && b[2] === 0 && b[3] !== 0) return 'utf-16be';
  return undefined;
}

function decodeUtf32(b: Uint8Array, littleEndian: boolean): string {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i + 3 < b.length; i += 4) {
    const cp = view.getUint32(i, littleEndian);
    chunk.push(cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? cp : 0xfffd);
    if (chunk.length >= 8192) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
  }
  if (chunk.length) parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

/** Decodes with the named encoding; `fatal` throws on malformed input instead of inserting U+FFFD. */
export function decodeAs(bytes: Uint8Array, encoding: string, fatal = false): string {
  if (encoding === 'utf-32le' || encoding === 'utf-32be' || encoding === 'utf-32') {
    let le = encoding !== 'utf-32be';
    let start = 0;
    const bom = detectBom(bytes);
    if (bom && bom.encoding.startsWith('utf-32')) {
      le = bom.encoding === 'utf-32le';
      start = 4;
    } else if (encoding === 'utf-32') {
      le = detectWideWithoutBom(bytes) !== 'utf-32be';
    }
    return decodeUtf32(bytes.subarray(start), le);
  }
  return new TextDecoder(encoding, { fatal, ignoreBOM: false }).decode(bytes);
}

function tryDecode(bytes: Uint8Array, encoding: string): string | undefined {
  try {
    return decodeAs(bytes, encoding, true);
  } catch {
    return undefined;
  }
}

function hasNonAscii(b: Uint8Array, min = 1): boolean {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80 && ++n >= min) return true;
  return false;
}

const ASCII_HEAD = 1024;

/** The encoding named by an XML declaration at the very start of the document. */
export function xmlPrologEncoding(bytes: Uint8Array): string | undefined {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, ASCII_HEAD));
  const m = /^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([^"']*)["']/i.exec(head);
  return m ? m[1].trim() : undefined;
}

function looksLikeXml(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, ASCII_HEAD)).trimStart();
  if (head.startsWith('<?xml')) return true;
  if (/^<!doctype\s+html|^<html[\s>]/i.test(head)) return false;
  return /<(rss|feed|rdf:RDF|channel|opml)[\s>]/i.test(head);
}

function looksLikeJson(bytes: Uint8Array): boolean {
  for (let i = 0; i < Math.min(bytes.length, 64); i++) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    return c === 0x7b || c === 0x5b;
  }
  return false;
}

/** Statistical guess for undeclared documents; multibyte guesses must decode cleanly. */
function sniffEncoding(bytes: Uint8Array): string | undefined {
  const sample = bytes.length > 65536 ? bytes.subarray(0, 65536) : bytes;
  const clean = sample.subarray(0, trimToSafeEnd(sample));
  for (const m of analyse(sample)) {
    if (m.confidence < 10) break;
    const enc = canonicalEncoding(m.name === 'ISO-8859-1' ? 'windows-1252' : m.name);
    if (!enc || enc === 'utf-8') continue;
    if (!isMultiByte(enc)) return bestSingleByte(clean, enc);
    if (tryDecode(clean, enc) !== undefined) return enc;
  }
  return undefined;
}

const SINGLE_BYTE_CANDIDATES = [
  'windows-1252',
  'windows-1251',
  'koi8-r',
  'iso-8859-2',
  'windows-1253',
  'iso-8859-5',
];

/**
 * Short single-byte texts fool frequency statistics (KOI8-R read as Latin-1 looks plausible to them), but
 * the wrong table scrambles letter case inside words ("óÅÇÏÄÎÑ"). Pick the table with the fewest such words.
 */
function bestSingleByte(bytes: Uint8Array, first: string): string {
  let best = first;
  let bestScore = caseChaos(decodeAs(bytes, first));
  for (const enc of SINGLE_BYTE_CANDIDATES) {
    if (enc === first) continue;
    const score = caseChaos(decodeAs(bytes, enc));
    if (score < bestScore) {
      best = enc;
      bestScore = score;
    }
  }
  return best;
}

/** Runs of ASCII letters and non-ASCII characters that hold a non-ASCII one: every NON_ASCII_WORD lies in one. */
const NON_ASCII_RUN = /[A-Za-z]*[\u0080-\u{10ffff}][A-Za-z\u0080-\u{10ffff}]*/gu;
/** Letters around a non-ASCII character. \p{L} is slow to test at every position of mostly-ASCII text. */
const NON_ASCII_WORD = /\p{L}*[\u0080-\u{10ffff}]\p{L}*/gu;

function caseChaos(text: string): number {
  let bad = 0;
  let words = 0;
  for (const w of (text.match(NON_ASCII_RUN) ?? []).flatMap((run) => run.match(NON_ASCII_WORD) ?? [])) {
    words++;
    if (/\p{Ll}\p{Lu}/u.test(w) || /\p{Lu}{2}\p{Ll}/u.test(w)) bad++;
    else if (/[a-z]/i.test(w) && /[\u0080-\u00bf\u0250-\u{10ffff}]/u.test(w)) bad++;
  }
  return words ? bad / words : 0;
}

/** Cut a sample at the last ASCII byte so a multibyte character split by sampling is not an error. */
function trimToSafeEnd(b: Uint8Array): number {
  let end = b.length;
  while (end > 0 && b[end - 1] >= 0x80 && b.length - end < 8) end--;
  return end;
}

function finish(
  bytes: Uint8Array,
  encoding: string,
  source: CharsetSource,
  warnings: string[],
  skip = 0,
): DecodedText {
  return {
    text: cleanText(decodeAs(skip ? bytes.subarray(skip) : bytes, encoding)),
    encoding,
    source,
    warnings,
  };
}

/** The charset named by an HTML `<meta charset>` / `http-equiv` (WHATWG prescan), if any. */
export function htmlMetaEncoding(bytes: Uint8Array, maxBytes = 65536): string | undefined {
  const sniffer = new Sniffer({ maxBytes, defaultEncoding: 'utf-8' });
  sniffer.write(bytes.subarray(0, maxBytes));
  return sniffer.resultType === ResultType.META_TAG || sniffer.resultType === ResultType.XML_ENCODING
    ? sniffer.encoding
    : undefined;
}

// Windows-1252 code points for C1 controls: feeds often carry cp1252 bytes re-encoded as if they were Latin-1.
const C1_TO_CP1252 =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

function cleanText(s: string): string {
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  return /[\u0080-\u009f]/.test(s)
    ? s.replace(/[\u0080-\u009f]/g, (c) => C1_TO_CP1252[c.charCodeAt(0) - 0x80])
    : s;
}

/**
 * Decodes a document. A declared encoding that the bytes contradict (bytes that are valid, non-ASCII UTF-8
 * under a legacy label, or bytes invalid in a multibyte label) is overruled and recorded as a warning.
 */
export function decodeBody(bytes: Uint8Array, options: DecodeOptions = {}): DecodedText {
  const warnings: string[] = [];
  const bom = detectBom(bytes);
  if (bom) return finish(bytes, bom.encoding, 'bom', warnings, bom.length);

  const wide = detectWideWithoutBom(bytes);
  if (wide) return finish(bytes, wide, 'sniff', warnings);

  const mt = mediaType(options.contentType);
  const kind =
    options.kind ??
    (looksLikeJson(bytes) ? 'json' : looksLikeXml(bytes) || isXmlMediaType(mt) ? 'xml' : 'html');
  const validUtf8 = tryDecode(bytes, 'utf-8');
  const utf8IsEvidence = validUtf8 !== undefined && hasNonAscii(bytes, 4);

  // A declared multibyte encoding with a few bad sequences still beats a wrong guess.
  let lossy: { enc: string; source: CharsetSource } | undefined;
  const accept = (label: string, source: CharsetSource): DecodedText | undefined => {
    const enc = canonicalEncoding(label);
    if (!enc) {
      warnings.push(`unknown ${source} charset "${label}"`);
      return undefined;
    }
    if (enc === 'utf-16le' || enc === 'utf-16be') {
      // A wide encoding declared in ASCII-compatible bytes cannot be right.
      warnings.push(`${source} charset "${label}" contradicts the bytes`);
      return undefined;
    }
    if (enc !== 'utf-8' && utf8IsEvidence) {
      warnings.push(`${source} charset "${label}" overruled: the bytes are UTF-8`);
      return { text: cleanText(validUtf8!), encoding: 'utf-8', source: 'sniff', warnings };
    }
    if (enc === 'utf-8') {
      if (validUtf8 !== undefined) return { text: cleanText(validUtf8), encoding: enc, source, warnings };
      warnings.push(`${source} charset "${label}" contradicts the bytes (invalid UTF-8)`);
      return undefined;
    }
    const strict = tryDecode(bytes, enc);
    if (strict !== undefined) return { text: cleanText(strict), encoding: enc, source, warnings };
    if (isMultiByte(enc)) {
      warnings.push(`${source} charset "${label}" contradicts the bytes`);
      lossy ??= { enc, source };
      return undefined;
    }
    return finish(bytes, enc, source, warnings);
  };

  const httpLabel = charsetFromContentType(options.contentType);
  if (httpLabel) {
    const r = accept(httpLabel, 'http');
    if (r) return r;
  } else if (options.contentType && /;\s*charset\s*=\s*(;|$)/i.test(options.contentType)) {
    warnings.push('empty HTTP charset');
  }

  if (kind === 'xml') {
    const prolog = xmlPrologEncoding(bytes);
    if (prolog) {
      const r = accept(prolog, 'prolog');
      if (r) return r;
    }
  } else if (kind === 'html') {
    const sniffed = htmlMetaEncoding(bytes, options.metaScanBytes ?? 65536);
    if (sniffed) {
      const r = accept(sniffed, 'meta');
      if (r) return r;
    }
  }

  if (validUtf8 !== undefined)
    return {
      text: cleanText(validUtf8),
      encoding: 'utf-8',
      source: hasNonAscii(bytes) ? 'sniff' : 'default',
      warnings,
    };
  const guessed = sniffEncoding(bytes);
  if (guessed) {
    if (kind !== 'json') warnings.push(`no usable charset declaration; guessed ${guessed}`);
    return finish(bytes, guessed, 'sniff', warnings);
  }
  if (lossy) return finish(bytes, lossy.enc, lossy.source, warnings);
  warnings.push('no usable charset declaration; fell back to windows-1252');
  return finish(bytes, 'windows-1252', 'default', warnings);
}

function isMultiByte(enc: string): boolean {
  return ['gb18030', 'big5', 'shift_jis', 'euc-jp', 'euc-kr', 'iso-2022-jp', 'utf-8'].includes(enc);
}
