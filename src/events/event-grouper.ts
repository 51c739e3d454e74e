// Incremental event grouping inside a sliding window. Each new article is placed using bounded lookups
// (LSH buckets, capped CVE / entity / title-term postings), never by comparing it with the whole archive.
// Existing events are extended or merged (the older id survives), so ids stay stable across runs.
import { ValidationError } from '../errors.ts';
import { articleTime, type EventArticle } from './article.ts';
import {
  addMember,
  eventFromRecord,
  isOlder,
  mergeEvents,
  newEvent,
  snapshotRecord,
  type EventNode,
  type MemberNode,
} from './event-node.ts';
import type {
  Assignment,
  AssignmentReason,
  EventMember,
  EventRecord,
  GroupingResult,
  GroupingState,
  MergedEvent,
} from './event-types.ts';
import { fingerprintArticle, type ArticleFingerprint } from './fingerprint.ts';
import { entityWeight, type EntityKey } from './keys.ts';
import { NearDuplicateIndex } from './near-duplicate-index.ts';
import { resolveGroupingOptions, type GroupingOptions, type ResolvedGroupingOptions } from './options.ts';
import { pairEvidence, type PairEvidence, type Probe } from './pair-evidence.ts';
import { PostingIndex } from './posting-index.ts';
import { termWeight } from './term-weights.ts';
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
/** Recompute an indexed member's term masses once the window size moved by this factor. */
const MASS_REFRESH_FACTOR = 1.25;

export interface GroupOptions {
  /** Advance the window to this instant before placing the articles (default: latest article time). */
  now?: number;
}

/** Counters of the last `group` call, for benchmarks and cost tests. */
export interface GroupingStats {
  articles: number;
  /** Members scored in full, summed over the articles. */
  scored: number;
  /** Distinct members reached through any index, summed over the articles. */
  reached: number;
}

interface EventLink {
  event: EventNode;
  member: MemberNode;
  evidence: PairEvidence;
  /** Ranking across kinds of evidence: duplicate > shared CVE > similarity. */
  rank: number;
}

interface RunLog {
  created: Set<EventNode>;
  touched: Set<EventNode>;
  mergedInto: Map<string, string>;
  merged: MergedEvent[];
  expired: string[];
  wallClock: number;
}

export class EventGrouper {
  private readonly opts: ResolvedGroupingOptions;
  private readonly nd: NearDuplicateIndex<MemberNode>;
  private readonly events = new Map<string, EventNode>();
  private readonly members = new Map<string, MemberNode>();
  private readonly cvePostings: PostingIndex<string, MemberNode>;
  private readonly entityPostings: PostingIndex<string, MemberNode>;
  private readonly termPostings: PostingIndex<number, MemberNode>;
  /** Window document frequency of title, original-title and summary terms. */
  private readonly termDf = new Map<number, number>();
  private readonly generic: ReadonlySet<number>;
  private now: number | null = null;
  private stamp = 0;
  private run: RunLog | null = null;
  private readonly reached: MemberNode[] = [];
  lastStats: GroupingStats = { articles: 0, scored: 0, reached: 0 };

  constructor(options: GroupingOptions = {}) {
    this.opts = resolveGroupingOptions(options);
    this.nd = new NearDuplicateIndex<MemberNode>({ bucketCap: this.opts.bucketCap });
    this.cvePostings = new PostingIndex(this.opts.postingCap);
    this.entityPostings = new PostingIndex(this.opts.postingCap);
    this.termPostings = new PostingIndex(this.opts.postingCap);
    this.generic = genericTokenHashes(this.opts.cjk);
  }

  /** Continue from a saved state (events and members inside the window). */
  static fromState(state: GroupingState, options: GroupingOptions = {}): EventGrouper {
    const grouper = new EventGrouper(options);
    grouper.load(state);
    return grouper;
  }

  get memberCount(): number {
    return this.members.size;
  }

  get eventCount(): number {
    return this.events.size;
  }

  /** The near-duplicate index over the window's members (read-only use). */
  get nearDuplicates(): NearDuplicateIndex<MemberNode> {
    return this.nd;
  }

  /** Fingerprint with this grouper's tokenisation settings. */
  fingerprint(article: EventArticle): ArticleFingerprint {
    return fingerprintArticle(article, { cjk: this.opts.cjk, bodyChars: this.opts.bodyChars });
  }

