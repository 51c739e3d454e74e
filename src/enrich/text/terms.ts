// Content words of a sentence for ranking. Intl.Segmenter finds word boundaries in scripts written
// without spaces (Chinese, Japanese, Thai, ...); it is fed one sentence at a time because it is quadratic
// on long strings in Node 20. Sentences in other scripts take a regular expression that splits words as
// the segmenter does (apostrophes and dots inside a word keep it whole), about 15 times faster.

const STOPWORDS = new Set(
  [
    // English
    'the a an and or but if of to in on at by for with from as is are was were be been being have has had',
    'do does did this that these those it its they them their there here he she his her we our you your',
    'i me my not no so than then too very can could will would should may might must shall into over',
    'about after before also just more most other some such only own same what which who whom whose',
    'when where why how all any both each few many much said says say one two new up out like get got',
    // Chinese function words and fillers
    '的 了 在 是 和 与 及 或 也 都 就 而 并 但 其 该 此 之 于 已 已经 被 对 将 为 从 把 向 以 等',
    '这 那 这些 那些 这个 那个 一个 一些 我们 你们 他们 她们 它们 自己 可以 可能 进行 表示 认为',
    '没有 不是 因为 所以 如果 虽然 但是 以及 其中 目前 同时 通过 由于 关于 对于 根据 之后 之前',
  ]
    .join(' ')
    .split(/\s+/),
);

export type WordSegmenter = Intl.Segmenter;

export function createWordSegmenter(): WordSegmenter {
  return new Intl.Segmenter('zh', { granularity: 'word' });
}

const HAN = /\p{Script=Han}/u;
const NEEDS_SEGMENTER =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
// Unicode word-boundary rules in brief: letters, digits and '_' run together; ' ’ . join two letters;
// . , ' ’ join two digits.
const SPACED_WORD =
  /[\p{L}\p{M}\p{Nd}\p{Nl}_]+(?:(?:(?<=\p{L})['’.](?=\p{L})|(?<=\p{Nd})[.,'’](?=\p{Nd}))[\p{L}\p{M}\p{Nd}\p{Nl}_]+)*/gu;

function keep(terms: string[], word: string): void {
  const w = word.toLowerCase();
  if (STOPWORDS.has(w)) return;
  if (/^\d+$/.test(w)) return;
  // Single Han characters are mostly particles; single Latin letters are noise.
  if (w.length < 2 && (HAN.test(w) || /^[a-z]$/.test(w))) return;
  terms.push(w);
}

/** Lower-cased content words of one sentence (not a whole document: see above). */
export function sentenceTerms(segmenter: WordSegmenter, sentence: string): string[] {
  const terms: string[] = [];
  if (!NEEDS_SEGMENTER.test(sentence)) {
    for (const m of sentence.matchAll(SPACED_WORD)) keep(terms, m[0]);
    return terms;
  }
  for (const seg of segmenter.segment(sentence)) if (seg.isWordLike) keep(terms, seg.segment);
  return terms;
}

/** The segmenter's words for any sentence (the reference the spaced-script path is checked against). */
export function segmenterTerms(segmenter: WordSegmenter, sentence: string): string[] {
  const terms: string[] = [];
  for (const seg of segmenter.segment(sentence)) if (seg.isWordLike) keep(terms, seg.segment);
  return terms;
}
