// Dates in the service's configured time zone (the API sends ISO-8601 with an offset), durations, numbers.
import { boot } from './boot.ts';
import { lang, t } from './i18n.ts';

function locale(): string {
  return lang() === 'zh' ? 'zh-CN' : 'en-GB';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(kind: 'full' | 'time' | 'day'): Intl.DateTimeFormat {
  const key = `${locale()}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    const base: Intl.DateTimeFormatOptions = { timeZone: boot().timezone, hourCycle: 'h23' };
    const opts: Intl.DateTimeFormatOptions =
      kind === 'full'
        ? {
            ...base,
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
          }
        : kind === 'time'
          ? { ...base, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }
          : { ...base, year: 'numeric', month: '2-digit', day: '2-digit' };
    f = new Intl.DateTimeFormat(locale(), opts);
    formatters.set(key, f);
  }
  return f;
}

function toDate(value: string | number | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function dateTime(value: string | number | null | undefined): string {
  const d = toDate(value);
  return d ? formatter('full').format(d) : '—';
}

export function shortTime(value: string | number | null | undefined): string {
  const d = toDate(value);
  return d ? formatter('time').format(d) : '—';
}

export function day(value: string | number | null | undefined): string {
  const d = toDate(value);
  return d ? formatter('day').format(d) : '—';
}

/** "3 分钟前" / "in 5 min" */
export function relative(value: string | number | null | undefined, now = Date.now()): string {
  const d = toDate(value);
  if (!d) return '—';
  const diff = d.getTime() - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  if (abs < 45_000) return t('time.justNow');
  if (abs < 3_600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < 86_400_000) return rtf.format(Math.round(diff / 3_600_000), 'hour');
  return rtf.format(Math.round(diff / 86_400_000), 'day');
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1000);
  if (minutes < 60) return `${minutes} min ${seconds} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function number(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(n);
}

/** A datetime-local input value (yyyy-MM-ddTHH:mm, in the configured zone) → ISO with offset. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const [datePart, timePart = '00:00'] = value.split('T');
  const [y, m, d] = datePart.split('-').map(Number);
  const [hh, mm] = timePart.split(':').map(Number);
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  const offset = zoneOffsetMs(guess);
  return new Date(guess - offset).toISOString();
}

/** The inverse: an ISO instant → the datetime-local value in the configured zone. */
export function isoToLocalInput(value: string | null | undefined): string {
  const d = toDate(value);
  if (!d) return '';
  const local = new Date(d.getTime() + zoneOffsetMs(d.getTime()));
  return local.toISOString().slice(0, 16);
}

function zoneOffsetMs(epochMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: boot().timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const n = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
  return asUtc - Math.floor(epochMs / 1000) * 1000;
}
