import { describe, expect, it } from 'vitest';
import { EventGrouper } from './event-grouper.ts';
import type { Assignment, GroupingState } from './event-types.ts';
import { decodeFingerprint, encodeFingerprint } from './fingerprint.ts';
import { groupArticles } from './group-articles.ts';
import { defaultEventId } from './options.ts';
import { DAY, HOUR, loadFixtures, type FixtureArticle } from './testdata/fixtures.ts';
import { syntheticArticles } from './testdata/synthetic.ts';
import type { CjkMode } from './tokenize.ts';

const fixtures = loadFixtures('articles.json');
const mergeFixtures = loadFixtures('merge-articles.json');

/** expected incident → the set of event ids its articles were placed in. */
function eventsByIncident(articles: FixtureArticle[], assignments: Assignment[]): Map<string, Set<string>> {
  const byId = new Map(assignments.map((a) => [a.articleId, a]));
  const out = new Map<string, Set<string>>();
  for (const article of articles) {
    const set = out.get(article.expect.event) ?? new Set<string>();
    set.add(byId.get(article.id)!.eventId);
    out.set(article.expect.event, set);
  }
  return out;
}

function eventOf(assignments: Assignment[], articleId: string): string {
  return assignments.find((a) => a.articleId === articleId)!.eventId;
}

/** Round-trip the state through JSON the way a store would keep it (fingerprints as text). */
function persist(state: GroupingState): GroupingState {
  const text = JSON.stringify({
    ...state,
    members: state.members.map((m) => ({ ...m, fingerprint: encodeFingerprint(m.fingerprint) })),
  });
  const raw = JSON.parse(text);
  return {
    ...raw,
    members: raw.members.map((m: any) => ({ ...m, fingerprint: decodeFingerprint(m.fingerprint) })),
  };
}

describe.each<CjkMode>(['bigram', 'segmenter'])('grouping realistic articles (%s)', (cjk) => {
  const result = groupArticles(fixtures, null, { cjk, clock: () => 1_000 });
  const incidents = eventsByIncident(fixtures, result.assignments);

  it('puts every story about one incident into one event', () => {
    for (const [incident, events] of incidents) expect([...events], incident).toHaveLength(1);
  });

  it('keeps unrelated stories apart even when they share "漏洞", "vulnerability" or "攻击"', () => {
    const eventIds = [...incidents]
      .filter(([incident]) => incident !== 'hyperv')
      .map(([, ids]) => [...ids][0]);
    expect(new Set(eventIds).size).toBe(eventIds.length);
    // Two DDoS stories about Japanese firms a day apart, a bank DDoS, an airline breach: all separate.
    const apart = ['bc-jal-ddos', 'zh-docomo-ddos', 'zh-bank-ddos', 'zh-airline-breach-unrelated'];
    expect(new Set(apart.map((id) => eventOf(result.assignments, id))).size).toBe(apart.length);
    // A round-up naming nine CVEs does not glue the stories about two of them together.
    expect(eventOf(result.assignments, 'zh-hyperv-21333')).not.toBe(
      eventOf(result.assignments, 'en-ole-21298'),
    );
  });

  it('joins a story with the same CVE in other words, across languages', () => {
    const fortinet = eventOf(result.assignments, 'bc-fortinet-55591');
    // The Chinese story names the vendor 飞塔; the Arctic Wolf story only mentions the CVE in its body.
    expect(eventOf(result.assignments, 'anquanke-fortinet-55591')).toBe(fortinet);
    const arcticWolf = result.assignments.find((a) => a.articleId === 'arcticwolf-fortigate-campaign')!;
    expect(arcticWolf.eventId).toBe(fortinet);
    expect(arcticWolf.reason).toBe('cve');
  });

  it('joins stories without CVEs through entities and wording (victim PowerSchool, JAL)', () => {
    const record = result.assignments.find((a) => a.articleId === 'record-powerschool-districts')!;
    expect(record.reason).toBe('similar');
    expect(record.eventId).toBe(eventOf(result.assignments, 'bc-powerschool-breach'));
    expect(eventOf(result.assignments, 'zh-jal-ddos')).toBe(eventOf(result.assignments, 'bc-jal-ddos'));
  });

  it('exposes near-duplicate clusters inside events', () => {
    const byId = new Map(result.assignments.map((a) => [a.articleId, a]));
    for (const article of fixtures) {
      const a = byId.get(article.id)!;
      const sameStory = fixtures.filter((f) => f.expect.dup && f.expect.dup === article.expect.dup);
      const clusterMates = fixtures.filter((f) => byId.get(f.id)!.clusterId === a.clusterId);
      expect(clusterMates.map((f) => f.id).sort(), article.id).toEqual(
        (sameStory.length ? sameStory : [article]).map((f) => f.id).sort(),
      );
    }
    const reprint = byId.get('csn-ivanti-0282-reprint')!;
    expect(reprint).toMatchObject({
      reason: 'duplicate',
      duplicateOf: 'bc-ivanti-0282',
      clusterId: 'bc-ivanti-0282',
    });
    expect(reprint.score).toBeGreaterThanOrEqual(0.6);
  });
});

