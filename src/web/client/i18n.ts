// Chinese by default, English on request (kept in localStorage). Both dictionaries have the same keys:
// the English one is typed against the Chinese one, so a missing translation fails type-checking.
import { zh } from './i18n-zh.ts';
import { en } from './i18n-en.ts';

export type Key = keyof typeof zh;
export type Lang = 'zh' | 'en';

const LANG_KEY = 'newsdesk.lang';
const dictionaries: Record<Lang, Record<Key, string>> = { zh, en };

export function lang(): Lang {
  try {
    return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function setLang(value: Lang): void {
  localStorage.setItem(LANG_KEY, value);
  document.documentElement.lang = value === 'zh' ? 'zh-CN' : 'en';
}

export function t(key: Key, vars?: Record<string, string | number>): string {
  const text = dictionaries[lang()][key] ?? zh[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** A label for an enum value if the dictionary has one (e.g. status.running), else the value itself. */
export function label(prefix: string, value: string): string {
  const key = `${prefix}.${value}` as Key;
  return key in zh ? t(key) : value;
}
