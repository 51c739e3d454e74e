// Text normalisation shared by tokenisation and key extraction.

/** NFKC folds full-width forms (ＣＶＥ－２０２４, ，) to ASCII; lowercase makes matching case-blind. */
export function normalizeText(text: string): string {
  // ASCII is already in NFKC form; skipping the ICU call matters on article bodies.
  return (ASCII.test(text) ? text : text.normalize('NFKC')).toLowerCase();
}

// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** True when the text contains Chinese, Japanese or Korean characters (used to prefer Chinese labels). */
export function hasCjk(text: string): boolean {
  return CJK.test(text);
}
