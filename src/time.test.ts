import { describe, expect, it } from 'vitest';
import { isoWithOffset, localDay, startOfLocalDay } from './time.ts';

/** The slow reference: a fresh formatter per call. */
function referenceIso(epochMs: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    fractionalSecondDigits: 3,
    timeZoneName: 'longOffset',
  }).formatToParts(new Date(epochMs));
  const v = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const zone = v('timeZoneName').replace('GMT', '') || '+00:00';
  return `${v('year')}-${v('month')}-${v('day')}T${v('hour')}:${v('minute')}:${v('second')}.${v('fractionalSecond')}${zone}`;
}

describe('local time helpers', () => {
  it('agree with a fresh formatter across zones and DST edges, cached or not', () => {
    const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'UTC'];
    const edges = [Date.UTC(2026, 2, 8, 7, 0), Date.UTC(2026, 9, 25, 1, 0), Date.UTC(2026, 3, 5, 15, 0)];
    const instants = edges.flatMap((e) => [e - 1, e, e + 1, e + 59_999, e - 60_000]);
    for (let i = 0; i < 200; i++) instants.push(Date.UTC(2020, 0, 1) + i * 9_876_543_210);
    for (let pass = 0; pass < 2; pass++)
      for (const tz of zones)
        for (const t of instants) {
          expect(isoWithOffset(t, tz)).toBe(referenceIso(t, tz));
          expect(localDay(t, tz)).toBe(referenceIso(t, tz).slice(0, 10));
        }
  });

  it('finds local midnight on a DST day', () => {
    const start = startOfLocalDay('2026-03-08', 'America/New_York');
    expect(isoWithOffset(start, 'America/New_York')).toBe('2026-03-08T00:00:00.000-05:00');
    expect(isoWithOffset(startOfLocalDay('2026-11-30', 'Asia/Shanghai'), 'UTC')).toBe(
      '2026-11-29T16:00:00.000+00:00',
    );
  });
});
