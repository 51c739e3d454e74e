import { describe, expect, it } from 'vitest';
import { genericTokenHashes, scanTokenHashes, stemEnglish, tokenize } from './tokenize.ts';
import { tokenHash } from './hash.ts';

describe('tokenize', () => {
  it('drops English stopwords, lowercases and strips common suffixes', () => {
    expect(tokenize('Hackers Exploited the Ivanti flaws in attacks')).toEqual([
      'hacker',
      'exploit',
      'ivanti',
      'flaw',
      'attack',
    ]);
    expect(stemEnglish('exploiting')).toBe(stemEnglish('exploits'));
    expect(stemEnglish('vulnerabilities')).toBe('vulnerability');
  });

  it('folds full-width text before splitting', () => {
    expect(tokenize('ＩＶＡＮＴＩ　Ｃｏｎｎｅｃｔ')).toEqual(['ivanti', 'connect']);
  });

  it('splits Chinese runs into bigrams, breaking at function characters and at Latin words', () => {
    expect(tokenize('日本航空遭DDoS攻击')).toEqual(['日本', '本航', '航空', 'ddos', '攻击']);
    // 的 separates the two content runs; no bigram spans it.
    expect(tokenize('漏洞的利用')).toEqual(['漏洞', '利用']);
  });

  it('segments Chinese into words in segmenter mode', () => {
    const words = tokenize('微软发布紧急安全更新，修复远程代码执行漏洞', { cjk: 'segmenter' });
    expect(words).toContain('微软');
    expect(words).toContain('漏洞');
    expect(words.every((w) => w.length >= 1 && !w.includes('，'))).toBe(true);
  });

  it('feeds the segmenter bounded chunks, so a long unpunctuated text stays linear', () => {
    const long = '研究人员发现攻击者利用零日漏洞入侵网络设备'.repeat(10_000); // 210k characters, no punctuation
    const started = performance.now();
    const words = tokenize(long, { cjk: 'segmenter' });
    const elapsed = performance.now() - started;
    expect(words.length).toBeGreaterThan(50_000);
    // One 210k-character call ran for over five minutes on Node 20 (quadratic); chunked it takes under a second.
    expect(elapsed).toBeLessThan(5_000);
  });

  it('marks the generic security vocabulary in both languages', () => {
    const generic = genericTokenHashes('bigram');
    for (const word of ['漏洞', '攻击', 'vulnerability', 'attack']) {
      const [token] = tokenize(word);
      expect(generic.has(tokenHash(token)), word).toBe(true);
    }
    expect(generic.has(tokenHash('ivanti'))).toBe(false);
    expect(generic.has(tokenHash('航空'))).toBe(false);
  });

  it('hashes long text without building strings, consistently with tokenize', () => {
    const chinese = '研究人员披露LDAP漏洞利用代码，可致域控制器崩溃的问题';
    expect(Array.from(scanTokenHashes(chinese))).toEqual(tokenize(chinese).map(tokenHash));
    // Latin words are not stemmed on this path, stopwords are still dropped.
    expect(Array.from(scanTokenHashes('The attackers exploited it'))).toEqual(
      ['attackers', 'exploited'].map(tokenHash),
    );
  });
});
