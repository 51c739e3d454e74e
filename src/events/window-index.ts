// The articles inside the grouping window and the indexes that find candidates for a new one: LSH buckets
// (near-duplicates), capped CVE / entity / title-term postings, and term document frequencies. Every lookup
// is bounded by a cap, so placing an article costs the same in a small or a large archive.
import type { EventNode, MemberNode } from './event-node.ts';
import type { ArticleFingerprint } from './fingerprint.ts';
import { entityWeight, type EntityKey } from './keys.ts';
import { NearDuplicateIndex } from './near-duplicate-index.ts';
import type { ResolvedGroupingOptions } from './options.ts';
import type { Probe } from './pair-evidence.ts';
import { PostingIndex } from './posting-index.ts';
import { stableSort } from './stable-sort.ts';
import { sortedHas } from './sorted-terms.ts';
import { TermCounts } from './term-counts.ts';
import { GENERIC_TERM_WEIGHT, termWeight } from './term-weights.ts';
import { genericTokenHashes } from './tokenize.ts';

/** LSH candidates below this headline/body similarity are not worth scoring for their signature alone. */
const LSH_CANDIDATE_FLOOR = 0.45;
/** The most similar LSH candidates scored per article (near-duplicates are among the first few). */
const MAX_LSH_CANDIDATES = 8;
/** Members of one event scored per article: the strongest few decide the link. */
const MAX_SCORED_PER_EVENT = 3;
/** A title-term candidate must share at least this share of the article's title weight to be scored. */
const TERM_CANDIDATE_FLOOR = 0.25;
/** Postings of a term or entity worth less than this share are not scanned. */
const MIN_SCANNED_SHARE = 0.1;
/** A title term or entity used by at most this many events in the window anchors a match. */
const ANCHOR_MAX_EVENTS = 3;
/** ... and, for a title term, by at most this share of the window's articles. */
const RARE_TERM_SHARE = 0.01;
/** Counting the events that name an entity stops here: rarity 1/sqrt(n) is small enough already. */
const MANY_EVENTS = 16;
/** In the term table, a document adds DF_STEP; GENERIC_BIT marks the generic vocabulary. */
const DF_STEP = 2;
const GENERIC_BIT = 1;
/** Document frequencies below this get their idf from a per-window-size cache. */
const IDF_CACHED_DF = 64;
/** Recompute an indexed member's term masses once the window size moved by this factor. */
const MASS_REFRESH_FACTOR = 1.25;

/** Work counters (members reached through the indexes, pairs scored), summed until reset. */
export interface CandidateStats {
  reached: number;
  scored: number;
}

/** What a member is made from; the rest is derived here. */
export interface MemberInput {
  id: string;
  at: number;
  fingerprint: ArticleFingerprint;
  sourceId: string;
  clusterId: string;
  event: EventNode;
  title: string;
  category: string | null;
}

export class WindowIndex {
  readonly nd: NearDuplicateIndex<MemberNode>;
  private readonly members = new Map<string, MemberNode>();
  private readonly cvePostings: PostingIndex<string, MemberNode>;
  private readonly entityPostings: PostingIndex<string, MemberNode>;
  private readonly termPostings: PostingIndex<number, MemberNode>;
  /**
   * Per term, in one lookup: twice its window document frequency (title, original-title and summary
   * terms), plus 1 for a word of the generic security vocabulary (those stay in the table at df 0).
   */
  private readonly terms = new TermCounts(4096);
  /** idf by document frequency for the window size idfWindow (weights read ~130 terms per article). */
  private readonly idfByDf = new Float64Array(IDF_CACHED_DF).fill(NaN);
  private idfWindow = -1;
  /** The probe of the article being placed, and its anchor lists: reused from one article to the next. */
  private current: Probe | null = null;
  private readonly anchorTerms: number[] = [];
  private readonly anchorEntities: string[] = [];
  private readonly reached: MemberNode[] = [];
  private stamp = 0;
  /** Latest instant the window was advanced to. */
  now: number | null = null;
  readonly stats: CandidateStats = { reached: 0, scored: 0 };

  constructor(private readonly opts: ResolvedGroupingOptions) {
    this.nd = new NearDuplicateIndex<MemberNode>({ bucketCap: opts.bucketCap });
    this.cvePostings = new PostingIndex(opts.postingCap);
    this.entityPostings = new PostingIndex(opts.postingCap);
    this.termPostings = new PostingIndex(opts.postingCap);
    for (const term of genericTokenHashes(opts.cjk))
      if (!this.isGeneric(term)) this.terms.add(term, GENERIC_BIT);
  }

  get size(): number {
    return this.members.size;
  }

  get(articleId: string): MemberNode | undefined {
    return this.members.get(articleId);
  }

