// Feed and page dates to epoch ms (UTC). Dates without a zone are read in a configurable zone
// (Chinese sites publish "2024-03-05 10:20:00" meaning Beijing time).
import { zoneOffsetMinutes } from '../../time.ts';

export interface DateParseOptions {
  /** IANA zone for dates that carry no offset. */
  defaultTimeZone?: string;
  /** Reference instant for relative dates ("3分钟前", "昨天 10:20"). */
  now?: number;
}

const DEFAULT_ZONE = 'Asia/Shanghai';

const MONTHS: Record<string, number> = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  sept: 9,
  oct: 10,
  nov: 11,
  dec: 12,
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
  // Common non-English abbreviations seen in feeds.
  mär: 3,
  mrz: 3,
  mai: 5,
  okt: 10,
  dez: 12,
  janv: 1,
  févr: 2,
  fev: 2,
  avr: 4,
  juin: 6,
  juil: 7,
  août: 8,
  aout: 8,
  déc: 12,
  ene: 1,
  abr: 4,
  ago: 8,
  dic: 12,
  set: 9,
  out: 10,
};

/** Offsets of zone abbreviations in minutes east of UTC (RFC 822 names plus a few common ones). */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  wet: 0,
  bst: 60,
  cet: 60,
  cest: 120,
  met: 60,
  mest: 120,
  eet: 120,
  eest: 180,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  akst: -540,
  akdt: -480,
  hst: -600,
  ist: 330,
  jst: 540,
  kst: 540,
  hkt: 480,
  sgt: 480,
  awst: 480,
  acst: 570,
  aest: 600,
  aedt: 660,
  nzst: 720,
  nzdt: 780,
  msk: 180,
  beijing: 480,
  ict: 420,
  wib: 420,
  pht: 480,
};

/** Epoch ms of a wall-clock time in a zone. */
export function wallTimeToEpoch(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  timeZone: string,
): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const first = guess - zoneOffsetMinutes(guess, timeZone) * 60_000;
  return guess - zoneOffsetMinutes(first, timeZone) * 60_000;
}

function fullYear(y: number): number {
  if (y >= 100) return y;
  return y < 50 ? 2000 + y : 1900 + y;
}

function validParts(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  return (
    y >= 1970 &&
    y <= 2200 &&
    mo >= 1 &&
    mo <= 12 &&
    d >= 1 &&
    d <= 31 &&
    h >= 0 &&
    h <= 24 &&
    mi >= 0 &&
    mi < 60 &&
    s >= 0 &&
    s <= 61
  );
}

/** Numeric offset such as "+0800", "+08:00", "-5", "+8", or a zone name; minutes east of UTC. */
function parseOffset(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  const z = raw
    .trim()
    .toLowerCase()
    .replace(/^\(|\)$/g, '');
  if (z in ZONES) return ZONES[z];
  const m = /^(?:gmt|utc|ut)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(z);
  if (m) {
    const sign = m[1] === '-' ? -1 : 1;
    return sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  }
  // RFC 822 military zones: A-I, K-M east, N-Y west; treat as unknown (RFC 1123 says they are unreliable).
  return undefined;
}

function build(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  offsetMinutes: number | undefined,
  zone: string,
): number | undefined {
  if (!validParts(y, mo, d, h, mi, s)) return undefined;
  if (offsetMinutes === undefined) return wallTimeToEpoch(y, mo, d, h, mi, s, ms, zone);
  return Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMinutes * 60_000;
}

