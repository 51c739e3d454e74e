import { describe, expect, it } from 'vitest';
import { loadChineseFeedItems, loadGroundTruthArticles } from '../testing/corpus.ts';
import { extractiveSummary } from './extractive-summary.ts';

const opts = { maxChars: 300, maxSentences: 3 };

describe('extractiveSummary', () => {
  it('summarises real English articles with whole sentences taken from the text, within budget', () => {
    const pages = loadGroundTruthArticles().filter(
      (p) => /\.(com|co\.uk)\//.test(p.url) && p.text.length > 2000,
    );
    expect(pages.length).toBeGreaterThan(20);
    for (const p of pages.slice(0, 25)) {
      const s = extractiveSummary(p.title, p.text, opts);
      expect(Array.from(s).length).toBeLessThanOrEqual(300);
      expect(s.length).toBeGreaterThan(40);
      // Each picked sentence (unless the budget cut one) appears verbatim in the article.
      const first = s.split(/(?<=[.!?])\s+/)[0];
      if (!first.endsWith('…')) expect(p.text).toContain(first);
    }
  });

  it('summarises real Chinese news (GB2312 feed in the corpus) with Chinese sentences', () => {
    const items = loadChineseFeedItems();
    expect(items.length).toBeGreaterThan(3);
    for (const item of items) {
      const s = extractiveSummary(item.title, item.text, opts);
      expect(Array.from(s).length).toBeLessThanOrEqual(300);
      expect(s).toMatch(/\p{Script=Han}/u);
      expect(s).not.toMatch(/。 /); // Chinese sentences are joined without spaces
      const firstSentence = s.split(/(?<=。)/)[0];
      if (!firstSentence.endsWith('…'))
        expect(item.text.replace(/\s+/g, ' ')).toContain(firstSentence.trim());
    }
  });

  it('prefers the sentences about the article’s main topic', () => {
    const text = [
      'The weather was pleasant on Monday.',
      'Hackers breached the payroll system of the city and stole payroll records of employees.',
      'The payroll system breach exposed records of 40,000 city employees, officials said.',
      'Officials said the payroll breach is under investigation by the police.',
      'A local bakery opened a new shop downtown.',
    ].join(' ');
    const s = extractiveSummary('City payroll system breached by hackers', text, {
      maxChars: 400,
      maxSentences: 2,
    });
    expect(s).toContain('payroll');
    expect(s).not.toContain('bakery');
    expect(s).not.toContain('weather');
  });

  it('copes with a huge single-paragraph Chinese text quickly (segmenter fed one sentence at a time)', () => {
    const text = '攻击者利用漏洞入侵了银行的核心系统并窃取了客户数据。'.repeat(20_000);
    const started = performance.now();
    const s = extractiveSummary('银行遭入侵', text, opts);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(s.startsWith('攻击者')).toBe(true);
  });
});
