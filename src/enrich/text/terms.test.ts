// Content words for the offline summary: sentences in spaced scripts skip Intl.Segmenter and must come
// out exactly as the segmenter would split them; scripts without spaces still go through it.
import { describe, expect, it } from 'vitest';
import { loadChineseFeedItems, loadGroundTruthArticles } from '../testing/corpus.ts';
import { splitSentences } from './sentences.ts';
import { createWordSegmenter, segmenterTerms, sentenceTerms } from './terms.ts';

describe('sentenceTerms', () => {
  const segmenter = createWordSegmenter();

  it('splits every sentence of the real English articles exactly as the segmenter does', () => {
    const sentences = loadGroundTruthArticles().flatMap((p) => splitSentences(p.text));
    expect(sentences.length).toBeGreaterThan(3000);
    const differing = sentences.filter(
      (s) => sentenceTerms(segmenter, s).join('|') !== segmenterTerms(segmenter, s).join('|'),
    );
    expect(differing).toEqual([]);
  });

  it('keeps words with inner apostrophes, dots and digit groups whole, as the segmenter does', () => {
    const s = "The U.S. company's 44,000 staff_members got 3.5% more in 1'000 towns, don't they? ½ ok";
    expect(sentenceTerms(segmenter, s)).toEqual(segmenterTerms(segmenter, s));
    expect(sentenceTerms(segmenter, s)).toEqual(
      expect.arrayContaining(['u.s', "company's", '44,000', 'staff_members', '3.5', "1'000"]),
    );
  });

  it('leaves Chinese to the segmenter: words, not characters', () => {
    const [item] = loadChineseFeedItems();
    const sentence = splitSentences(item.text)[0];
    const terms = sentenceTerms(segmenter, sentence);
    expect(terms).toEqual(segmenterTerms(segmenter, sentence));
    expect(terms.some((t) => Array.from(t).length >= 2 && /\p{Script=Han}/u.test(t))).toBe(true);
  });
});
