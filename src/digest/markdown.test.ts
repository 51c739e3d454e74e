import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chineseNumeral, type CategorySpec } from './categories.ts';
import { renderMarkdown } from './markdown.ts';
import type { Digest } from './model.ts';
import { fullDigest, houseDigest } from './testdata/fixtures.ts';

const golden = (name: string) => readFileSync(path.join(import.meta.dirname, 'testdata', name), 'utf8');

describe('renderMarkdown (golden files)', () => {
  it('renders the house format with empty sections and no 其他', () => {
    expect(renderMarkdown(houseDigest)).toBe(golden('house.md'));
  });

  it('renders 五、其他 when it has items, and an intro', () => {
    expect(renderMarkdown(fullDigest)).toBe(golden('full.md'));
  });

  it('adds source links only when asked, dropping non-http links', () => {
    expect(renderMarkdown(fullDigest, { includeLinks: true })).toBe(golden('full-with-links.md'));
  });

  it('renders a digest without items as four empty sections', () => {
    const empty: Digest = { id: 'x', date: '2026-12-01', title: '', intro: '', items: [] };
    expect(renderMarkdown(empty)).toBe(golden('empty.md'));
  });
});

describe('renderMarkdown rules', () => {
  it('uses the digest date, not today', () => {
    const md = renderMarkdown({ ...houseDigest, date: '2025-01-02' });
    expect(md.split('\n')[0]).toBe('# **每日网安情报速递【20250102】**');
  });

  it('uses an edited title', () => {
    expect(renderMarkdown({ ...houseDigest, title: '周末特刊' }).split('\n')[0]).toBe('# **周末特刊**');
  });

  it('follows a configured category list and numbers sections consecutively', () => {
    const categories: CategorySpec[] = [
      { name: '重大漏洞风险提示', showWhenEmpty: true },
      { name: '重大网络安全事件', showWhenEmpty: false },
      { name: '金融业网络安全事件', showWhenEmpty: true },
    ];
    const headings = renderMarkdown(houseDigest, { categories })
      .split('\n')
      .filter((l) => l.startsWith('### '));
    expect(headings).toEqual(['### 一、重大漏洞风险提示', '### 二、金融业网络安全事件']);
  });

  it('keeps a multi-line summary on one line', () => {
    const md = renderMarkdown({
      ...houseDigest,
      items: [{ ...houseDigest.items[0], summary: 'First line\n\n  second   line\n第三行' }],
    });
    expect(md).toContain('    - First line second line第三行\n');
  });

  it('writes Chinese numerals', () => {
    expect([1, 5, 10, 11, 20, 21, 99].map(chineseNumeral)).toEqual([
      '一',
      '五',
      '十',
      '十一',
      '二十',
      '二十一',
      '九十九',
    ]);
  });
});