describe('event records', () => {
  const result = groupArticles(fixtures, null, { clock: () => 5_000 });
  const ivanti = result.createdEvents.find((e) => e.articleIds.includes('bc-ivanti-0282'))!;

  it('describe the incident: label, members, sources, first/last seen, CVEs, category, entities', () => {
    expect(ivanti.id).toBe(defaultEventId({ id: 'bc-ivanti-0282' }));
    expect(ivanti.articleIds).toHaveLength(6);
    expect(ivanti.sourceIds).toEqual(
      expect.arrayContaining([
        'bleepingcomputer',
        'cybersecuritynews',
        'thehackernews',
        'freebuf',
        'securityweek',
        'cisa',
      ]),
    );
    // Earliest member with a Chinese title.
    expect(ivanti.label).toBe('Ivanti警告Connect Secure新漏洞已被用于零日攻击');
    expect(ivanti.labelArticleId).toBe('bc-ivanti-0282');
    expect(ivanti.firstSeenAt).toBe(Date.parse('2025-01-08T17:40:00Z'));
    expect(ivanti.lastSeenAt).toBe(Date.parse('2025-01-09T14:20:00Z'));
    expect(ivanti.cves).toEqual(['CVE-2025-0282', 'CVE-2025-0283']);
    expect(ivanti.category).toBe('重大漏洞风险提示');
    expect(ivanti.categoryCounts).toEqual({ 重大漏洞风险提示: 5, 重大网络安全事件: 1 });
    expect(ivanti.entities[0]).toMatchObject({ key: 'ivanti', count: 6 });
    expect(ivanti.createdAt).toBe(5_000);
    expect(ivanti.mergedInto).toBeNull();
  });

  it('do not take CVEs from round-ups', () => {
    const patch = result.createdEvents.find((e) => e.articleIds.includes('bc-patch-tuesday-2025-01'))!;
    expect(patch.cves).not.toContain('CVE-2025-21298');
  });

  it('prefer a Chinese title for the label over an earlier untranslated one', () => {
    const english = {
      ...fixtures[0],
      id: 'untranslated',
      title: fixtures[0].originalTitle!,
      publishedAt: fixtures[0].publishedAt! - HOUR,
    };
    const again = groupArticles([english, ...fixtures.slice(0, 2)], null);
    const event = again.createdEvents.find((e) => e.articleIds.includes('untranslated'))!;
    expect(event.articleIds).toHaveLength(3);
    expect(event.label).toBe(fixtures[0].title);
    expect(event.firstSeenAt).toBe(english.publishedAt);
  });
});

