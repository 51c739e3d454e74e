// Final entities: the model's (or none offline) merged with what patterns find in the full text.
import type { RegexEntities } from './offline/regex-entities.ts';
import type { LlmEntities } from './steps/schemas.ts';
import type { Entities } from './types.ts';

const CVE_ID = /^CVE-\d{4}-\d{4,7}$/i;

function merge(a: string[], b: string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const v of [...a, ...b]) {
    const k = v.toLowerCase();
    if (!seen.has(k)) {
      seen.add(k);
      out.push(v);
    }
  }
  return out;
}

export function emptyEntities(): Entities {
  return {
    attackers: [],
    victims: [],
    loss: null,
    cves: [],
    vulnerabilities: [],
    products: [],
    vendors: [],
    ips: [],
    domains: [],
    hashes: [],
  };
}

export function mergeEntities(llm: LlmEntities | null, found: RegexEntities): Entities {
  const base = emptyEntities();
  if (llm) {
    Object.assign(base, {
      attackers: llm.attackers,
      victims: llm.victims,
      loss: llm.loss,
      vulnerabilities: llm.vulnerabilities,
      products: llm.products,
      vendors: llm.vendors,
    });
  }
  // A model sometimes writes "cve-2024-1234 (critical)": keep well-formed ids only, in canonical case.
  const modelCves = (llm?.cves ?? [])
    .map(
      (c) =>
        c
          .trim()
          .match(/CVE-\d{4}-\d{4,7}/i)?.[0]
          ?.toUpperCase() ?? '',
    )
    .filter((c) => CVE_ID.test(c));
  base.cves = merge(modelCves, found.cves);
  base.ips = found.ips;
  base.domains = found.domains;
  base.hashes = found.hashes;
  return base;
}

export type EntityType =
  'attacker' | 'victim' | 'loss' | 'cve' | 'vulnerability' | 'product' | 'vendor' | 'ip' | 'domain' | 'hash';

/** Flat {type, value} pairs, the shape the article row stores. */
export function entitiesToList(e: Entities): { type: EntityType; value: string }[] {
  const out: { type: EntityType; value: string }[] = [];
  const add = (type: EntityType, values: string[]) => values.forEach((value) => out.push({ type, value }));
  add('attacker', e.attackers);
  add('victim', e.victims);
  if (e.loss) out.push({ type: 'loss', value: e.loss });
  add('cve', e.cves);
  add('vulnerability', e.vulnerabilities);
  add('product', e.products);
  add('vendor', e.vendors);
  add('ip', e.ips);
  add('domain', e.domains);
  add('hash', e.hashes);
  return out;
}
