// Sentence splitting for Chinese and English (and anything between). CJK terminators (。！？；) end a
// sentence wherever they stand; Latin ones (. ! ?) only before whitespace, and a period does not end a
// sentence after a known abbreviation or an initial, or when the next word starts in lower case.
// Line breaks always end a sentence (paragraphs, list items, headings).

const CJK_END = new Set(['。', '！', '？', '；', '…']);
const LATIN_END = new Set(['.', '!', '?']);
const CLOSERS = new Set(['"', "'", '”', '’', '」', '』', '）', ')', ']', '》']);
const ABBREVIATIONS = new Set([
  'mr',
  'mrs',
  'ms',
  'dr',
  'st',
  'jr',
  'sr',
  'inc',
  'corp',
  'ltd',
  'co',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'no',
  'fig',
  'u.s',
  'u.k',
  'gen',
  'gov',
  'sen',
  'rep',
  'jan',
  'feb',
  'mar',
  'apr',
  'aug',
  'sept',
  'sep',
  'oct',
  'nov',
  'dec',
]);

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\u00a0' || ch === '\u3000';
}

function wordBefore(text: string, end: number): string {
  let start = end;
  while (start > 0 && /[A-Za-z.]/.test(text[start - 1])) start--;
  return text.slice(start, end).toLowerCase();
}

function endsAfterPeriod(text: string, dot: number, next: number): boolean {
  const word = wordBefore(text, dot);
  if (ABBREVIATIONS.has(word) || /^[a-z]$/.test(word)) return false;
  let i = next;
  while (i < text.length && isSpace(text[i])) i++;
  const following = text[i];
  // "... in the U.S. officials said": a lower-case continuation is the same sentence.
  return following === undefined || following === '\n' || !/[a-z]/.test(following);
}

export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const push = (end: number) => {
    const s = text.slice(start, end).trim();
    if (s) out.push(s);
    start = end;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\n' || ch === '\r') {
      push(i);
      start = i + 1;
      continue;
    }
    if (CJK_END.has(ch)) {
      let j = i + 1;
      while (j < text.length && (CJK_END.has(text[j]) || CLOSERS.has(text[j]))) j++;
      push(j);
      i = j - 1;
      continue;
    }
    if (LATIN_END.has(ch)) {
      let j = i + 1;
      while (j < text.length && (LATIN_END.has(text[j]) || CLOSERS.has(text[j]))) j++;
      if (j < text.length && !isSpace(text[j]) && text[j] !== '\n' && text[j] !== '\r') {
        i = j - 1;
        continue; // 3.5, example.com, "?!x"
      }
      if (ch === '.' && j === i + 1 && !endsAfterPeriod(text, i, j)) continue;
      push(j);
      i = j - 1;
    }
  }
  push(text.length);
  return out;
}
