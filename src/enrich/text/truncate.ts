// How long article text is cut before it goes into a prompt (never sent whole):
//  - the budget is in estimated tokens (CJK char ≈ 1 token, other text ≈ 4 chars per token);
//  - text within budget is sent unchanged;
//  - otherwise the first `headShare` of the budget is taken from the start (the lead carries the news)
//    and the rest from the end (conclusions, advice, vendor statements), joined by a visible marker
//    "[… N characters omitted …]";
//  - both cuts move to a nearby paragraph or sentence boundary when one is within 20 % of the cut.

export interface CutPolicy {
  maxTokens: number;
  /** 0.1–1: share of the budget kept from the start. */
  headShare: number;
}

export interface CutText {
  text: string;
  cut: boolean;
  originalChars: number;
  omittedChars: number;
}

function tokenCost(code: number): number {
  // Kana, CJK ideographs, Hangul, compatibility ideographs: ~1 token each.
  if (
    (code >= 0x3040 && code <= 0x30ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xac00 && code <= 0xd7af) ||
    (code >= 0xf900 && code <= 0xfaff)
  ) {
    return 1;
  }
  return 0.25;
}

function costOf(text: string): number {
  let t = 0;
  for (let i = 0; i < text.length; i++) t += tokenCost(text.charCodeAt(i));
  return t;
}

const BOUNDARY = /[\n。！？!?；;]|\.\s/g;

/** Index just after the last boundary in text[from, to), or -1. */
function lastBoundary(text: string, from: number, to: number): number {
  BOUNDARY.lastIndex = from;
  let found = -1;
  for (let m = BOUNDARY.exec(text); m && m.index < to; m = BOUNDARY.exec(text)) {
    found = m.index + 1;
  }
  return found;
}

/** Index just after the first boundary in text[from, to), or -1. */
function firstBoundary(text: string, from: number, to: number): number {
  BOUNDARY.lastIndex = from;
  const m = BOUNDARY.exec(text);
  return m && m.index < to ? m.index + m[0].length : -1;
}

export function cutForPrompt(input: string, policy: CutPolicy): CutText {
  const text = input
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (costOf(text) <= policy.maxTokens) {
    return { text, cut: false, originalChars: text.length, omittedChars: 0 };
  }
  const markerBudget = 12;
  const headBudget = Math.floor((policy.maxTokens - markerBudget) * policy.headShare);
  const tailBudget = Math.max(0, policy.maxTokens - markerBudget - headBudget);

  let headEnd = 0;
  for (let used = 0; headEnd < text.length; headEnd++) {
    used += tokenCost(text.charCodeAt(headEnd));
    if (used > headBudget) break;
  }
  let tailStart = text.length;
  for (let used = 0; tailStart > headEnd; tailStart--) {
    used += tokenCost(text.charCodeAt(tailStart - 1));
    if (used > tailBudget) break;
  }

  const headSnap = lastBoundary(text, Math.floor(headEnd * 0.8), headEnd);
  if (headSnap > 0) headEnd = headSnap;
  const tailSpan = text.length - tailStart;
  const tailSnap = firstBoundary(text, tailStart, tailStart + Math.ceil(tailSpan * 0.2));
  if (tailSnap > 0 && tailSnap < text.length) tailStart = tailSnap;

  const head = text.slice(0, headEnd).trimEnd();
  const tail = tailBudget > 0 ? text.slice(tailStart).trimStart() : '';
  const omittedChars = text.length - head.length - tail.length;
  const marker = `[… ${omittedChars} characters omitted …]`;
  return {
    text: tail ? `${head}\n\n${marker}\n\n${tail}` : `${head}\n\n${marker}`,
    cut: true,
    originalChars: text.length,
    omittedChars,
  };
}
