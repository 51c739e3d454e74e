import { describe, expect, it } from 'vitest';
import { loadGroundTruthArticles } from '../testing/corpus.ts';
import { loadSecurityFixtures } from '../testing/fixtures.ts';
import { detectLanguage, detectTextLanguage } from './language.ts';

describe('detectLanguage', () => {
  const fx = loadSecurityFixtures();

  it('detects Chinese despite English product names and CVE ids mixed in', () => {
    const v = detectLanguage(fx.zhVulnerability.title, fx.zhVulnerability.text);
    expect(v.language).toBe('zh');
    expect(v.titleLanguage).toBe('zh');
    expect(v.cjkRatio).toBeGreaterThan(0.25);
  });

  it('detects English', () => {
    expect(detectLanguage(fx.enBreach.title, fx.enBreach.text)).toMatchObject({
      language: 'en',
      titleLanguage: 'en',
    });
  });

  it('uses the body, not the title alone: an English headline over a Chinese body', () => {
    const v = detectLanguage('Patch Tuesday: Microsoft fixes 61 flaws', fx.zhDataLeak.text);
    expect(v.language).toBe('zh');
    expect(v.titleLanguage).toBe('en');
  });

  it('uses the body when the title is ambiguous: a Chinese body with a title of names only', () => {
    expect(detectLanguage('LockBit 3.0', fx.zhBankRansomware.text).language).toBe('zh');
  });

  it('tells Japanese, Korean and Russian apart from Chinese', () => {
    expect(detectTextLanguage('東京都は新しいセキュリティ対策を発表しました。')).toBe('ja');
    expect(detectTextLanguage('정부는 새로운 보안 대책을 발표했습니다.')).toBe('ko');
    expect(detectTextLanguage('Правительство объявило о новых мерах безопасности.')).toBe('ru');
  });

  it('says other for text without letters', () => {
    expect(detectLanguage('', '12345 !!! 67890').language).toBe('other');
  });

  it('classifies the real corpus pages by their language', () => {
    const pages = loadGroundTruthArticles();
    const byHost = (host: string) => pages.filter((p) => p.url.includes(host));
    for (const p of byHost('note100yen.com')) expect(detectLanguage(p.title, p.text).language).toBe('ja');
    for (const p of byHost('lhpat-tm.com')) expect(detectLanguage(p.title, p.text).language).toBe('ja');
    for (const p of byHost('wday.ru')) expect(detectLanguage(p.title, p.text).language).toBe('ru');
    for (const p of byHost('remember8090.it')) expect(detectLanguage(p.title, p.text).language).toBe('it');
    for (const p of byHost('comoeducarseusfilhos.com.br'))
      expect(detectLanguage(p.title, p.text).language).toBe('pt');
    const english = pages.filter((p) =>
      /(nytimes|theguardian|bbc|cnn|reuters|wired|techcrunch)\./.test(p.url),
    );
    expect(english.length).toBeGreaterThan(5);
    for (const p of english) expect(detectLanguage(p.title, p.text).language).toBe('en');
  });
});
