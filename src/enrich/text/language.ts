// Language of an article from its title AND body: scripts first (Han, kana, Hangul, Cyrillic), then
// stopword counts for Latin-script languages. The title alone is too short to trust, so the article's
// language comes from both; the title gets its own verdict because it is translated on its own.

export type LanguageCode = 'zh' | 'en' | 'ja' | 'ko' | 'ru' | 'de' | 'fr' | 'es' | 'it' | 'pt' | 'other';

export interface LanguageVerdict {
  /** Language of title + body. */
  language: LanguageCode;
  /** Language of the title alone (falls back to the body's for short Latin titles). */
  titleLanguage: LanguageCode;
  /** Share of CJK characters (Han, kana, Hangul) among all letters of the sample. */
  cjkRatio: number;
}

const BODY_SAMPLE_CHARS = 3000;
/** Function words are frequent: a couple of hundred words decide a Latin-script language. */
const LATIN_SAMPLE_CHARS = 1500;
/** At this share of CJK letters a text counts as CJK even with English product names mixed in. */
const CJK_THRESHOLD = 0.25;

const STOPWORDS: Record<'en' | 'de' | 'fr' | 'es' | 'it' | 'pt', ReadonlySet<string>> = {
  en: new Set(
    'the and of to in is that for with was on are as it by this from be have has at an were which their they will would not but or said its been more who'.split(
      ' ',
    ),
  ),
  de: new Set(
    'der die und den das nicht ist mit sich des auf für eine dem auch ein sie wird von bei werden nach sind zum zur über'.split(
      ' ',
    ),
  ),
  fr: new Set(
    'le les et des est une du dans pour qui pas sur au aux avec par ce sont plus ont été mais cette leur nous'.split(
      ' ',
    ),
  ),
  es: new Set(
    'el los las del y una por con para es se su al lo como más pero sus fue ha muy también'.split(' '),
  ),
  it: new Set(
    'il di che per una della non sono con gli nel alla anche più è questo delle degli ma'.split(' '),
  ),
  pt: new Set('o os do da em um uma para com não dos das no na mais foi ao seu sua pelo pela'.split(' ')),
};

interface ScriptCounts {
  han: number;
  kana: number;
  hangul: number;
  cyrillic: number;
  latin: number;
}

/** One pass over UTF-16 code units with range checks (much cheaper than five Unicode-property regexes). */
function countScripts(text: string): ScriptCounts {
  const c: ScriptCounts = { han: 0, kana: 0, hangul: 0, cyrillic: 0, latin: 0 };
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    if (u < 0x80) {
      if ((u >= 0x41 && u <= 0x5a) || (u >= 0x61 && u <= 0x7a)) c.latin++;
    } else if (u >= 0xc0 && u <= 0x24f) {
      if (u !== 0xd7 && u !== 0xf7) c.latin++;
    } else if (u >= 0x400 && u <= 0x4ff) c.cyrillic++;
    else if (u >= 0x3040 && u <= 0x30ff) c.kana++;
    else if ((u >= 0x4e00 && u <= 0x9fff) || (u >= 0x3400 && u <= 0x4dbf) || (u >= 0xf900 && u <= 0xfaff))
      c.han++;
    else if ((u >= 0xac00 && u <= 0xd7af) || (u >= 0x1100 && u <= 0x11ff) || (u >= 0x3130 && u <= 0x318f))
      c.hangul++;
  }
  return c;
}

function latinLanguage(text: string): LanguageCode | undefined {
  const words =
    text
      .slice(0, LATIN_SAMPLE_CHARS)
      .toLowerCase()
      .match(/\p{L}+/gu) ?? [];
  let best: LanguageCode | undefined;
  let bestHits = 0;
  for (const [lang, set] of Object.entries(STOPWORDS) as [LanguageCode, ReadonlySet<string>][]) {
    let hits = 0;
    for (const w of words) if (set.has(w)) hits++;
    if (hits > bestHits) {
      best = lang;
      bestHits = hits;
    }
  }
  // Too few function words to say (a headline, a list of names): no verdict.
  return bestHits >= 2 && bestHits >= words.length * 0.05 ? best : undefined;
}

function byScript(text: string): { language: LanguageCode | 'latin' | undefined; cjkRatio: number } {
  const c = countScripts(text);
  const cjk = c.han + c.kana + c.hangul;
  const letters = cjk + c.cyrillic + c.latin;
  if (letters === 0) return { language: undefined, cjkRatio: 0 };
  const cjkRatio = cjk / letters;
  if (cjkRatio >= CJK_THRESHOLD) {
    if (c.hangul > (c.han + c.kana) * 0.5) return { language: 'ko', cjkRatio };
    // Japanese always mixes kana into kanji; Chinese never uses it.
    if (c.kana >= 3 && c.kana >= (c.han + c.kana) * 0.05) return { language: 'ja', cjkRatio };
    return { language: c.han > 0 ? 'zh' : c.kana > 0 ? 'ja' : 'ko', cjkRatio };
  }
  if (c.cyrillic > c.latin) return { language: 'ru', cjkRatio };
  return { language: 'latin', cjkRatio };
}

export function detectLanguage(title: string, text: string): LanguageVerdict {
  const sample = `${title}\n${text.slice(0, BODY_SAMPLE_CHARS)}`;
  const whole = byScript(sample);
  let language: LanguageCode;
  if (whole.language === 'latin') language = latinLanguage(sample) ?? 'other';
  else language = whole.language ?? 'other';

  const head = byScript(title);
  let titleLanguage: LanguageCode;
  if (head.language === undefined) titleLanguage = language;
  else if (head.language === 'latin') {
    const bodyIsLatin = whole.language === 'latin';
    titleLanguage = latinLanguage(title) ?? (bodyIsLatin ? language : 'en');
  } else titleLanguage = head.language;

  return { language, titleLanguage, cjkRatio: whole.cjkRatio };
}

/** Language of a short standalone text (e.g. a feed summary). */
export function detectTextLanguage(text: string): LanguageCode {
  return detectLanguage('', text).language;
}