  values(): IterableIterator<MemberNode> {
    return this.members.values();
  }

  // ---- members in and out ---------------------------------------------------------------------------

  createMember(input: MemberInput, indexTerms?: Uint32Array): MemberNode {
    const fp = input.fingerprint;
    // Fields spelled out (no spread): every member gets the same object shape, which keeps lookups fast.
    return {
      id: input.id,
      at: input.at,
      fingerprint: fp,
      event: input.event,
      clusterId: input.clusterId,
      sourceId: input.sourceId,
      title: input.title,
      category: input.category,
      focalCves: this.focalCves(fp),
      victims: victims(fp.entities),
      indexTerms: indexTerms ?? this.titleIndexTerms(fp),
      dfTerms: this.documentTerms(fp),
      titleMass: 0,
      originalMass: 0,
      leadMass: 0,
      massWindow: 0,
      stamp: 0,
      acc: 0,
      boost: 0,
    };
  }

  /** Index a member just placed; its probe already holds its term masses. */
  add(member: MemberNode, probe: Probe): void {
    this.countDf(member);
    this.members.set(member.id, member);
    member.titleMass = probe.titleMass;
    member.originalMass = probe.originalMass;
    member.leadMass = probe.leadMass;
    member.massWindow = this.members.size;
    this.index(member);
  }

  /** Index members restored from a saved state: document frequencies first, weights second. */
  addAll(members: readonly MemberNode[]): void {
    for (const member of members) {
      this.countDf(member);
      this.members.set(member.id, member);
    }
    for (const member of members) {
      this.refreshMasses(member);
      this.index(member);
    }
  }

  /** Move the window forward; returns the members that left it (already out of every index). */
  advance(now: number): MemberNode[] {
    if (this.now !== null && now <= this.now) return [];
    this.now = now;
    const expired = this.nd.expireBefore(now - this.opts.windowMs);
    for (const member of expired) this.remove(member);
    return expired;
  }

  private index(member: MemberNode): void {
    this.nd.add(member);
    for (const cve of member.focalCves) this.cvePostings.add(cve, member);
    for (const entity of member.fingerprint.entities) this.entityPostings.add(entity.key, member);
    for (const term of member.indexTerms) this.termPostings.add(term, member);
  }

  private remove(member: MemberNode): void {
    this.nd.remove(member.id);
    this.members.delete(member.id);
    for (const cve of member.focalCves) this.cvePostings.remove(cve, member);
    for (const entity of member.fingerprint.entities) this.entityPostings.remove(entity.key, member);
    for (const term of member.indexTerms) this.termPostings.remove(term, member);
    const terms = this.terms;
    for (const term of member.dfTerms) terms.add(term, -DF_STEP);
  }

  private countDf(member: MemberNode): void {
    const terms = this.terms;
    for (const term of member.dfTerms) terms.add(term, DF_STEP);
  }

  /** Title and original-title terms that go into the term postings (generic words excluded). */
  private titleIndexTerms(fp: ArticleFingerprint): Uint32Array {
    const out: number[] = [];
    for (const term of fp.titleTerms) if (!this.isGeneric(term)) out.push(term);
    for (const term of fp.originalTitleTerms) {
      if (!this.isGeneric(term) && !sortedHas(fp.titleTerms, term)) out.push(term);
    }
    return Uint32Array.from(out);
  }

  /** Terms whose window document frequency the member counts in: lead terms and original-title terms. */
  private documentTerms(fp: ArticleFingerprint): Uint32Array {
    if (fp.originalTitleTerms.length === 0) return fp.leadTerms;
    const extra: number[] = [];
    for (const term of fp.originalTitleTerms) if (!sortedHas(fp.leadTerms, term)) extra.push(term);
    if (extra.length === 0) return fp.leadTerms;
    const out = new Uint32Array(fp.leadTerms.length + extra.length);
    out.set(fp.leadTerms);
    out.set(extra, fp.leadTerms.length);
    return out;
  }

  private focalCves(fp: ArticleFingerprint): readonly string[] {
    return fp.cves.length <= this.opts.maxFocalCves ? fp.cves : [];
  }

  // ---- term weights ---------------------------------------------------------------------------------

  private isGeneric(term: number): boolean {
    return (this.terms.get(term) & GENERIC_BIT) !== 0;
  }

  private df(term: number): number {
    return this.terms.get(term) >> 1;
  }

  private weightOf(term: number): number {
    const entry = this.terms.get(term);
    const df = entry >> 1;
    const n = this.members.size;
    if (df >= IDF_CACHED_DF) return termWeight(df, n, (entry & GENERIC_BIT) !== 0);
    if (n !== this.idfWindow) {
      this.idfByDf.fill(NaN);
      this.idfWindow = n;
    }
    let idf = this.idfByDf[df];
    if (idf !== idf) idf = this.idfByDf[df] = termWeight(df, n, false);
    return (entry & GENERIC_BIT) !== 0 ? idf * GENERIC_TERM_WEIGHT : idf;
  }

