// The mutable working form of an event inside a grouping run, and how members and merges change it.
import { hasCjk } from './normalize.ts';
import type { EventEntityCount, EventRecord } from './event-types.ts';
import type { EntityKey } from './keys.ts';
import type { NearDuplicateDoc } from './near-duplicate-index.ts';
import { stableSort } from './stable-sort.ts';

const MAX_EVENT_ENTITIES = 20;

/** An article inside the window, as the indexes hold it. */
export interface MemberNode extends NearDuplicateDoc {
  event: EventNode;
  clusterId: string;
  sourceId: string;
  title: string;
  category: string | null;
  /** CVEs that link this article (empty for round-ups naming many CVEs). */
  focalCves: readonly string[];
  victims: readonly string[];
  /** Terms in the title postings, and terms counted in the window's document frequencies. */
  indexTerms: Uint32Array;
  dfTerms: Uint32Array;
  /** Total term weights when indexed (the other side of a weighted Jaccard). */
  titleMass: number;
  originalMass: number;
  leadMass: number;
  /** Window size when the masses were computed; they are refreshed when it has changed a lot. */
  massWindow: number;
  // Scratch space for candidate collection of the article being placed.
  stamp: number;
  acc: number;
  boost: number;
}

export interface EventNode {
  id: string;
  record: EventRecord;
  members: Set<MemberNode>;
  entityCounts: Map<string, EventEntityCount>;
  /** Sets behind record.sourceIds / record.cves, so adding a member stays O(1) in big events. */
  sourceSet: Set<string>;
  cveSet: Set<string>;
  /** Existed before the current run (changes are reported as updates or merges, not creations). */
  existedBefore: boolean;
  touched: boolean;
  /** Scratch for the article being placed: last count pass that saw this event, and members scored. */
  seenStamp: number;
  scored: number;
}

export function eventFromRecord(record: EventRecord, existedBefore: boolean): EventNode {
  const copy: EventRecord = {
    ...record,
    categoryCounts: { ...record.categoryCounts },
    articleIds: [...record.articleIds],
    sourceIds: [...record.sourceIds],
    cves: [...record.cves],
    entities: record.entities.map((e) => ({ ...e })),
  };
  return {
    id: record.id,
    record: copy,
    members: new Set(),
    entityCounts: new Map(copy.entities.map((e) => [e.key, e])),
    sourceSet: new Set(copy.sourceIds),
    cveSet: new Set(copy.cves),
    existedBefore,
    touched: false,
    seenStamp: 0,
    scored: 0,
  };
}

export function newEvent(
  id: string,
  seed: { id: string; title: string; at: number },
  now: number,
): EventNode {
  return eventFromRecord(
    {
      id,
      label: seed.title,
      labelArticleId: seed.id,
      labelAt: seed.at,
      category: null,
      categoryCounts: {},
      firstSeenAt: seed.at,
      lastSeenAt: seed.at,
      articleIds: [],
      sourceIds: [],
      cves: [],
      entities: [],
      createdAt: now,
      updatedAt: now,
      mergedInto: null,
    },
    false,
  );
}

/** Chinese titles win (the digest is Chinese), then the earliest article, then the smaller id. */
function betterLabel(title: string, at: number, id: string, record: EventRecord): boolean {
  const cjk = hasCjk(title);
  const currentCjk = hasCjk(record.label);
  if (cjk !== currentCjk) return cjk;
  if (at !== record.labelAt) return at < record.labelAt;
  return id < record.labelArticleId;
}

function setLabel(record: EventRecord, title: string, at: number, id: string): void {
  if (betterLabel(title, at, id, record)) {
    record.label = title;
    record.labelAt = at;
    record.labelArticleId = id;
  }
}

/** Highest count wins; a tie keeps the current category so labels do not flip between runs. */
function majorityCategory(counts: Record<string, number>, current: string | null): string | null {
  let best = current;
  let bestCount = current ? (counts[current] ?? 0) : 0;
  for (const [category, count] of Object.entries(counts)) {
    if (count > bestCount) {
      best = category;
      bestCount = count;
    }
  }
  return best;
}

function addCves(event: EventNode, cves: Iterable<string>): void {
  let added = false;
  for (const cve of cves) {
    if (event.cveSet.has(cve)) continue;
    event.cveSet.add(cve);
    added = true;
  }
  if (added) event.record.cves = [...event.cveSet].sort();
}