  /**
   * Place new articles (in time order) into events. Articles the state already holds are reported as 'known'.
   * `fingerprints`, when given, are reused instead of recomputed (same order as `articles`).
   */
  group(
    articles: readonly EventArticle[],
    options: GroupOptions & { fingerprints?: readonly (ArticleFingerprint | undefined)[] } = {},
  ): GroupingResult {
    const clockNow = this.opts.clock();
    this.run = {
      created: new Set(),
      touched: new Set(),
      mergedInto: new Map(),
      merged: [],
      expired: [],
      wallClock: clockNow,
    };
    this.lastStats = { articles: articles.length, scored: 0, reached: 0 };
    try {
      if (options.now !== undefined) this.advance(options.now);
      const order = articles.map((article, index) => ({ article, index, at: articleTime(article) }));
      order.sort(
        (a, b) => a.at - b.at || (a.article.id < b.article.id ? -1 : a.article.id > b.article.id ? 1 : 0),
      );
      const assignments = new Array<Assignment>(articles.length);
      for (const { article, index, at } of order) {
        this.advance(at);
        assignments[index] = this.place(article, at, options.fingerprints?.[index]);
      }
      return this.finishRun(assignments);
    } finally {
      this.run = null;
    }
  }

  /** Move the window forward to `now`, closing events that fall out of it; returns their ids. */
  expire(now: number): string[] {
    const outer = this.run;
    const log: RunLog = outer ?? {
      created: new Set(),
      touched: new Set(),
      mergedInto: new Map(),
      merged: [],
      expired: [],
      wallClock: this.opts.clock(),
    };
    this.run = log;
    try {
      const before = log.expired.length;
      this.advance(now);
      return log.expired.slice(before);
    } finally {
      this.run = outer;
    }
  }

  /** Plain-data state to persist and pass to `fromState` / `groupArticles` next time. */
  snapshot(): GroupingState {
    const members: EventMember[] = [];
    for (const m of this.members.values()) {
      members.push({
        articleId: m.id,
        eventId: m.event.id,
        clusterId: m.clusterId,
        sourceId: m.sourceId,
        at: m.at,
        fingerprint: m.fingerprint,
      });
    }
    return { events: [...this.events.values()].map(snapshotRecord), members, now: this.now };
  }

  // ---- window ---------------------------------------------------------------------------------------

  private advance(now: number): void {
    if (this.now !== null && now <= this.now) return;
    this.now = now;
    for (const member of this.nd.expireBefore(now - this.opts.windowMs)) this.unindex(member);
  }

  private unindex(member: MemberNode): void {
    this.nd.remove(member.id);
    this.members.delete(member.id);
    const fp = member.fingerprint;
    for (const cve of member.focalCves) this.cvePostings.remove(cve, member);
    for (const entity of fp.entities) this.entityPostings.remove(entity.key, member);
    for (const term of member.indexTerms) this.termPostings.remove(term, member);
    const termDf = this.termDf;
    for (const term of member.dfTerms) {
      const df = (termDf.get(term) ?? 0) - 1;
      if (df > 0) termDf.set(term, df);
      else termDf.delete(term);
    }
    const event = member.event;
    event.members.delete(member);
    if (event.members.size === 0 && this.events.get(event.id) === event) {
      this.events.delete(event.id);
      this.run?.expired.push(event.id);
    }
  }

  // ---- indexing -------------------------------------------------------------------------------------

  /** Title and original-title terms that go into the term postings (generic words excluded). */
  private titleIndexTerms(fp: ArticleFingerprint): Uint32Array {
    const out: number[] = [];
    for (const term of fp.titleTerms) if (!this.generic.has(term)) out.push(term);
    for (const term of fp.originalTitleTerms) {
      if (!this.generic.has(term) && !contains(fp.titleTerms, term)) out.push(term);
    }
    return Uint32Array.from(out);
  }

  /** Terms whose window document frequency the member counts in: lead terms and original-title terms. */
  private documentTerms(fp: ArticleFingerprint): Uint32Array {
    if (fp.originalTitleTerms.length === 0) return fp.leadTerms;
    const extra: number[] = [];
    for (const term of fp.originalTitleTerms) if (!contains(fp.leadTerms, term)) extra.push(term);
    if (extra.length === 0) return fp.leadTerms;
    const out = new Uint32Array(fp.leadTerms.length + extra.length);
    out.set(fp.leadTerms);
    out.set(extra, fp.leadTerms.length);
    return out;
  }

