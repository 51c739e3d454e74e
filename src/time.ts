// The one helper for local days: instants are stored in UTC (epoch ms); days are computed in a zone.

/** yyyy-MM-dd of the instant in the given IANA time zone. */
export function localDay(epochMs: number, timeZone: string): string {
  const local = new Date(epochMs + zoneOffsetMinutes(epochMs, timeZone) * 60_000);
  return local.toISOString().slice(0, 10);
}

/** yyyyMMdd, as used in digest titles and file names. */
export function compactDay(day: string): string {
  return day.replaceAll('-', '');
}

// Building an Intl.DateTimeFormat costs far more than formatting with one: keep one per zone. Offsets are
// also remembered per UTC minute (zone transitions fall on whole minutes), which makes the API's many
// timestamps nearly free.
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetsByMinute = new Map<string, Map<number, number>>();
const MAX_MINUTES_PER_ZONE = 8192;

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of a zone at an instant, in minutes east of UTC. */
export function zoneOffsetMinutes(epochMs: number, timeZone: string): number {
  const minute = Math.floor(epochMs / 60_000);
  let cache = offsetsByMinute.get(timeZone);
  const hit = cache?.get(minute);
  if (hit !== undefined) return hit;
  const parts = formatterFor(timeZone).formatToParts(new Date(minute * 60_000));
  const n = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  const offset = Math.round((asUtc - minute * 60_000) / 60_000);
  if (!cache || cache.size >= MAX_MINUTES_PER_ZONE) {
    cache = new Map();
    offsetsByMinute.set(timeZone, cache);
  }
  cache.set(minute, offset);
  return offset;
}

/** Epoch ms of local midnight starting `day` (yyyy-MM-dd) in the zone. */
export function startOfLocalDay(day: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - zoneOffsetMinutes(guess, timeZone) * 60_000;
  // Re-evaluate once in case the offset differs at the corrected instant (DST edges).
  return guess - zoneOffsetMinutes(first, timeZone) * 60_000;
}

/** ISO-8601 with the zone's offset, e.g. 2026-11-29T08:00:00.000+08:00. */
export function isoWithOffset(epochMs: number, timeZone: string): string {
  const off = zoneOffsetMinutes(epochMs, timeZone);
  const local = new Date(epochMs + off * 60_000).toISOString().slice(0, -1);
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