describe('incremental runs', () => {
  const sorted = [...fixtures].sort((a, b) => a.publishedAt! - b.publishedAt!);
  const half = Math.floor(sorted.length / 2);

  it('keep event ids stable: a second run extends events instead of recreating them', () => {
    const first = groupArticles(sorted.slice(0, half), null, { clock: () => 1_000 });
    const firstIds = new Map(first.assignments.map((a) => [a.articleId, a.eventId]));
    const second = groupArticles(sorted.slice(half), persist(first.state), { clock: () => 2_000 });
    // Events that got new members come back as updates, with the old id and createdAt.
    for (const event of second.updatedEvents) {
      expect(event.createdAt).toBe(1_000);
      expect(event.updatedAt).toBe(2_000);
      expect(event.articleIds.some((id) => firstIds.get(id) === event.id)).toBe(true);
    }
    expect(second.updatedEvents.length).toBeGreaterThan(0);
    expect(second.createdEvents.every((e) => e.createdAt === 2_000)).toBe(true);
    // Same partition and the same ids as grouping everything in one run.
    const once = groupArticles(sorted, null);
    const onceIds = new Map(once.assignments.map((a) => [a.articleId, a.eventId]));
    const incremental = new Map([
      ...firstIds,
      ...second.assignments.map((a) => [a.articleId, a.eventId] as const),
    ]);
    expect(incremental).toEqual(onceIds);
  });

  it('are idempotent: replaying a run from the same state gives the same result', () => {
    const first = groupArticles(sorted.slice(0, half), null, { clock: () => 1_000 });
    const a = groupArticles(sorted.slice(half), first.state, { clock: () => 2_000 });
    const b = groupArticles(sorted.slice(half), persist(first.state), { clock: () => 2_000 });
    expect(b.assignments.map((x) => [x.articleId, x.eventId, x.clusterId, x.reason])).toEqual(
      a.assignments.map((x) => [x.articleId, x.eventId, x.clusterId, x.reason]),
    );
    expect(b.updatedEvents).toEqual(a.updatedEvents);
  });

  it('report articles the state already holds as known, without changing anything', () => {
    const first = groupArticles(sorted.slice(0, half), null, { clock: () => 1_000 });
    // The most recent articles of the first run are still inside the window.
    const resent = sorted.slice(half - 3, half);
    const again = groupArticles(resent, first.state, { clock: () => 2_000 });
    expect(again.assignments.map((a) => a.reason)).toEqual(['known', 'known', 'known']);
    expect(again.assignments.map((a) => a.eventId)).toEqual(
      resent.map((s) => first.assignments.find((a) => a.articleId === s.id)!.eventId),
    );
    expect(again.createdEvents).toEqual([]);
    expect(again.updatedEvents).toEqual([]);
  });

  it('do not depend on the order articles arrive in within a run', () => {
    const forward = groupArticles(fixtures, null);
    const backward = groupArticles([...fixtures].reverse(), null);
    const pick = (r: typeof forward) => new Map(r.assignments.map((a) => [a.articleId, a.eventId]));
    expect(pick(backward)).toEqual(pick(forward));
  });
});

describe('merging events', () => {
  const [citrixEn, citrixZh, boeingEn, boeingZh, bridge] = mergeFixtures;

  it('merges two events bridged by one article; the older id survives and the other is recorded', () => {
    const run1 = groupArticles([citrixEn, citrixZh], null, { clock: () => 1_000 });
    const run2 = groupArticles([boeingEn, boeingZh], run1.state, { clock: () => 2_000 });
    const citrixId = run1.createdEvents[0].id;
    const boeingId = run2.createdEvents[0].id;
    expect(run1.createdEvents).toHaveLength(1);
    expect(run2.createdEvents).toHaveLength(1);
    expect(boeingId).not.toBe(citrixId);

    const run3 = groupArticles([bridge], run2.state, { clock: () => 3_000 });
    expect(run3.mergedEvents).toEqual([{ id: boeingId, into: citrixId }]);
    expect(run3.assignments[0]).toMatchObject({ eventId: citrixId, reason: 'cve' });
    expect(run3.createdEvents).toEqual([]);
    expect(run3.updatedEvents).toHaveLength(1);
    const merged = run3.updatedEvents[0];
    expect(merged.id).toBe(citrixId);
    expect(merged.articleIds.sort()).toEqual(mergeFixtures.map((a) => a.id).sort());
    expect(merged.firstSeenAt).toBe(citrixEn.publishedAt);
    expect(merged.lastSeenAt).toBe(bridge.publishedAt);
    expect(merged.createdAt).toBe(1_000);
    expect(merged.entities.map((e) => e.key)).toEqual(
      expect.arrayContaining(['citrix', 'boeing', 'lockbit']),
    );
    // The absorbed event is gone from the state; every member points at the survivor.
    expect(run3.state.events.map((e) => e.id)).toEqual([citrixId]);
    expect(new Set(run3.state.members.map((m) => m.eventId))).toEqual(new Set([citrixId]));
  });

  it('lets the event created first survive even when the other one started earlier', () => {
    const run1 = groupArticles([boeingEn, boeingZh], null, { clock: () => 1_000 });
    const run2 = groupArticles([citrixEn, citrixZh], run1.state, { clock: () => 2_000 });
    const run3 = groupArticles([bridge], run2.state, { clock: () => 3_000 });
    expect(run3.mergedEvents).toEqual([{ id: run2.createdEvents[0].id, into: run1.createdEvents[0].id }]);
  });

  it('within one run, keeps the earlier-seen event and reports no merge of unsaved events', () => {
    const once = groupArticles(mergeFixtures, null, { clock: () => 1_000 });
    expect(once.createdEvents).toHaveLength(1);
    expect(once.createdEvents[0].id).toBe(defaultEventId(citrixEn));
    expect(once.mergedEvents).toEqual([]);
    expect(new Set(once.assignments.map((a) => a.eventId))).toEqual(new Set([defaultEventId(citrixEn)]));
  });
});

