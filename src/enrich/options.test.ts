import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { isLlmConfigured, modelFor, resolveEnrichOptions } from './options.ts';

describe('resolveEnrichOptions', () => {
  it('fills defaults: offline, single-call, Chinese target, the five default categories', () => {
    const o = resolveEnrichOptions();
    expect(o.targetLanguage).toBe('zh');
    expect(o.mode).toBe('single');
    expect(o.categories).toEqual([
      '金融业网络安全事件',
      '重大网络安全事件',
      '重大数据泄露事件',
      '重大漏洞风险提示',
      '其他',
    ]);
    expect(o.retry.attempts).toBe(4);
    expect(o.offline.categoryRules.length).toBe(4);
    expect(isLlmConfigured(o)).toBe(false);
  });

  it('picks a model per step, falling back to the default', () => {
    const o = resolveEnrichOptions({ mode: 'steps', models: { default: 'cheap', summary: 'good' } });
    expect(modelFor(o, 'summary')).toBe('good');
    expect(modelFor(o, 'classify')).toBe('cheap');
    expect(isLlmConfigured(o)).toBe(true);
  });

  it('rejects unknown keys and bad values with a message naming them', () => {
    expect(() => resolveEnrichOptions({ limits: { maxConcurrent: 0 } })).toThrow(ValidationError);
    expect(() => resolveEnrichOptions({ mode: 'both' as never })).toThrow(/mode/);
    expect(() => resolveEnrichOptions({ modles: {} } as never)).toThrow(/modles/);
  });

  it('keeps default keyword rules only for categories still configured, and checks explicit ones', () => {
    const o = resolveEnrichOptions({ categories: ['重大漏洞风险提示', '其他'] });
    expect(o.offline.categoryRules.map((r) => r.category)).toEqual(['重大漏洞风险提示']);
    expect(() =>
      resolveEnrichOptions({
        categories: ['A', 'B'],
        offline: { categoryRules: [{ category: 'C', keywords: ['x'] }] },
      }),
    ).toThrow(/names no configured category/);
  });
});
