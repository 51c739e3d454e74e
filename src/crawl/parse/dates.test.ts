import { describe, expect, it } from 'vitest';
import { parseDate } from './dates.ts';

const utc = (y: number, mo: number, d: number, h = 0, mi = 0, s = 0) => Date.UTC(y, mo - 1, d, h, mi, s);

describe('parseDate', () => {
  it('reads RFC 822 and its common variants', () => {
    expect(parseDate('Tue, 05 Mar 2024 10:20:00 +0800')).toBe(utc(2024, 3, 5, 2, 20));
    expect(parseDate('Tue, 5 Mar 2024 10:20:00 GMT')).toBe(utc(2024, 3, 5, 10, 20));
    expect(parseDate('5 Mar 24 10:20 EST')).toBe(utc(2024, 3, 5, 15, 20));
    expect(parseDate('Tuesday, 05-Mar-24 10:20:00 UTC')).toBe(utc(2024, 3, 5, 10, 20));
    expect(parseDate('Tue, 05 March 2024 10:20:00 +08:00')).toBe(utc(2024, 3, 5, 2, 20));
    expect(parseDate('Tue Mar  5 10:20:00 2024')).toBe(utc(2024, 3, 5, 10, 20));
    expect(parseDate('March 5, 2024 10:20 PM PST')).toBe(utc(2024, 3, 6, 6, 20));
  });

  it('reads ISO 8601 with and without zones', () => {
    expect(parseDate('2024-03-05T02:20:00Z')).toBe(utc(2024, 3, 5, 2, 20));
    expect(parseDate('2024-03-05T10:20:00.500+08:00')).toBe(utc(2024, 3, 5, 2, 20) + 500);
    expect(parseDate('2024-03-05T10:20:00+0800')).toBe(utc(2024, 3, 5, 2, 20));
    expect(parseDate('20240305T022000Z')).toBe(utc(2024, 3, 5, 2, 20));
  });

  it('reads dates without a zone in the configured default zone (Asia/Shanghai unless told)', () => {
    expect(parseDate('2024-03-05 10:20:00')).toBe(utc(2024, 3, 5, 2, 20));
    expect(parseDate('2024-03-05 10:20:00', { defaultTimeZone: 'UTC' })).toBe(utc(2024, 3, 5, 10, 20));
    expect(parseDate('2024-07-05 10:20', { defaultTimeZone: 'Europe/Berlin' })).toBe(utc(2024, 7, 5, 8, 20));
    expect(parseDate('2024-03-05')).toBe(utc(2024, 3, 4, 16, 0));
  });

  it('reads Chinese formats', () => {
    expect(parseDate('2024年3月5日 10:20')).toBe(utc(2024, 3, 5, 2, 20));
    expect(parseDate('2024年03月05日 10:20:30')).toBe(utc(2024, 3, 5, 2, 20, 30));
    expect(parseDate('2024年3月5日')).toBe(utc(2024, 3, 4, 16));
    expect(parseDate('2024/3/5 10:20')).toBe(utc(2024, 3, 5, 2, 20));
    expect(parseDate('2024年3月5日 下午3:05')).toBe(utc(2024, 3, 5, 7, 5));
    expect(parseDate('2024年3月5日 10时20分')).toBe(utc(2024, 3, 5, 2, 20));
  });

  it('reads relative Chinese dates against a reference time', () => {
    const now = utc(2024, 3, 5, 4, 0);
    expect(parseDate('3分钟前', { now })).toBe(now - 180_000);
    expect(parseDate('2小时前', { now })).toBe(now - 7_200_000);
    expect(parseDate('昨天 10:20', { now })).toBe(utc(2024, 3, 4, 2, 20));
    expect(parseDate('03-04 10:20', { now })).toBe(utc(2024, 3, 4, 2, 20));
  });

  it('reads epoch seconds and milliseconds, and rejects nonsense', () => {
    expect(parseDate('1709605200')).toBe(1709605200000);
    expect(parseDate('1709605200123')).toBe(1709605200123);
    expect(parseDate('not a date')).toBeUndefined();
    expect(parseDate('')).toBeUndefined();
    expect(parseDate(undefined)).toBeUndefined();
    expect(parseDate('2024-13-45 10:00')).toBeUndefined();
  });
});
