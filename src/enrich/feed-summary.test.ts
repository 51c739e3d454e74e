import { describe, expect, it } from 'vitest';
import { decideFeedSummary } from './feed-summary.ts';

const policy = { targetLanguage: 'zh', minChars: 40, maxChars: 1000 };
const zh =
  '某城市商业银行遭勒索软件攻击，核心业务系统和网上银行服务中断近两天，银行称客户存款安全未受影响，正在恢复。';

describe('decideFeedSummary', () => {
  it('keeps a clean summary of good length in the target language', () => {
    expect(decideFeedSummary(`<p>${zh}</p>`, true, policy, '标题')).toEqual({ use: true, summary: zh });
  });

  it('does nothing unless the source asks for it', () => {
    expect(decideFeedSummary(zh, false, policy, '标题')).toMatchObject({ use: false });
  });

  it('rejects short, long, teaser, title-only and foreign-language summaries with a reason', () => {
    expect(decideFeedSummary('银行遭攻击。', true, policy, 't')).toMatchObject({
      reason: expect.stringMatching(/too short/),
    });
    expect(decideFeedSummary(zh.repeat(30), true, policy, 't')).toMatchObject({
      reason: expect.stringMatching(/too long/),
    });
    expect(decideFeedSummary(`${zh}……`, true, policy, 't')).toMatchObject({
      reason: expect.stringMatching(/teaser/),
    });
    expect(decideFeedSummary(zh, true, policy, zh)).toMatchObject({
      reason: expect.stringMatching(/repeats the title/),
    });
    const en =
      'A regional bank was hit by ransomware and its online banking was down for two days, the bank said.';
    expect(decideFeedSummary(en, true, policy, 't')).toMatchObject({
      reason: 'feed summary is in en, not zh',
    });
  });
});