  private weightOf(term: number): number {
    return termWeight(this.termDf.get(term) ?? 0, this.members.size, this.generic.has(term));
  }

  private weights(terms: Uint32Array): { weights: Float64Array; mass: number } {
    const weights = new Float64Array(terms.length);
    let mass = 0;
    for (let i = 0; i < terms.length; i++) {
      weights[i] = this.weightOf(terms[i]);
      mass += weights[i];
    }
    return { weights, mass };
  }

  private focalCves(fp: ArticleFingerprint): readonly string[] {
    return fp.cves.length <= this.opts.maxFocalCves ? fp.cves : [];
  }

  private victims(entities: readonly EntityKey[]): string[] {
    return entities.filter((e) => e.type === 'victim').map((e) => e.key);
  }

  private createMember(
    id: string,
    at: number,
    fingerprint: ArticleFingerprint,
    sourceId: string,
    clusterId: string,
    event: EventNode,
    title: string,
    category: string | null,
    indexTerms?: Uint32Array,
  ): MemberNode {
    return {
      id,
      at,
      fingerprint,
      event,
      clusterId,
      sourceId,
      title,
      category,
      focalCves: this.focalCves(fingerprint),
      victims: this.victims(fingerprint.entities),
      indexTerms: indexTerms ?? this.titleIndexTerms(fingerprint),
      dfTerms: this.documentTerms(fingerprint),
      titleMass: 0,
      originalMass: 0,
      leadMass: 0,
      massWindow: 0,
      stamp: 0,
      acc: 0,
      boost: 0,
    };
  }

