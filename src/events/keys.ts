// Keys that identify an incident regardless of wording: CVE ids and named entities from enrichment.

// NFKC first so full-width "ＣＶＥ－２０２４－１２３４" matches; dashes vary between outlets (‐ ‑ – —).
const CVE_PATTERN = /\bcve[\s_]*[-‐‑–—][\s_]*(\d{4})[\s_]*[-‐‑–—][\s_]*(\d{4,7})\b/gi;

/** Canonical CVE id ("CVE-2025-0282") or null when the text is not one. */
export function normalizeCve(value: string): string | null {
  CVE_PATTERN.lastIndex = 0;
  const match = CVE_PATTERN.exec(value.normalize('NFKC'));
  return match ? `CVE-${match[1]}-${match[2]}` : null;
}

/** Distinct CVE ids mentioned in the texts, in first-seen order. */
const MAY_HOLD_CVE = /cve|ｃｖｅ/i;
const FULL_WIDTH = /[\uff00-\uffef]/;

export function extractCves(...texts: (string | null | undefined)[]): string[] {
  const seen = new Set<string>();
  for (const text of texts) {
    if (!text || !MAY_HOLD_CVE.test(text)) continue;
    const folded = FULL_WIDTH.test(text) ? text.normalize('NFKC') : text;
    for (const match of folded.matchAll(CVE_PATTERN)) seen.add(`CVE-${match[1]}-${match[2]}`);
  }
  return [...seen];
}

/** Entity kinds from enrichment; anything else is accepted and weighted as 'other'. */
export type EntityType =
  'product' | 'vendor' | 'victim' | 'attacker' | 'malware' | 'organization' | 'person' | 'location' | 'other';

export interface EntityInput {
  name: string;
  type?: EntityType | string | null;
}

export interface EntityKey {
  /** Normalised name used for matching ("abnamro", "日本航空"). */
  key: string;
  /** Name as first given, for display. */
  name: string;
  type: string;
}

// Who was hit, who did it and with what identify an incident; vendors and places recur across unrelated news.
const TYPE_WEIGHT: Record<string, number> = {
  victim: 1,
  attacker: 1,
  malware: 1,
  product: 0.8,
  person: 0.8,
  organization: 0.5,
  vendor: 0.4,
  location: 0.2,
  other: 0.5,
};

export function entityWeight(type: string): number {
  return TYPE_WEIGHT[type] ?? TYPE_WEIGHT.other;
}

const LEGAL_SUFFIX = /\b(?:inc|corp|corporation|co|ltd|llc|plc|gmbh|ag|sa|group|holdings)\b\.?/g;

/** Matching key for an entity name: case, width, punctuation, spacing and legal suffixes ignored. */
export function normalizeEntityName(name: string): string {
  const folded = name.normalize('NFKC').toLowerCase().replace(LEGAL_SUFFIX, ' ');
  const key = folded.replace(/[^\p{L}\p{N}]+/gu, '');
  return key.replace(/(?:有限公司|股份有限公司|公司|集团)$/u, '') || key;
}

/** Distinct entity keys; plain strings are accepted as entities of type 'other'. */
export function entityKeys(entities: readonly (string | EntityInput)[] | null | undefined): EntityKey[] {
  const byKey = new Map<string, EntityKey>();
  for (const entity of entities ?? []) {
    const input = typeof entity === 'string' ? { name: entity } : entity;
    const name = input.name?.trim();
    if (!name) continue;
    const key = normalizeEntityName(name);
    // A lone ASCII letter or digit identifies nothing; a lone Chinese character may (e.g. a company short name).
    if (key.length === 0 || (key.length === 1 && key.charCodeAt(0) < 128)) continue;
    const type = (input.type ?? 'other').toLowerCase();
    const known = byKey.get(key);
    // Keep the strongest type when enrichment tagged the same name twice.
    if (!known || entityWeight(type) > entityWeight(known.type)) byKey.set(key, { key, name, type });
  }
  return [...byKey.values()];
}
