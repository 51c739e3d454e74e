import { describe, expect, it } from 'vitest';
import { splitSentences } from './sentences.ts';

describe('splitSentences', () => {
  it('splits Chinese on 。！？； without spaces', () => {
    expect(splitSentences('攻击者入侵了系统。数据被加密！是否支付赎金？尚不清楚；调查仍在进行')).toEqual([
      '攻击者入侵了系统。',
      '数据被加密！',
      '是否支付赎金？',
      '尚不清楚；',
      '调查仍在进行',
    ]);
  });

  it('keeps closing quotes with their sentence', () => {
    expect(splitSentences('他说：“系统已经恢复。”随后离开。')).toEqual([
      '他说：“系统已经恢复。”',
      '随后离开。',
    ]);
  });

  it('splits English on . ! ? before whitespace but not inside numbers, domains or abbreviations', () => {
    const s = splitSentences(
      'Version 2.4.1 fixes it. Visit example.com for details! Mr. Smith works in the U.S. government. Really? Yes.',
    );
    expect(s).toEqual([
      'Version 2.4.1 fixes it.',
      'Visit example.com for details!',
      'Mr. Smith works in the U.S. government.',
      'Really?',
      'Yes.',
    ]);
  });

  it('treats line breaks as sentence ends', () => {
    expect(splitSentences('Heading\nFirst line of text\n\nSecond paragraph.')).toEqual([
      'Heading',
      'First line of text',
      'Second paragraph.',
    ]);
  });
});
