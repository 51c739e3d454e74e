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
import { fingerprintArticle, type ArticleFingerprint, type FingerprintOptions } from './fingerprint.ts';
import type { NearDuplicateIndex } from './near-duplicate-index.ts';
import { resolveGroupingOptions, type GroupingOptions, type ResolvedGroupingOptions } from './options.ts';
import { pairEvidence, type PairEvidence, type Probe } from './pair-evidence.ts';
import { WindowIndex } from './window-index.ts';

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
  private readonly window: WindowIndex;
  private readonly events = new Map<string, EventNode>();
  private run: RunLog | null = null;
  lastStats: GroupingStats = { articles: 0, scored: 0, reached: 0 };

  constructor(options: GroupingOptions = {}) {
    this.opts = resolveGroupingOptions(options);
    this.window = new WindowIndex(this.opts);
  }

  /** Continue from a saved state (events and members inside the window). */
  static fromState(state: GroupingState, options: GroupingOptions = {}): EventGrouper {
    const grouper = new EventGrouper(options);
    grouper.load(state);
    return grouper;
  }

  get memberCount(): number {
    return this.window.size;
  }

  get eventCount(): number {
    return this.events.size;
  }

  /** The near-duplicate index over the window's members (read-only use). */
  get nearDuplicates(): NearDuplicateIndex<MemberNode> {
    return this.window.nd;
  }

  /** This grouper's tokenisation settings, for fingerprints computed elsewhere (FingerprintPool). */
  get fingerprintOptions(): FingerprintOptions {
    return { cjk: this.opts.cjk, bodyChars: this.opts.bodyChars };
  }

  /** Fingerprint with this grouper's tokenisation settings. */
  fingerprint(article: EventArticle): ArticleFingerprint {
    return fingerprintArticle(article, this.fingerprintOptions);
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
    this.window.stats.reached = 0;
    this.window.stats.scored = 0;
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
      this.lastStats = { articles: articles.length, ...this.window.stats };
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
    for (const m of this.window.values()) {
      members.push({
        articleId: m.id,
        eventId: m.event.id,
        clusterId: m.clusterId,
        sourceId: m.sourceId,
        at: m.at,
        fingerprint: m.fingerprint,
      });
    }
    return { events: [...this.events.values()].map(snapshotRecord), members, now: this.window.now };
  }

  // ---- window ---------------------------------------------------------------------------------------

  /** Advance the window; events whose last member left it close (and leave the state). */
  private advance(now: number): void {
    for (const member of this.window.advance(now)) {
      const event = member.event;
      event.members.delete(member);
      if (event.members.size === 0 && this.events.get(event.id) === event) {
        this.events.delete(event.id);
        this.run?.expired.push(event.id);
      }
    }
  }

  private load(state: GroupingState): void {
    for (const record of state.events) {
      if (record.mergedInto) continue;
      this.events.set(record.id, eventFromRecord(record, true));
    }
    const loaded: MemberNode[] = [];
    const seen = new Set<string>();
    for (const m of state.members) {
      const event = this.events.get(m.eventId);
      if (!event) {
        throw new ValidationError(
          `member ${m.articleId} refers to event ${m.eventId}, which is not in the state`,
        );
      }
      if (seen.has(m.articleId))
        throw new ValidationError(`article ${m.articleId} appears twice in the state`);
      seen.add(m.articleId);
      const member = this.window.createMember({
        id: m.articleId,
        at: m.at,
        fingerprint: m.fingerprint,
        sourceId: m.sourceId,
        clusterId: m.clusterId,
        event,
        title: '',
        category: null,
      });
      event.members.add(member);
      loaded.push(member);
    }
    this.window.addAll(loaded);
    for (const [id, event] of this.events) if (event.members.size === 0) this.events.delete(id);
    this.window.now = state.now;
  }

  // ---- placing one article ----------------------------------------------------------------------------

  private links(p: Probe): Map<EventNode, EventLink> {
    const best = new Map<EventNode, EventLink>();
    const { duplicateThreshold, windowMs } = this.opts;
    for (const member of this.window.candidates(p)) {
      this.window.freshen(member);
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
    const known = this.window.get(article.id);
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
    const p = this.window.probe(article.id, at, fp);
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
    const member = this.window.createMember(
      {
        id: article.id,
        at,
        fingerprint: fp,
        sourceId: article.sourceId,
        clusterId: duplicateOf ? duplicateOf.clusterId : article.id,
        event,
        title: article.title,
        category: article.category ?? null,
      },
      p.indexTerms,
    );
    this.window.add(member, p);
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
