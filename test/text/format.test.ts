import { afterEach, describe, expect, it } from 'vitest';
import { formatDuration, secondsBetween } from '../../src/text/format-duration.ts';
import { formatMilliseconds, formatNumber, formatPercent } from '../../src/text/format-number.ts';
import { formatClock, formatClockWords, formatDate, formatDateTime, isSameLocalDate } from '../../src/text/format-time.ts';

describe('formatDuration', () => {
  it.each([
    [0, '0 giây', '0s'],
    [35, '35 giây', '35s'],
    [59.9, '59 giây', '59s'],
    [60, '1 phút', '1m'],
    [95, '1 phút 35 giây', '1m 35s'],
    [599, '9 phút 59 giây', '9m 59s'],
    [42 * 60 + 10, '42 phút', '42m'],
    [3600, '1 giờ', '1h'],
    [65 * 60, '1 giờ 5 phút', '1h 5m'],
    [2 * 3600 + 15 * 60 + 59, '2 giờ 15 phút', '2h 15m'],
    [86_400, '1 ngày', '1d'],
    [27 * 3600 + 59 * 60, '1 ngày 3 giờ', '1d 3h'],
    [-5, '0 giây', '0s'],
    [Number.NaN, '0 giây', '0s'],
  ])('%s s reads "%s" in vi and "%s" in en', (seconds, vi, en) => {
    expect(formatDuration(seconds, 'vi')).toBe(vi);
    expect(formatDuration(seconds, 'en')).toBe(en);
  });
});

describe('formatNumber', () => {
  it.each([
    [1234, 0, '1.234', '1,234'],
    [999, 0, '999', '999'],
    [1234567.891, 2, '1.234.567,89', '1,234,567.89'],
    [0.05, 1, '0,1', '0.1'],
    [-1234.5, 1, '-1.234,5', '-1,234.5'],
    [-0.01, 1, '0,0', '0.0'],
    [12, 1, '12,0', '12.0'],
    [Number.POSITIVE_INFINITY, 0, '—', '—'],
  ])('%s with %s digits is vi "%s", en "%s"', (value, digits, vi, en) => {
    expect(formatNumber(value, 'vi', digits)).toBe(vi);
    expect(formatNumber(value, 'en', digits)).toBe(en);
  });

  it('writes percentages with a decimal comma in vi', () => {
    expect(formatPercent(0.998, 'vi')).toBe('99,8%');
    expect(formatPercent(0.998, 'en')).toBe('99.8%');
    expect(formatPercent(1, 'vi', 0)).toBe('100%');
  });

  it('writes milliseconds with one decimal', () => {
    expect(formatMilliseconds(1234.56, 'vi')).toBe('1.234,6 ms');
    expect(formatMilliseconds(12.3, 'en')).toBe('12.3 ms');
    expect(formatMilliseconds(0, 'vi')).toBe('0,0 ms');
  });
});

describe('dates in Asia/Ho_Chi_Minh', () => {
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  // 15:10:05 UTC is 22:10:05 in Vietnam (UTC+7, no daylight saving).
  const instant = new Date('2026-05-29T15:10:05Z');

  it('shows the +07:00 wall time of a UTC instant', () => {
    expect(formatDateTime(instant, 'vi')).toBe('29/05/2026 22:10:05');
    expect(formatDateTime(instant, 'en')).toBe('29 May 2026 22:10:05');
    expect(formatClock(instant)).toBe('22:10');
    expect(formatClock(instant, { seconds: true })).toBe('22:10:05');
    expect(formatClockWords(instant, 'vi')).toBe('22 giờ 10');
    expect(formatClockWords(instant, 'en')).toBe('22:10');
  });

  it('crosses midnight into the next Vietnamese day and prints it as 00', () => {
    const lateUtc = new Date('2026-05-29T17:00:00Z');
    expect(formatDate(lateUtc, 'vi')).toBe('30/05/2026');
    expect(formatClock(lateUtc, { seconds: true })).toBe('00:00:00');
    expect(formatDateTime(new Date('2026-12-31T16:59:59Z'), 'vi')).toBe('31/12/2026 23:59:59');
    expect(formatDateTime(new Date('2026-12-31T17:00:00Z'), 'vi')).toBe('01/01/2027 00:00:00');
  });

  it('ignores the machine time zone', () => {
    process.env.TZ = 'America/New_York';
    expect(new Date('2026-05-29T15:10:05Z').getHours()).toBe(11); // the machine's own zone did change
    expect(formatDateTime(instant, 'vi')).toBe('29/05/2026 22:10:05');
    process.env.TZ = 'Pacific/Kiritimati';
    expect(formatDateTime(instant, 'vi')).toBe('29/05/2026 22:10:05');
  });

  it('formats in another zone when asked', () => {
    expect(formatDateTime(instant, 'vi', 'UTC')).toBe('29/05/2026 15:10:05');
  });

  it('compares calendar days in Vietnam time', () => {
    expect(isSameLocalDate(new Date('2026-05-29T16:59:00Z'), new Date('2026-05-29T00:00:00Z'))).toBe(true);
    expect(isSameLocalDate(new Date('2026-05-29T17:00:00Z'), new Date('2026-05-29T16:59:59Z'))).toBe(false);
  });

  it('never returns a negative span', () => {
    expect(secondsBetween(new Date(10_000), new Date(4_000))).toBe(0);
    expect(secondsBetween(new Date(4_000), new Date(10_500))).toBe(6.5);
  });
});