const ISO =
  /^(\d{4})-?(\d{1,2})-?(\d{1,2})(?:[T\s]+(\d{1,2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{1,5})?$/;
const CJK =
  /^(\d{4})\s*[年/.-]\s*(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*[日号]?(?:\s*(?:(上午|下午|晚上|凌晨|中午)\s*)?(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2})\s*秒?)?\s*分?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?|[A-Za-z]{2,5}|\(?(?:UTC|GMT)[+-]\d{1,2}(?::?\d{2})?\)?)?$/;
// "Tue, 02 Mar 2021 23:39:15 +0100", "2 March 2024 10:20 GMT", "Monday, 05-Mar-24 10:20:00 GMT"
const RFC822 =
  /^(?:[A-Za-zÀ-ÿ]+\.?,?\s*)?(\d{1,2})(?:st|nd|rd|th)?[\s-]+([A-Za-zÀ-ÿ]+)\.?,?[\s-]+(\d{2,4})(?:,?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(.*)$/;
// "March 5, 2024 10:20 AM PST", "Mar 5 2024 10:20:00 GMT+0800"
const US =
  /^(?:[A-Za-z]+\.?,?\s*)?([A-Za-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:,?\s+(?:at\s+)?(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?\s*(.*)$/;
// asctime: "Tue Mar  5 10:20:00 2024"
const ASCTIME = /^[A-Za-z]+\s+([A-Za-z]+)\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+(\d{4})$/;

function hour12(h: number, marker: string | undefined): number {
  if (!marker) return h;
  const m = marker.toLowerCase();
  if (m === 'pm' || m === '下午' || m === '晚上') return h < 12 ? h + 12 : h;
  if (m === 'am' || m === '凌晨' || m === '上午') return h === 12 ? 0 : h;
  if (m === '中午') return h < 11 ? h + 12 : h;
  return h;
}

function relative(s: string, now: number, zone: string): number | undefined {
  const ago = /^(\d+)\s*(秒|分钟|分鐘|小时|小時|天|周|週)前$/.exec(s);
  if (ago) {
    const unit: Record<string, number> = {
      秒: 1e3,
      分钟: 6e4,
      分鐘: 6e4,
      小时: 36e5,
      小時: 36e5,
      天: 864e5,
      周: 6048e5,
      週: 6048e5,
    };
    return now - Number(ago[1]) * unit[ago[2]];
  }
  if (s === '刚刚' || s === '剛剛') return now;
  const day = /^(今天|昨天|前天)\s*(\d{1,2})[:：](\d{2})$/.exec(s);
  if (day) {
    const back = { 今天: 0, 昨天: 1, 前天: 2 }[day[1] as '今天'] ?? 0;
    const off = zoneOffsetMinutes(now, zone);
    const local = new Date(now + off * 60_000 - back * 864e5);
    return wallTimeToEpoch(
      local.getUTCFullYear(),
      local.getUTCMonth() + 1,
      local.getUTCDate(),
      Number(day[2]),
      Number(day[3]),
      0,
      0,
      zone,
    );
  }
  // "03-05 10:20" (month-day of the current year, common on Chinese listing pages).
  const md = /^(\d{1,2})[-/月](\d{1,2})日?\s+(\d{1,2})[:：](\d{2})$/.exec(s);
  if (md) {
    const off = zoneOffsetMinutes(now, zone);
    const year = new Date(now + off * 60_000).getUTCFullYear();
    const t = build(year, Number(md[1]), Number(md[2]), Number(md[3]), Number(md[4]), 0, 0, undefined, zone);
    // A date in the future belongs to last year.
    return t !== undefined && t > now + 864e5
      ? build(year - 1, Number(md[1]), Number(md[2]), Number(md[3]), Number(md[4]), 0, 0, undefined, zone)
      : t;
  }
  return undefined;
}

/** Parses a date string to epoch ms (UTC); undefined when it cannot be read. */
export function parseDate(
  raw: string | undefined | null,
  options: DateParseOptions = {},
): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  const zone = options.defaultTimeZone ?? DEFAULT_ZONE;
  const s = String(raw)
    .replace(/[\u00a0\u3000\s]+/g, ' ')
    .trim();
  if (!s) return undefined;

  if (/^\d{10}(\d{3})?$/.test(s)) return s.length === 10 ? Number(s) * 1000 : Number(s);

  let m = ISO.exec(s);
  if (m) {
    const offset = m[8] ? parseOffset(m[8]) : undefined;
    if (m[8] && offset === undefined && !/^[a-z]$/i.test(m[8])) return fallback(s);
    const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
    return build(+m[1], +m[2], +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms, offset, zone);
  }
  m = CJK.exec(s);
  if (m) {
    const h = hour12(+(m[5] ?? 0), m[4]);
    return build(+m[1], +m[2], +m[3], h, +(m[6] ?? 0), +(m[7] ?? 0), 0, parseOffset(m[8]), zone);
  }
  m = RFC822.exec(s);
  if (m && MONTHS[m[2].toLowerCase()]) {
    const rest = m[7].trim();
    const ampm = /^([AaPp][Mm])\b\s*(.*)$/.exec(rest);
    const zoneText = ampm ? ampm[2] : rest;
    const offset = parseOffset(zoneText);
    if (zoneText && offset === undefined && !/^[a-z]$/i.test(zoneText)) {
      const viaDate = fallback(s);
      if (viaDate !== undefined) return viaDate;
    }
    const h = hour12(+(m[4] ?? 0), ampm?.[1]);
    return build(
      fullYear(+m[3]),
      MONTHS[m[2].toLowerCase()],
      +m[1],
      h,
      +(m[5] ?? 0),
      +(m[6] ?? 0),
      0,
      offset,
      zone,
    );
  }
  m = US.exec(s);
  if (m && MONTHS[m[1].toLowerCase()]) {
    const h = hour12(+(m[4] ?? 0), m[7]);
    return build(
      +m[3],
      MONTHS[m[1].toLowerCase()],
      +m[2],
      h,
      +(m[5] ?? 0),
      +(m[6] ?? 0),
      0,
      parseOffset(m[8]),
      zone,
    );
  }
  m = ASCTIME.exec(s);
  if (m && MONTHS[m[1].toLowerCase()]) {
    return build(+m[6], MONTHS[m[1].toLowerCase()], +m[2], +m[3], +m[4], +m[5], 0, 0, zone);
  }
  const rel = relative(s, options.now ?? Date.now(), zone);
  if (rel !== undefined) return rel;
  return fallback(s);
}

/** Last resort for shapes the patterns above do not know; only trusted when the text names a zone. */
function fallback(s: string): number | undefined {
  const t = Date.parse(s);
  if (Number.isNaN(t)) return undefined;
  const y = new Date(t).getUTCFullYear();
  return y >= 1970 && y <= 2200 ? t : undefined;
}
