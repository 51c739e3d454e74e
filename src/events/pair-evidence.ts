// How strongly a new article and one indexed member point at the same incident.
import type { ArticleFingerprint } from './fingerprint.ts';
import type { MemberNode } from './event-node.ts';
import { entityWeight } from './keys.ts';
import { signatureSimilarity } from './minhash.ts';
import { sortedHas } from './sorted-terms.ts';
import { weightedJaccard } from './term-weights.ts';

/**
 * The article being placed, with its term weights under the current window statistics. A probe is valid
 * while its article is placed: the window index reuses the object and its arrays for the next article (the
 * weight arrays may be longer than the terms they weigh). Only `indexTerms` may be kept.
 */
export interface Probe {
  id: string;
  at: number;
  fingerprint: ArticleFingerprint;
  focalCves: readonly string[];
  victims: readonly string[];
  titleWeights: Float64Array;
  originalWeights: Float64Array;
  leadWeights: Float64Array;
  titleMass: number;
  originalMass: number;
  leadMass: number;
  /** Rarity (0..1] of each of the article's entities (same order): 1 when one event in the window names it. */
  entityRarity: Float64Array;
  /**
   * Anchors: title terms and entities that only a few events in the window use (a victim's name, a product).
   * Two stories must share an anchor, a CVE or their wording (near-duplicate) to be grouped: common words
   * and phrases alone ("遭勒索软件攻击", "patches critical flaw") never join stories.
   */
  anchorTerms: readonly number[];
  anchorEntities: readonly string[];
  /** Title terms that go into the title postings (kept for indexing the article afterwards). */
  indexTerms: Uint32Array;
}

export interface PairEvidence {
  /** Near-duplicate similarity (max of headline and body signature agreement). */
  duplicate: number;
  /** Both name a CVE, and neither is a round-up. */
  sharesCve: boolean;
  /** They share a CVE (round-ups included), an anchor entity or an anchor title term. */
  anchored: boolean;
  /** Title/summary similarity plus entity bonus, time-decayed. */
  score: number;
}

/**
 * Sum of entity bonuses is capped. One shared victim or attacker (weight 1, named by one event) nearly
 * decides alone: who was hit within the same few days is the strongest sign of one incident after a CVE.
 */
const ENTITY_BONUS_PER_WEIGHT = 0.3;
const ENTITY_BONUS_CAP = 0.5;
/** Both stories name who was hit, and it is not the same victim. */
const VICTIM_CONFLICT_PENALTY = 0.15;
/** At the edge of the window wording keeps 70% of its weight. */
const TIME_DECAY = 0.3;

function sharesAny(a: readonly string[], b: readonly string[]): boolean {
  if (a.length === 0 || b.length === 0) return false;
  for (const x of a) if (b.includes(x)) return true;
  return false;
}

function isAnchored(p: Probe, m: MemberNode): boolean {
  const mf = m.fingerprint;
  if (sharesAny(p.fingerprint.cves, mf.cves)) return true;
  for (const entity of mf.entities) if (p.anchorEntities.includes(entity.key)) return true;
  for (const term of p.anchorTerms) {
    if (sortedHas(mf.titleTerms, term) || sortedHas(mf.originalTitleTerms, term)) return true;
  }
  return false;
}

function textSimilarity(p: Probe, m: MemberNode): number {
  const pf = p.fingerprint;
  const mf = m.fingerprint;
  let best = weightedJaccard(pf.titleTerms, p.titleWeights, p.titleMass, mf.titleTerms, m.titleMass);
  best = Math.max(best, weightedJaccard(pf.leadTerms, p.leadWeights, p.leadMass, mf.leadTerms, m.leadMass));
  const pOriginal = pf.originalTitleTerms.length > 0;
  const mOriginal = mf.originalTitleTerms.length > 0;
  if (pOriginal && mOriginal) {
    best = Math.max(
      best,
      weightedJaccard(
        pf.originalTitleTerms,
        p.originalWeights,
        p.originalMass,
        mf.originalTitleTerms,
        m.originalMass,
      ),
    );
  } else if (pOriginal) {
    // The member was never translated: its title is in the original language.
    best = Math.max(
      best,
      weightedJaccard(pf.originalTitleTerms, p.originalWeights, p.originalMass, mf.titleTerms, m.titleMass),
    );
  } else if (mOriginal) {
    best = Math.max(
      best,
      weightedJaccard(pf.titleTerms, p.titleWeights, p.titleMass, mf.originalTitleTerms, m.originalMass),
    );
  }
  return best;
}

function entityBonus(p: Probe, m: MemberNode): number {
  let bonus = 0;
  const theirs = m.fingerprint.entities;
  const ours = p.fingerprint.entities;
  for (let i = 0; i < ours.length; i++) {
    const entity = ours[i];
    if (!theirs.some((e) => e.key === entity.key)) continue;
    bonus += ENTITY_BONUS_PER_WEIGHT * entityWeight(entity.type) * p.entityRarity[i];
  }
  return Math.min(ENTITY_BONUS_CAP, bonus);
}

export function pairEvidence(p: Probe, m: MemberNode, windowMs: number): PairEvidence {
  const pf = p.fingerprint;
  const mf = m.fingerprint;
  const lead = signatureSimilarity(pf.lead, mf.lead);
  const body = pf.body && mf.body ? signatureSimilarity(pf.body, mf.body) : 0;
  // Wording fades with time (follow-ups are worded differently anyway); named entities do not.
  const gap = Math.min(1, Math.abs(p.at - m.at) / windowMs);
  let score = textSimilarity(p, m) * (1 - TIME_DECAY * gap) + entityBonus(p, m);
  if (p.victims.length > 0 && m.victims.length > 0 && !sharesAny(p.victims, m.victims)) {
    score -= VICTIM_CONFLICT_PENALTY;
  }
  score = Math.max(0, score);
  return {
    duplicate: Math.max(lead, body),
    sharesCve: sharesAny(p.focalCves, m.focalCves),
    anchored: isAnchored(p, m),
    score,
  };
}