  private countDf(member: MemberNode): void {
    const termDf = this.termDf;
    for (const term of member.dfTerms) termDf.set(term, (termDf.get(term) ?? 0) + 1);
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

  /** Add a member to every index; `probe` supplies its term masses when it was just placed. */
  private index(member: MemberNode, probe?: Probe): void {
    const fp = member.fingerprint;
    this.members.set(member.id, member);
    if (probe) {
      member.titleMass = probe.titleMass;
      member.originalMass = probe.originalMass;
      member.leadMass = probe.leadMass;
      member.massWindow = this.members.size;
    } else this.refreshMasses(member);
    this.nd.add(member);
    for (const cve of member.focalCves) this.cvePostings.add(cve, member);
    for (const entity of fp.entities) this.entityPostings.add(entity.key, member);
    for (const term of member.indexTerms) this.termPostings.add(term, member);
  }

  private load(state: GroupingState): void {
    for (const record of state.events) {
      if (record.mergedInto) continue;
      this.events.set(record.id, eventFromRecord(record, true));
    }
    const loaded: MemberNode[] = [];
    for (const m of state.members) {
      const event = this.events.get(m.eventId);
      if (!event)
        throw new ValidationError(
          `member ${m.articleId} refers to event ${m.eventId}, which is not in the state`,
        );
      if (this.members.has(m.articleId))
        throw new ValidationError(`article ${m.articleId} appears twice in the state`);
      const member = this.createMember(
        m.articleId,
        m.at,
        m.fingerprint,
        m.sourceId,
        m.clusterId,
        event,
        '',
        null,
      );
      event.members.add(member);
      this.members.set(member.id, member);
      loaded.push(member);
    }
    // Weights need the whole window's document frequencies, so count first and index second.
    for (const member of loaded) this.countDf(member);
    for (const member of loaded) this.index(member);
    for (const [id, event] of this.events) if (event.members.size === 0) this.events.delete(id);
    this.now = state.now;
  }

  // ---- placing one article ----------------------------------------------------------------------------

  private probe(id: string, at: number, fp: ArticleFingerprint): Probe {
    const title = this.weights(fp.titleTerms);
    const original = this.weights(fp.originalTitleTerms);
    const lead = this.weights(fp.leadTerms);
    const entityRarity = new Map<string, number>();
    const anchorEntities = new Set<string>();
    for (const entity of fp.entities) {
      const events = this.distinctEvents(this.entityPostings.get(entity.key));
      entityRarity.set(entity.key, 1 / Math.sqrt(Math.max(1, events)));
      if (entityWeight(entity.type) >= 0.8 || events <= ANCHOR_MAX_EVENTS) anchorEntities.add(entity.key);
    }
    const anchorTerms = new Set<number>();
    // A term anchors when it is rare in the window and used by a few events at most. Rarity is counted in
    // articles, not events: a stock phrase wrongly grouped once would otherwise look specific to that event.
    const rareDf = Math.max(2, RARE_TERM_SHARE * this.members.size);
    const indexTerms = this.titleIndexTerms(fp);
    for (const term of indexTerms) {
      if ((this.termDf.get(term) ?? 0) > rareDf) continue;
      if (this.distinctEvents(this.termPostings.get(term)) <= ANCHOR_MAX_EVENTS) anchorTerms.add(term);
    }
    return {
      id,
      at,
      fingerprint: fp,
      focalCves: this.focalCves(fp),
      victims: this.victims(fp.entities),
      titleWeights: title.weights,
      originalWeights: original.weights,
      leadWeights: lead.weights,
      titleMass: title.mass,
      originalMass: original.mass,
      leadMass: lead.mass,
      entityRarity,
      anchorTerms,
      anchorEntities,
      indexTerms,
    };
  }

  /** Distinct events among members (a capped posting list, so the count is bounded too). */
  private distinctEvents(members: readonly MemberNode[]): number {
    const stamp = ++this.stamp;
    let count = 0;
    for (const m of members) {
      if (m.event.seenStamp !== stamp) {
        m.event.seenStamp = stamp;
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
      if (this.generic.has(terms[i])) continue;
      const share = weights[i] / titleMass;
      // A common term's long posting list cannot lift anyone over the floor on its own: skip the scan.
      if (share < MIN_SCANNED_SHARE) continue;
      const list = this.termPostings.get(terms[i]);
      for (let j = 0; j < list.length; j++) this.reach(list[j], p, stamp, 0, share);
    }
  }

  /**
   * Members worth scoring: near-duplicate and CVE candidates first, then the best title/entity matches; at
   * most a few per event, since one good link to an event is all a placement needs.
   */
  private candidates(p: Probe): MemberNode[] {
    if (this.opts.exhaustive) {
      const all: MemberNode[] = [];
      for (const m of this.members.values()) if (Math.abs(m.at - p.at) <= this.opts.windowMs) all.push(m);
      this.lastStats.reached += all.length;
      this.lastStats.scored += all.length;
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
    for (const entity of p.fingerprint.entities) {
      const share = 0.5 * entityWeight(entity.type) * (p.entityRarity.get(entity.key) ?? 1);
      if (share < MIN_SCANNED_SHARE) continue;
      for (const m of this.entityPostings.get(entity.key)) this.reach(m, p, stamp, 0, share);
    }
    const titleMass = p.titleMass + p.originalMass || 1;
    this.reachTerms(p, stamp, p.fingerprint.titleTerms, p.titleWeights, titleMass);
    this.reachTerms(p, stamp, p.fingerprint.originalTitleTerms, p.originalWeights, titleMass);

    reached.sort((a, b) => b.boost + b.acc - (a.boost + a.acc) || b.at - a.at);
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
    this.lastStats.reached += reached.length;
    this.lastStats.scored += chosen.length;
    return chosen;
  }

  private links(p: Probe): Map<EventNode, EventLink> {
    const best = new Map<EventNode, EventLink>();
    const { duplicateThreshold, windowMs } = this.opts;
    const window = this.members.size;
    for (const member of this.candidates(p)) {
      const drift = window / Math.max(1, member.massWindow);
      if (drift > MASS_REFRESH_FACTOR || drift < 1 / MASS_REFRESH_FACTOR) this.refreshMasses(member);
      const evidence = pairEvidence(p, member, windowMs);
      // Without an anchor, similar wording alone ranks below any joinable link.
      const rank =
        evidence.duplicate >= duplicateThreshold
          ? 3 + evidence.duplicate
          : evidence.sharesCve
            ? 2 + evidence.score
            : evidence.anchored
              ? evidence.score
              : 0;
      const known = best.get(member.event);
      if (!known || rank > known.rank)
        best.set(member.event, { event: member.event, member, evidence, rank });
    }
    return best;
  }

  private isStrong(link: EventLink): boolean {
    const e = link.evidence;
    return (
      e.duplicate >= this.opts.duplicateThreshold ||
      e.sharesCve ||
      (e.anchored && e.score >= this.opts.mergeThreshold)
    );
  }

  private place(article: EventArticle, at: number, given: ArticleFingerprint | undefined): Assignment {
    const run = this.run!;
    const known = this.members.get(article.id);
    if (known) {
      return {
        articleId: article.id,
        eventId: known.event.id,
        clusterId: known.clusterId,
        duplicateOf: null,
        matchedArticleId: null,
        reason: 'known',
        score: 0,
        at: known.at,
        fingerprint: known.fingerprint,
      };
    }
    const fp = given ?? this.fingerprint(article);
    const p = this.probe(article.id, at, fp);
    const links = [...this.links(p).values()];

    let target: EventLink | undefined;
    for (const link of links) {
      const eligible = link.rank >= 2 || link.rank >= this.opts.joinThreshold;
      if (eligible && (!target || link.rank > target.rank)) target = link;
    }

    let event: EventNode;
    let reason: AssignmentReason = 'new';
    let score = 0;
    let matched: MemberNode | null = null;
    if (target) {
      event = target.event;
      matched = target.member;
      const e = target.evidence;
      if (e.duplicate >= this.opts.duplicateThreshold) [reason, score] = ['duplicate', e.duplicate];
      else if (e.sharesCve) [reason, score] = ['cve', 1];
      else [reason, score] = ['similar', e.score];
      if (this.isStrong(target))
        event = this.mergeStrongLinks(links.filter((l) => this.isStrong(l)).map((l) => l.event));
    } else {
      const id = this.opts.newEventId(article);
      if (this.events.has(id)) throw new ValidationError(`event id ${id} is already in use`);
      event = newEvent(id, { id: article.id, title: article.title, at }, run.wallClock);
      this.events.set(id, event);
      run.created.add(event);
    }

    const duplicateOf = reason === 'duplicate' && matched ? matched : null;
    const member = this.createMember(
      article.id,
      at,
      fp,
      article.sourceId,
      duplicateOf ? duplicateOf.clusterId : article.id,
      event,
      article.title,
      article.category ?? null,
      p.indexTerms,
    );
    this.countDf(member);
    this.index(member, p);
    addMember(event, member, fp.entities, run.wallClock);
    run.touched.add(event);
    return {
      articleId: article.id,
      eventId: event.id,
      clusterId: member.clusterId,
      duplicateOf: duplicateOf ? duplicateOf.id : null,
      matchedArticleId: matched ? matched.id : null,
      reason,
      score,
      at,
      fingerprint: fp,
    };
  }

  /** Fold every strongly linked event into the oldest of them and return it. */
  private mergeStrongLinks(linked: EventNode[]): EventNode {
    let survivor = linked[0];
    for (const event of linked) if (isOlder(event, survivor)) survivor = event;
    const run = this.run!;
    for (const event of linked) {
      if (event === survivor) continue;
      mergeEvents(survivor, event, run.wallClock);
      this.events.delete(event.id);
      run.mergedInto.set(event.id, survivor.id);
      if (event.existedBefore) run.merged.push({ id: event.id, into: survivor.id });
    }
    run.touched.add(survivor);
    return survivor;
  }

  private finishRun(assignments: Assignment[]): GroupingResult {
    const run = this.run!;
    const resolve = (id: string): string => {
      let current = id;
      for (let next = run.mergedInto.get(current); next !== undefined; next = run.mergedInto.get(current))
        current = next;
      return current;
    };
    for (const a of assignments) a.eventId = resolve(a.eventId);
    const createdEvents: EventRecord[] = [];
    const updatedEvents: EventRecord[] = [];
    for (const event of run.touched) {
      if (event.record.mergedInto) continue;
      if (run.created.has(event)) createdEvents.push(snapshotRecord(event));
      else updatedEvents.push(snapshotRecord(event));
    }
    return {
      assignments,
      createdEvents,
      updatedEvents,
      mergedEvents: run.merged.map((m) => ({ id: m.id, into: resolve(m.into) })),
      expiredEventIds: run.expired.filter((id) => !run.mergedInto.has(id)),
    };
  }
}

function contains(sorted: Uint32Array, value: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = sorted[mid];
    if (v === value) return true;
    if (v < value) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}
