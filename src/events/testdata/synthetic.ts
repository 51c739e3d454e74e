// Deterministic security-news-like articles for cost tests: many distinct incidents that share common
// vocabulary (vendors, "漏洞", "attack", frequent words) the way a real archive does, but not their subject.
import type { EventArticle } from '../article.ts';

export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Vendors the synthetic incidents are about (the bench's stream adds more). */
export const VENDORS = [
  'Microsoft',
  'Cisco',
  'Fortinet',
  'Ivanti',
  'Citrix',
  'Apple',
  'Google',
  'VMware',
  'Oracle',
  'SAP',
];
const GENERIC_ZH = ['漏洞', '攻击', '黑客', '安全更新', '数据泄露', '勒索软件', '远程代码执行'];
const GENERIC_EN = ['vulnerability', 'attack', 'hackers', 'security', 'update', 'exploited', 'critical'];

function pseudoWord(random: () => number): string {
  const syllables = ['ka', 'lo', 'mi', 'ter', 'vex', 'dra', 'son', 'pul', 'qui', 'zen', 'ro', 'fa'];
  let word = '';
  for (let i = 0, n = 2 + Math.floor(random() * 2); i < n; i++)
    word += syllables[Math.floor(random() * syllables.length)];
  return word;
}

function pseudoHan(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String.fromCharCode(0x4e00 + Math.floor(random() * 3000));
  return out;
}

/** Zipf-like pick: low indexes (common words) are drawn far more often. */
function zipf<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(list.length * random() ** 3)];
}

/** `count` articles, one every `spacingMs`, each about its own incident. */
export function syntheticArticles(
  count: number,
  seed: number,
  startAt: number,
  spacingMs: number,
): EventArticle[] {
  const random = prng(seed);
  const vocabulary = Array.from({ length: 3000 }, () => pseudoWord(random));
  const hanVocabulary = Array.from({ length: 3000 }, () => pseudoHan(random, 2));
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
  const out: EventArticle[] = [];
  for (let i = 0; i < count; i++) {
    const vendor = pick(VENDORS);
    const subject = `${pseudoWord(random)}${Math.floor(random() * 100_000)}`;
    const zhWords = Array.from({ length: 4 }, () => zipf(random, hanVocabulary)).join('');
    const enWords = Array.from({ length: 4 }, () => zipf(random, vocabulary)).join(' ');
    const summary = Array.from({ length: 12 }, () => zipf(random, hanVocabulary)).join('');
    const at = startAt + i * spacingMs;
    out.push({
      id: `syn-${seed}-${i}`,
      sourceId: `source-${i % 17}`,
      title: `${vendor} ${subject}${zhWords}${pick(GENERIC_ZH)}`,
      originalTitle: `${vendor} ${subject} ${enWords} ${pick(GENERIC_EN)}`,
      summary: `${vendor}${summary}${pick(GENERIC_ZH)}`,
      publishedAt: at,
      fetchedAt: at,
      entities: [
        { name: vendor, type: 'vendor' },
        { name: subject, type: 'product' },
      ],
      category: '重大漏洞风险提示',
    });
  }
  return out;
}
