// Text normalisation shared by tokenisation and key extraction.

/** NFKC folds full-width forms (ＣＶＥ－２０２４, ，) to ASCII; lowercase makes matching case-blind. */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** True when the text contains Chinese, Japanese or Korean characters (used to prefer Chinese labels). */
export function hasCjk(text: string): boolean {
  return CJK.test(text);
}