function addSource(event: EventNode, sourceId: string): void {
  if (event.sourceSet.has(sourceId)) return;
  event.sourceSet.add(sourceId);
  event.record.sourceIds.push(sourceId);
}

function byCount(a: EventEntityCount, b: EventEntityCount): number {
  return b.count - a.count || (a.key < b.key ? -1 : 1);
}

function refreshEntities(event: EventNode): void {
  const sorted = stableSort([...event.entityCounts.values()], byCount);
  event.record.entities = sorted.slice(0, MAX_EVENT_ENTITIES);
  if (sorted.length > MAX_EVENT_ENTITIES)
    event.entityCounts = new Map(event.record.entities.map((e) => [e.key, e]));
}

/** Attach a member (new to the event) and fold its facts into the record. */
export function addMember(
  event: EventNode,
  member: MemberNode,
  entities: readonly EntityKey[],
  now: number,
): void {
  const record = event.record;
  member.event = event;
  event.members.add(member);
  record.articleIds.push(member.id);
  addSource(event, member.sourceId);
  record.firstSeenAt = Math.min(record.firstSeenAt, member.at);
  record.lastSeenAt = Math.max(record.lastSeenAt, member.at);
  setLabel(record, member.title, member.at, member.id);
  if (member.category) {
    record.categoryCounts[member.category] = (record.categoryCounts[member.category] ?? 0) + 1;
    record.category = majorityCategory(record.categoryCounts, record.category);
  }
  addCves(event, member.focalCves);
  for (const entity of entities) {
    const known = event.entityCounts.get(entity.key);
    if (known) known.count++;
    else
      event.entityCounts.set(entity.key, { key: entity.key, name: entity.name, type: entity.type, count: 1 });
  }
  refreshEntities(event);
  record.updatedAt = now;
  event.touched = true;
}

/** Move everything of `absorbed` into `survivor`; the caller drops `absorbed` from its indexes. */
export function mergeEvents(survivor: EventNode, absorbed: EventNode, now: number): void {
  const target = survivor.record;
  const source = absorbed.record;
  for (const member of absorbed.members) {
    member.event = survivor;
    survivor.members.add(member);
  }
  absorbed.members.clear();
  const ids = new Set(target.articleIds);
  for (const id of source.articleIds) if (!ids.has(id)) target.articleIds.push(id);
  for (const sourceId of source.sourceIds)
    if (!target.sourceIds.includes(sourceId)) target.sourceIds.push(sourceId);
  target.firstSeenAt = Math.min(target.firstSeenAt, source.firstSeenAt);
  target.lastSeenAt = Math.max(target.lastSeenAt, source.lastSeenAt);
  setLabel(target, source.label, source.labelAt, source.labelArticleId);
  for (const [category, count] of Object.entries(source.categoryCounts)) {
    target.categoryCounts[category] = (target.categoryCounts[category] ?? 0) + count;
  }
  target.category = majorityCategory(target.categoryCounts, target.category);
  addCves(survivor, source.cves);
  for (const entity of absorbed.entityCounts.values()) {
    const known = survivor.entityCounts.get(entity.key);
    if (known) known.count += entity.count;
    else survivor.entityCounts.set(entity.key, { ...entity });
  }
  refreshEntities(survivor);
  target.updatedAt = now;
  survivor.touched = true;
  source.mergedInto = survivor.id;
  source.updatedAt = now;
}

/** The event that keeps its id in a merge: created earlier, else seen earlier, else the smaller id. */
export function isOlder(a: EventNode, b: EventNode): boolean {
  const ra = a.record;
  const rb = b.record;
  if (ra.createdAt !== rb.createdAt) return ra.createdAt < rb.createdAt;
  if (ra.firstSeenAt !== rb.firstSeenAt) return ra.firstSeenAt < rb.firstSeenAt;
  return a.id < b.id;
}

export function snapshotRecord(event: EventNode): EventRecord {
  const r = event.record;
  return {
    ...r,
    categoryCounts: { ...r.categoryCounts },
    articleIds: [...r.articleIds],
    sourceIds: [...r.sourceIds],
    cves: [...r.cves],
    entities: r.entities.map((e) => ({ ...e })),
  };
}
