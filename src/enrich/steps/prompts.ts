// Prompt templates, overridable one by one through options.prompts. Placeholders are {{name}}. The list
// of JSON keys ({{fields}}) is generated from what the step needs, so overrides cannot drift from the
// schema. Any change of wording should come with a new options.promptVersion; the templates' own hash is
// part of the cache key as well, so an edited prompt never serves stale results.
import { createHash } from 'node:crypto';
import type { EnrichOptions } from '../options.ts';

export interface PromptTemplates {
  system: string;
  single: string;
  translate: string;
  translateBody: string;
  summary: string;
  classify: string;
  entities: string;
  repair: string;
}

const SUMMARY_BRIEF =
  'one paragraph in {{targetLanguage}} covering what happened, the technical details, the impact, and advice for defenders (about 150-300 Chinese characters, or 80-150 words in other languages)';

export const DEFAULT_PROMPTS: PromptTemplates = {
  system:
    'You are an analyst for a daily cybersecurity news digest. You read one news article and answer with a single JSON object only: no prose, no code fences. Write every text value in {{targetLanguage}}. Use only facts stated in the article.',
  single:
    'Article title: {{title}}\nArticle language: {{language}}\nArticle text{{cutNote}}:\n"""\n{{text}}\n"""\n\nReturn a JSON object with these keys:\n{{fields}}',
  translate:
    'Translate this news headline into {{targetLanguage}}. Keep product names, CVE ids, company and person names accurate.\nHeadline: {{title}}\n\nReturn a JSON object with these keys:\n{{fields}}',
  translateBody:
    'Translate this article text into {{targetLanguage}}. Keep the paragraphs, and keep any "[… N characters omitted …]" marker as it is.\n"""\n{{text}}\n"""\n\nReturn a JSON object with these keys:\n{{fields}}',
  summary:
    'Article title: {{title}}\nArticle text{{cutNote}}:\n"""\n{{text}}\n"""\n\nSummarise the article. Return a JSON object with these keys:\n{{fields}}',
  classify:
    'Article title: {{title}}\nArticle text{{cutNote}}:\n"""\n{{text}}\n"""\n\nClassify the article. Return a JSON object with these keys:\n{{fields}}',
  entities:
    'Article title: {{title}}\nCategory: {{category}}\nArticle text{{cutNote}}:\n"""\n{{text}}\n"""\n\nList the key entities stated in the article. {{entityGuide}}\nReturn a JSON object with these keys:\n{{fields}}',
  repair:
    'Your previous reply could not be used: {{error}}\nReply again with only the corrected JSON object with the keys asked for above, complete and valid{{repairHint}}. Nothing else.',
};

const LANGUAGE_NAMES: Record<string, string> = {
  zh: 'Simplified Chinese (简体中文)',
  en: 'English',
  ja: 'Japanese',
  ko: 'Korean',
  ru: 'Russian',
  de: 'German',
  fr: 'French',
  es: 'Spanish',
  it: 'Italian',
  pt: 'Portuguese',
  other: 'an unidentified language',
};

export function languageName(code: string): string {
  return LANGUAGE_NAMES[code] ?? code;
}

export function templatesOf(options: EnrichOptions): PromptTemplates {
  return { ...DEFAULT_PROMPTS, ...stripUndefined(options.prompts) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Short hash of the effective templates, for cache keys. */
export function promptFingerprint(options: EnrichOptions): string {
  const t = templatesOf(options);
  return createHash('sha256').update(JSON.stringify(t)).digest('hex').slice(0, 12);
}

export function render(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in vars ? vars[name] : whole));
}

function categoryList(categories: readonly string[]): string {
  return categories.map((c) => JSON.stringify(c)).join(', ');
}

const ENTITY_KEYS_INCIDENT =
  '"attackers" (list: attacker groups, threat actors or malware families), "victims" (list: organisations or people affected), "loss" (string: money, records or systems lost, or null)';
const ENTITY_KEYS_VULN =
  '"cves" (list of CVE ids), "vulnerabilities" (list: short names of the flaws), "products" (list: affected products and versions), "vendors" (list)';

export function fieldLines(
  keys: (
    | 'title'
    | 'text'
    | 'summary'
    | 'category'
    | 'importance'
    | 'entities'
    | 'entitiesIncident'
    | 'entitiesVuln'
  )[],
  options: EnrichOptions,
): string {
  const target = languageName(options.targetLanguage);
  const fallback = options.categories[options.categories.length - 1];
  const vuln = options.vulnerabilityCategories.map((c) => JSON.stringify(c)).join(' or ');
  const line: Record<(typeof keys)[number], string> = {
    title: `- "title": the headline translated into ${target}`,
    text: `- "text": the translation into ${target}`,
    summary: `- "summary": ${SUMMARY_BRIEF.replace('{{targetLanguage}}', target)}`,
    category: `- "category": exactly one of ${categoryList(options.categories)}; the list is in order of priority, take the first that applies, ${JSON.stringify(fallback)} when none does`,
    importance:
      '- "importance": a number from 0 to 1, how much this matters to security teams (1: critical, actively exploited or very wide impact; 0.5: notable; 0: not security news)',
    entities: `- "entities": an object. For ${vuln || 'vulnerability advisories'}: ${ENTITY_KEYS_VULN}. For incidents: ${ENTITY_KEYS_INCIDENT}. Use [] or null for anything the article does not state.`,
    entitiesIncident: `- ${ENTITY_KEYS_INCIDENT}\n- "products", "vendors", "cves", "vulnerabilities": lists, only when stated`,
    entitiesVuln: `- ${ENTITY_KEYS_VULN}\n- "attackers", "victims": lists, "loss": string or null, only when stated`,
  };
  return keys.map((k) => line[k]).join('\n');
}