  /** Writes the weight of each term into `weights` (long enough); returns their total. */
  private weigh(terms: Uint32Array, weights: Float64Array): number {
    let mass = 0;
    for (let i = 0; i < terms.length; i++) {
      const weight = this.weightOf(terms[i]);
      weights[i] = weight;
      mass += weight;
    }
    return mass;
  }

  private mass(terms: Uint32Array): number {
    let mass = 0;
    for (let i = 0; i < terms.length; i++) mass += this.weightOf(terms[i]);
    return mass;
  }

  private refreshMasses(member: MemberNode): void {
    const fp = member.fingerprint;
    member.titleMass = this.mass(fp.titleTerms);
    member.originalMass = this.mass(fp.originalTitleTerms);
    member.leadMass = this.mass(fp.leadTerms);
    member.massWindow = this.members.size;
  }

  /** Term masses are computed when a member is indexed; refresh them once the window has changed a lot. */
  freshen(member: MemberNode): void {
    const drift = this.members.size / Math.max(1, member.massWindow);
    if (drift > MASS_REFRESH_FACTOR || drift < 1 / MASS_REFRESH_FACTOR) this.refreshMasses(member);
  }

  // ---- the article being placed -----------------------------------------------------------------------

  /** An article's view of the window: term weights, entity rarity and anchors. */
  probe(id: string, at: number, fp: ArticleFingerprint): Probe {
    // One probe object for every article: a probe lives while its article is placed (see Probe).
    const p = (this.current ??= emptyProbe());
    p.id = id;
    p.at = at;
    p.fingerprint = fp;
    p.focalCves = this.focalCves(fp);
    p.victims = victims(fp.entities);
    p.titleWeights = fitted(p.titleWeights, fp.titleTerms.length);
    p.titleMass = this.weigh(fp.titleTerms, p.titleWeights);
    p.originalWeights = fitted(p.originalWeights, fp.originalTitleTerms.length);
    p.originalMass = this.weigh(fp.originalTitleTerms, p.originalWeights);
    p.leadWeights = fitted(p.leadWeights, fp.leadTerms.length);
    p.leadMass = this.weigh(fp.leadTerms, p.leadWeights);
    const entityRarity = (p.entityRarity = fitted(p.entityRarity, fp.entities.length));
    const anchorEntities = this.anchorEntities;
    anchorEntities.length = 0;
    for (let i = 0; i < fp.entities.length; i++) {
      const entity = fp.entities[i];
      const events = this.distinctEvents(this.entityPostings.get(entity.key), MANY_EVENTS);
      entityRarity[i] = 1 / Math.sqrt(Math.max(1, events));
      if (entityWeight(entity.type) >= 0.8 || events <= ANCHOR_MAX_EVENTS) anchorEntities.push(entity.key);
    }
    p.anchorEntities = anchorEntities;
    // A term anchors when it is rare in the window and used by a few events at most. Rarity is counted in
    // articles, not events: a stock phrase wrongly grouped once would otherwise look specific to that event.
    const anchorTerms = this.anchorTerms;
    anchorTerms.length = 0;
    const rareDf = Math.max(2, RARE_TERM_SHARE * this.members.size);
    const indexTerms = this.titleIndexTerms(fp);
    for (const term of indexTerms) {
      if (this.df(term) > rareDf) continue;
      if (this.distinctEvents(this.termPostings.get(term), ANCHOR_MAX_EVENTS) <= ANCHOR_MAX_EVENTS) {
        anchorTerms.push(term);
      }
    }
    p.anchorTerms = anchorTerms;
    p.indexTerms = indexTerms;
    return p;
  }

  /** Distinct events among members, counted up to `limit + 1` (beyond that the answer is "many"). */
  private distinctEvents(members: readonly MemberNode[], limit: number): number {
    const stamp = ++this.stamp;
    let count = 0;
    for (let i = members.length - 1; i >= 0 && count <= limit; i--) {
      const event = members[i].event;
      if (event.seenStamp !== stamp) {
        event.seenStamp = stamp;
        count++;
      }
    }
    return count;
  }

  /** Mark a member as reached by the current probe; `boost` ranks near-duplicate and CVE candidates first. */
  private reach(m: MemberNode, p: Probe, stamp: number, boost: number, acc: number): void {
    if (Math.abs(m.at - p.at) > this.opts.windowMs) return;
    if (m.stamp !== stamp) {
      m.stamp = stamp;
      m.acc = 0;
      m.boost = 0;
      this.reached.push(m);
    }
    m.acc += acc;
    if (boost > m.boost) m.boost = boost;
  }

