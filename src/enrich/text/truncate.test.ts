import { describe, expect, it } from 'vitest';
import { cutForPrompt } from './truncate.ts';
import { estimateTokens } from './tokens.ts';

describe('cutForPrompt', () => {
  it('sends text within budget unchanged', () => {
    const r = cutForPrompt('Short text. Two sentences.', { maxTokens: 100, headShare: 0.7 });
    expect(r).toMatchObject({ text: 'Short text. Two sentences.', cut: false, omittedChars: 0 });
  });

  it('keeps head and tail with a marker, within the token budget', () => {
    const paragraphs = Array.from(
      { length: 200 },
      (_, i) => `Paragraph ${i} says something about topic ${i}.`,
    );
    const text = paragraphs.join('\n');
    const r = cutForPrompt(text, { maxTokens: 300, headShare: 0.7 });
    expect(r.cut).toBe(true);
    expect(r.text.startsWith('Paragraph 0 says')).toBe(true);
    expect(r.text.endsWith('Paragraph 199 says something about topic 199.')).toBe(true);
    expect(r.text).toMatch(/\[… \d+ characters omitted …\]/);
    expect(estimateTokens(r.text)).toBeLessThanOrEqual(300 + 5);
    expect(r.omittedChars).toBeGreaterThan(text.length / 2);
    // Cuts land on paragraph boundaries: no half paragraph next to the marker.
    const [head, tail] = r.text.split(/\n\n\[…[^\]]*\]\n\n/);
    expect(head.endsWith('.')).toBe(true);
    expect(tail.startsWith('Paragraph')).toBe(true);
  });

  it('counts CJK characters as about one token each', () => {
    const text = '这是一个关于网络安全事件的句子。'.repeat(500);
    const r = cutForPrompt(text, { maxTokens: 1000, headShare: 0.7 });
    expect(r.cut).toBe(true);
    expect(Array.from(r.text).length).toBeLessThan(1100);
    expect(r.text.startsWith('这是一个')).toBe(true);
  });

  it('with headShare 1 keeps only the head', () => {
    const r = cutForPrompt('word '.repeat(10_000), { maxTokens: 100, headShare: 1 });
    expect(r.cut).toBe(true);
    expect(r.text.endsWith('omitted …]')).toBe(true);
  });
});
