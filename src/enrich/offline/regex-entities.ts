// Entities that a pattern finds reliably: CVE ids, IP addresses, domains and file hashes. Used alone in
// offline mode and merged into the model's entities otherwise (a model may miss or mistype a CVE id).
// Defanged indicators (example[.]com, hxxp://) are refanged first.
import { isIPv4, isIPv6 } from 'node:net';

export interface RegexEntities {
  cves: string[];
  ips: string[];
  domains: string[];
  hashes: string[];
}

/** Longer pages are only scanned this far. */
const MAX_SCAN_CHARS = 200_000;
const MAX_PER_KIND = 50;

const CVE = /\bCVE-\d{4}-\d{4,7}\b/gi;
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)/g;
// Candidates only (hex and colons, two colons at least); node:net decides what is an address.
const IPV6 = /(?<![0-9a-z:])(?=[0-9a-f:]*:[0-9a-f:]*:)[0-9a-f:]{3,39}(?![0-9a-z:])/gi;
const DOMAIN = /(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{1,23}(?![\w-])/gi;
// Any long hex run between word boundaries, then only md5/sha1/sha256 lengths are kept (cheaper than
// a lookbehind alternation tried at every position).
const HASH = /\b[0-9a-f]{32,64}\b/gi;
const HASH_LENGTHS = new Set([32, 40, 64]);

/** Suffixes that look like TLDs but are file names in news text (report.pdf, node.js, config.yml). */
const FILE_EXTENSIONS = new Set([
  'js',
  'ts',
  'py',
  'rb',
  'go',
  'rs',
  'sh',
  'md',
  'txt',
  'pdf',
  'doc',
  'docx',
  'xls',
  'xlsx',
  'ppt',
  'pptx',
  'zip',
  'rar',
  'gz',
  'tar',
  'exe',
  'dll',
  'so',
  'bin',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'webp',
  'mp3',
  'mp4',
  'html',
  'htm',
  'php',
  'asp',
  'aspx',
  'jsp',
  'json',
  'xml',
  'yml',
  'yaml',
  'ini',
  'cfg',
  'conf',
  'log',
  'bat',
  'ps1',
  'vbs',
  'jar',
  'apk',
  'msi',
  'iso',
  'img',
  'dmg',
  'lnk',
  'sys',
  'tmp',
  'bak',
  'csv',
  'sql',
  'db',
  'java',
  'cpp',
  'cs',
  'c',
  'h',
  'css',
  'scss',
  'vue',
  'jsx',
  'tsx',
  'toml',
  'lock',
  'pem',
  'crt',
  'key',
  'dat',
]);

/** Generic TLDs seen in security news; every two-letter country code is accepted as well. */
const GENERIC_TLDS = new Set([
  'com',
  'net',
  'org',
  'edu',
  'gov',
  'mil',
  'int',
  'info',
  'biz',
  'io',
  'ai',
  'app',
  'dev',
  'cloud',
  'online',
  'site',
  'top',
  'xyz',
  'club',
  'shop',
  'store',
  'tech',
  'news',
  'live',
  'pro',
  'name',
  'mobi',
  'asia',
  'onion',
  'ru',
  'cn',
  'icu',
  'link',
  'click',
  'space',
  'website',
  'services',
  'support',
  'digital',
  'network',
  'zone',
  'email',
  'blog',
  'group',
  'company',
  'finance',
  'bank',
  'security',
  'systems',
  'solutions',
  'media',
  'tk',
]);

function refang(text: string): string {
  return text
    .replace(/\[\.\]|\(\.\)|\{\.\}|\[dot\]/gi, '.')
    .replace(/\bhxxp(s?):\/\//gi, 'http$1://')
    .replace(/\[:\]\/\//g, '://');
}

function uniq(values: Iterable<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of values) {
    if (!seen.has(v)) {
      seen.add(v);
      out.push(v);
      if (out.length >= MAX_PER_KIND) break;
    }
  }
  return out;
}

function isDomainCandidate(d: string): boolean {
  const tld = d.slice(d.lastIndexOf('.') + 1);
  if (FILE_EXTENSIONS.has(tld)) return false;
  if (!(GENERIC_TLDS.has(tld) || /^[a-z]{2}$/.test(tld))) return false;
  // "e.g", "U.S" and version numbers are not domains: require a label of at least 2 characters.
  return d.split('.').some((label, i, all) => i < all.length - 1 && label.length >= 2 && /[a-z]/.test(label));
}

export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return undefined;
  }
}

/** Regex entities of a text. `ownUrl`: the article's address, whose host is not an entity of its own. */
export function extractRegexEntities(text: string, ownUrl?: string): RegexEntities {
  const t = refang(text.slice(0, MAX_SCAN_CHARS));
  const own = hostOf(ownUrl);
  const ips = [
    ...(t.match(IPV4) ?? []).filter((ip) => isIPv4(ip)),
    ...(t.match(IPV6) ?? []).filter((ip) => /[0-9a-f]/i.test(ip) && isIPv6(ip)),
  ];
  const domains = (t.match(DOMAIN) ?? [])
    .map((d) => d.toLowerCase().replace(/^www\./, ''))
    .filter((d) => isDomainCandidate(d) && d !== own && !isIPv4(d));
  return {
    cves: uniq((t.match(CVE) ?? []).map((c) => c.toUpperCase())),
    ips: uniq(ips.map((ip) => ip.toLowerCase())),
    domains: uniq(domains),
    hashes: uniq(
      (t.match(HASH) ?? [])
        .filter((h) => HASH_LENGTHS.has(h.length) && /[a-f]/i.test(h) && /\d/.test(h))
        .map((h) => h.toLowerCase()),
    ),
  };
}