  private reachTerms(
    p: Probe,
    stamp: number,
    terms: Uint32Array,
    weights: Float64Array,
    titleMass: number,
  ): void {
    for (let i = 0; i < terms.length; i++) {
      if (this.isGeneric(terms[i])) continue;
      const share = weights[i] / titleMass;
      // A common term's long posting list cannot lift anyone over the floor on its own: skip the scan.
      if (share < MIN_SCANNED_SHARE) continue;
      const list = this.termPostings.get(terms[i]);
      for (let j = 0; j < list.length; j++) this.reach(list[j], p, stamp, 0, share);
    }
  }

  /**
   * Members worth scoring: near-duplicate and CVE candidates first, then the best title/entity matches; at
   * most a few per event, since one good link to an event is all a placement needs. In exhaustive mode,
   * every member inside the window (all-pairs).
   */
  candidates(p: Probe): MemberNode[] {
    if (this.opts.exhaustive) {
      const all: MemberNode[] = [];
      for (const m of this.members.values()) if (Math.abs(m.at - p.at) <= this.opts.windowMs) all.push(m);
      this.stats.reached += all.length;
      this.stats.scored += all.length;
      return all;
    }
    const stamp = ++this.stamp;
    const reached = this.reached;
    reached.length = 0;
    const similar = this.nd.query(p.fingerprint, { minSimilarity: LSH_CANDIDATE_FLOOR });
    for (let i = 0; i < similar.length && i < MAX_LSH_CANDIDATES; i++) {
      this.reach(similar[i].doc, p, stamp, 3 + similar[i].similarity, 0);
    }
    for (const cve of p.focalCves) for (const m of this.cvePostings.get(cve)) this.reach(m, p, stamp, 2, 0);
    const entities = p.fingerprint.entities;
    for (let i = 0; i < entities.length; i++) {
      const entity = entities[i];
      const share = 0.5 * entityWeight(entity.type) * p.entityRarity[i];
      if (share < MIN_SCANNED_SHARE) continue;
      for (const m of this.entityPostings.get(entity.key)) this.reach(m, p, stamp, 0, share);
    }
    const titleMass = p.titleMass + p.originalMass || 1;
    this.reachTerms(p, stamp, p.fingerprint.titleTerms, p.titleWeights, titleMass);
    this.reachTerms(p, stamp, p.fingerprint.originalTitleTerms, p.originalWeights, titleMass);

    stableSort(reached, byReach);
    const chosen: MemberNode[] = [];
    const eventStamp = ++this.stamp;
    let byTerms = 0;
    for (const m of reached) {
      if (m.boost === 0 && (m.acc < TERM_CANDIDATE_FLOOR || byTerms >= this.opts.maxTermCandidates)) continue;
      const event = m.event;
      if (event.seenStamp !== eventStamp) {
        event.seenStamp = eventStamp;
        event.scored = 0;
      }
      if (event.scored >= MAX_SCORED_PER_EVENT) continue;
      event.scored++;
      chosen.push(m);
      if (m.boost === 0) byTerms++;
    }
    this.stats.reached += reached.length;
    this.stats.scored += chosen.length;
    return chosen;
  }
}

/**
 * Near-duplicate and CVE candidates first, then by accumulated term/entity share, then the most recent.
 * Answers -1, 0 or 1: a difference of doubles would be boxed on every call.
 */
function byReach(a: MemberNode, b: MemberNode): number {
  const x = a.boost + a.acc;
  const y = b.boost + b.acc;
  if (x !== y) return x > y ? -1 : 1;
  return a.at === b.at ? 0 : a.at > b.at ? -1 : 1;
}

/** `array` when it holds at least `length` items, else a new one (with room to spare). */
function fitted(array: Float64Array, length: number): Float64Array {
  return array.length >= length ? array : new Float64Array(Math.max(length, 2 * array.length));
}

/** The reused probe before its first article; probe() sets every field before the probe is read. */
function emptyProbe(): Probe {
  return {
    id: '',
    at: 0,
    fingerprint: null as unknown as ArticleFingerprint,
    focalCves: [],
    victims: [],
    titleWeights: new Float64Array(64),
    originalWeights: new Float64Array(64),
    leadWeights: new Float64Array(256),
    // Fractions, not 0: the fields hold doubles from the start (no shape change on the first article).
    titleMass: 0.5,
    originalMass: 0.5,
    leadMass: 0.5,
    entityRarity: new Float64Array(8),
    anchorTerms: [],
    anchorEntities: [],
    indexTerms: new Uint32Array(0),
  };
}

function victims(entities: readonly EntityKey[]): string[] {
  return entities.filter((e) => e.type === 'victim').map((e) => e.key);
}
