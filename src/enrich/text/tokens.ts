// A cheap token estimate, good enough for rate limiting and input budgets (not for billing: the server's
// usage numbers are used for that). CJK characters count about one token each; other text about four
// characters per token.

const CJK_CLASS = '[\\u3040-\\u30ff\\u3400-\\u4dbf\\u4e00-\\u9fff\\uac00-\\ud7af\\uf900-\\ufaff]';
const CJK = new RegExp(CJK_CLASS);
const CJK_ALL = new RegExp(CJK_CLASS, 'g');

export function isCjkChar(ch: string): boolean {
  return CJK.test(ch);
}

/** Estimated tokens of one character: CJK = 1, anything else = 0.25. */
export function charTokens(ch: string): number {
  return CJK.test(ch) ? 1 : 0.25;
}

export function estimateTokens(text: string): number {
  const cjk = text.match(CJK_ALL)?.length ?? 0;
  return Math.ceil(cjk + (text.length - cjk) / 4);
}

/** Messages as the server will count them: content plus a few tokens of framing per message. */
export function estimateMessagesTokens(messages: readonly { content: string }[]): number {
  let total = 3;
  for (const m of messages) total += 4 + estimateTokens(m.content);
  return total;
}