describe('the sliding window', () => {
  const ivanti = fixtures.filter((a) => a.expect.event === 'ivanti-2025');
  const lastIvanti = Math.max(...ivanti.map((a) => a.publishedAt!));

  it('does not join an article to an event that went quiet more than 72 h earlier', () => {
    const first = groupArticles(ivanti, null, { clock: () => 1_000 });
    const later = {
      ...ivanti[2],
      id: 'ivanti-followup-weeks-later',
      publishedAt: lastIvanti + 10 * DAY,
      fetchedAt: lastIvanti + 10 * DAY,
    };
    const second = groupArticles([later], first.state, { clock: () => 2_000 });
    expect(second.assignments[0].reason).toBe('new');
    expect(second.expiredEventIds).toEqual([first.createdEvents[0].id]);
    expect(second.state.members.map((m) => m.articleId)).toEqual(['ivanti-followup-weeks-later']);
    expect(second.state.events).toHaveLength(1);
  });

  it('still joins within the window, and a custom window changes that', () => {
    const first = groupArticles(ivanti, null);
    const inside = {
      ...ivanti[2],
      id: 'inside',
      publishedAt: lastIvanti + 60 * HOUR,
      fetchedAt: lastIvanti + 60 * HOUR,
    };
    expect(groupArticles([inside], first.state).assignments[0].eventId).toBe(first.createdEvents[0].id);
    const short = groupArticles(ivanti, null, { windowMs: 24 * HOUR });
    expect(groupArticles([inside], short.state, { windowMs: 24 * HOUR }).assignments[0].reason).toBe('new');
  });

  it('closes events when time moves on without new articles', () => {
    const grouper = new EventGrouper();
    const { createdEvents } = grouper.group(ivanti);
    expect(grouper.expire(lastIvanti + 71 * HOUR)).toEqual([]);
    expect(grouper.expire(lastIvanti + 73 * HOUR)).toEqual([createdEvents[0].id]);
    expect(grouper.snapshot()).toMatchObject({ events: [], members: [], now: lastIvanti + 73 * HOUR });
  });
});

describe('cost per article', () => {
  it('stays bounded as the window fills: scored members do not grow with the archive', () => {
    const options = { windowMs: 1_000 * DAY, postingCap: 32, maxTermCandidates: 16 };
    const perArticle = (archive: number) => {
      const grouper = new EventGrouper(options);
      grouper.group(syntheticArticles(archive, 3, 0, 60_000));
      grouper.group(syntheticArticles(50, 4, archive * 60_000, 60_000));
      return grouper.lastStats.scored / grouper.lastStats.articles;
    };
    const small = perArticle(200);
    const large = perArticle(2_000);
    expect(large).toBeLessThanOrEqual(options.maxTermCandidates + 16 + 4 * 32);
    expect(large).toBeLessThan(small * 1.5 + 2);
  });
});

describe('state and options', () => {
  it('rejects a state whose members point at unknown events', () => {
    const { state } = groupArticles(fixtures.slice(0, 2), null);
    expect(() => EventGrouper.fromState({ ...state, events: [] })).toThrow(/not in the state/);
  });

  it('rejects nonsensical options', () => {
    expect(() => new EventGrouper({ joinThreshold: 0 })).toThrow(/joinThreshold/);
    expect(() => new EventGrouper({ windowMs: -1 })).toThrow(/windowMs/);
    expect(() => new EventGrouper({ postingCap: 1.5 })).toThrow(/postingCap/);
  });

  it('accepts precomputed fingerprints and custom event ids', () => {
    const grouper = new EventGrouper({ newEventId: (seed) => `custom-${seed.id}` });
    const fps = fixtures.slice(0, 2).map((a) => grouper.fingerprint(a));
    const result = grouper.group(fixtures.slice(0, 2), { fingerprints: fps });
    expect(result.assignments[0].fingerprint).toBe(fps[0]);
    expect(result.createdEvents.map((e) => e.id)).toEqual(['custom-bc-ivanti-0282']);
  });
});

describe('indexed candidate search', () => {
  it('groups the realistic articles exactly as scoring every pair does', () => {
    const all = [...fixtures, ...mergeFixtures];
    const pick = (r: ReturnType<typeof groupArticles>) =>
      new Map(r.assignments.map((a) => [a.articleId, [a.eventId, a.clusterId, a.reason]]));
    expect(pick(groupArticles(all, null))).toEqual(pick(groupArticles(all, null, { exhaustive: true })));
  });
});
