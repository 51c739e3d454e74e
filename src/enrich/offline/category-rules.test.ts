import { describe, expect, it } from 'vitest';
import { DEFAULT_CATEGORIES } from '../options.ts';
import { loadGroundTruthArticles } from '../testing/corpus.ts';
import { loadSecurityFixtures } from '../testing/fixtures.ts';
import { categorizeByRules, DEFAULT_CATEGORY_RULES } from './category-rules.ts';

const categories = [...DEFAULT_CATEGORIES];
const categorize = (a: { title: string; text: string }) =>
  categorizeByRules(a.title, a.text, DEFAULT_CATEGORY_RULES, categories).category;

describe('categorizeByRules', () => {
  const fx = loadSecurityFixtures();

  it('files Chinese security news under the matching category', () => {
    expect(categorize(fx.zhBankRansomware)).toBe('金融业网络安全事件');
    expect(categorize(fx.zhDataLeak)).toBe('重大数据泄露事件');
    expect(categorize(fx.zhVulnerability)).toBe('重大漏洞风险提示');
  });

  it('files English security news under the matching category', () => {
    expect(categorize(fx.enBreach)).toBe('重大数据泄露事件');
    expect(categorize(fx.enVulnerability)).toBe('重大漏洞风险提示');
  });

  it('does not call ordinary banking news a security event', () => {
    expect(categorize(fx.enGeneralBank)).toBe('其他');
  });

  it('reports the keywords that decided', () => {
    const d = categorizeByRules(
      fx.zhVulnerability.title,
      fx.zhVulnerability.text,
      DEFAULT_CATEGORY_RULES,
      categories,
    );
    expect(d.matched).toEqual(expect.arrayContaining(['CVE-', '漏洞', '远程代码执行']));
    expect(d.score).toBeGreaterThanOrEqual(2);
  });

  it('files general news from the real corpus under the fallback', () => {
    const pages = loadGroundTruthArticles();
    const other = pages.filter((p) => categorize(p) === '其他');
    expect(other.length).toBeGreaterThanOrEqual(Math.floor(pages.length * 0.95));
  });

  it('follows configured rules and categories', () => {
    const rules = [{ category: 'Cloud', keywords: ['kubernetes', '云'], minScore: 1 }];
    expect(categorizeByRules('Kubernetes 1.30 released', '', rules, ['Cloud', 'Misc']).category).toBe(
      'Cloud',
    );
    expect(categorizeByRules('Nothing here', '', rules, ['Cloud', 'Misc']).category).toBe('Misc');
  });
});
