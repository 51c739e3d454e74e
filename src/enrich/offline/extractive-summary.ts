// Summary without a model: rank sentences by how many of the article's frequent content words they carry
// (normalised by length), favour the lead and sentences sharing words with the title, drop near-duplicates,
// and return the best few in their original order within a character budget.
import { splitSentences } from '../text/sentences.ts';
import { createWordSegmenter, sentenceTerms, type WordSegmenter } from '../text/terms.ts';

export interface ExtractiveOptions {
  maxChars: number;
  maxSentences: number;
}

/** Only the first sentences are ranked: enough for any news article, bounded for huge pages. */
const MAX_SENTENCES_RANKED = 300;
const MIN_SENTENCE_CHARS = 8;
const MAX_SENTENCE_CHARS = 600;
const SENTENCE_END = /[.!?。！？…；;:："'”’)）」』]$/;

interface Candidate {
  index: number;
  text: string;
  terms: Set<string>;
  score: number;
}

function isCjkText(s: string): boolean {
  const han =
    s.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu)?.length ?? 0;
  return han > s.length * 0.3;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  return inter / (a.size + b.size - inter);
}

function cutTo(s: string, maxChars: number): string {
  const chars = Array.from(s);
  return chars.length <= maxChars ? s : `${chars.slice(0, Math.max(1, maxChars - 1)).join('')}…`;
}

/** One segmenter for every call: creating one costs about as much as segmenting a sentence. */
let sharedSegmenter: WordSegmenter | undefined;

export function extractiveSummary(title: string, text: string, opts: ExtractiveOptions): string {
  const segmenter = (sharedSegmenter ??= createWordSegmenter());
  const sentences = splitSentences(text)
    .filter((s) => s.length >= MIN_SENTENCE_CHARS)
    .slice(0, MAX_SENTENCES_RANKED);
  if (sentences.length === 0) return cutTo(text.trim(), opts.maxChars);

  const termLists = sentences.map((s) => sentenceTerms(segmenter, s.slice(0, MAX_SENTENCE_CHARS)));
  const freq = new Map<string, number>();
  for (const terms of termLists) for (const t of terms) freq.set(t, (freq.get(t) ?? 0) + 1);
  const titleTerms = new Set(title ? sentenceTerms(segmenter, title) : []);

  const n = sentences.length;
  const candidates: Candidate[] = sentences.map((text, index) => {
    const terms = termLists[index];
    const distinct = new Set(terms);
    let weight = 0;
    for (const t of distinct) weight += (freq.get(t) ?? 1) - 1; // words seen elsewhere in the article
    let titleShared = 0;
    for (const t of distinct) if (titleTerms.has(t)) titleShared++;
    const lengthNorm = Math.sqrt(Math.max(terms.length, 4));
    const position = index === 0 ? 1.5 : 1 + 0.3 * (1 - index / n);
    const titleBoost = 1 + Math.min(titleShared, 5) * 0.2;
    // Very short fragments (bylines, captions) and headings without final punctuation carry little.
    const shortPenalty = terms.length < 4 ? 0.5 : 1;
    const headingPenalty = SENTENCE_END.test(text) ? 1 : 0.4;
    return {
      index,
      text,
      terms: distinct,
      score: ((weight + 1) / lengthNorm) * position * titleBoost * shortPenalty * headingPenalty,
    };
  });

  const ranked = [...candidates].sort((a, b) => b.score - a.score || a.index - b.index);
  const picked: Candidate[] = [];
  let used = 0;
  for (const c of ranked) {
    if (picked.length >= opts.maxSentences) break;
    if (picked.some((p) => jaccard(p.terms, c.terms) > 0.6)) continue;
    const len = Array.from(c.text).length;
    if (picked.length > 0 && used + len > opts.maxChars) continue;
    picked.push(c);
    used += len;
  }
  picked.sort((a, b) => a.index - b.index);
  const joined = picked.map((c) => c.text).join(isCjkText(picked.map((c) => c.text).join('')) ? '' : ' ');
  return cutTo(joined, opts.maxChars);
}
