// Numbers, durations and Vietnam wall-clock times the way technicians read them: Vietnamese by
// default (decimal comma, thousands dot, "2 giờ 15 phút", 29/05/2026), English alongside. Pure and
// independent of the machine's TZ; mails and the daily report share it.
import type { Locale } from '../../config/alerting-config.ts';
import { toWallClock, VIETNAM_TIME_ZONE } from '../../time-zone.ts';

const SEPARATORS: Record<Locale, { readonly decimal: string; readonly group: string }> = {
  vi: { decimal: ',', group: '.' },
  en: { decimal: '.', group: ',' },
};

/** Fixed fraction digits and grouped thousands: 1234.5 → vi "1.234,5", en "1,234.5". */
export function formatNumber(value: number, locale: Locale, fractionDigits = 0): string {
  if (!Number.isFinite(value)) return '—';
  const { decimal, group } = SEPARATORS[locale];
  const fixed = Math.abs(value).toFixed(fractionDigits);
  const [whole = '0', fraction] = fixed.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  // A value that rounds to zero prints without a sign ("-0,0" reads as an error).
  const sign = value < 0 && /[1-9]/.test(fixed) ? '-' : '';
  return `${sign}${grouped}${fraction === undefined ? '' : `${decimal}${fraction}`}`;
}

/** A ratio (0.998) as a percentage: vi "99,8%", en "99.8%". */
export function formatPercent(ratio: number, locale: Locale, fractionDigits = 1): string {
  return `${formatNumber(ratio * 100, locale, fractionDigits)}%`;
}

/** Milliseconds with one decimal: vi "1.234,5 ms". */
export function formatMilliseconds(milliseconds: number, locale: Locale): string {
  return `${formatNumber(milliseconds, locale, 1)} ms`;
}

const DURATION_UNITS: Record<
  Locale,
  { readonly day: string; readonly hour: string; readonly minute: string; readonly second: string; readonly space: string }
> = {
  vi: { day: 'ngày', hour: 'giờ', minute: 'phút', second: 'giây', space: ' ' },
  en: { day: 'd', hour: 'h', minute: 'm', second: 's', space: '' },
};

/**
 * Two units at most, rounded down so a duration is never overstated: vi "35 giây", "1 phút 35 giây",
 * "42 phút", "2 giờ 15 phút", "1 ngày 3 giờ"; en "35s", "1m 35s", "42m", "2h 15m", "1d 3h".
 * Seconds show only under ten minutes, where they still matter.
 */
export function formatDuration(seconds: number, locale: Locale): string {
  const units = DURATION_UNITS[locale];
  const part = (count: number, unit: string): string => `${count}${units.space}${unit}`;
  const both = (major: string, minor: string, minorCount: number): string => (minorCount === 0 ? major : `${major} ${minor}`);
  const whole = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const minutes = Math.floor(whole / 60);
  const hours = Math.floor(whole / 3600);
  const days = Math.floor(whole / 86_400);
  if (whole < 60) return part(whole, units.second);
  if (whole < 600) return both(part(minutes, units.minute), part(whole % 60, units.second), whole % 60);
  if (whole < 3600) return part(minutes, units.minute);
  if (whole < 86_400) return both(part(hours, units.hour), part(minutes % 60, units.minute), minutes % 60);
  return both(part(days, units.day), part(hours % 24, units.hour), hours % 24);
}

/** Seconds between two instants, never negative. */
export function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, (to.getTime() - from.getTime()) / 1000);
}

const ENGLISH_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** vi "29/05/2026"; en "29 May 2026" (a day-first number would be misread as month-first). */
export function formatDate(date: Date, locale: Locale, timeZone: string = VIETNAM_TIME_ZONE): string {
  const wall = toWallClock(date, timeZone);
  if (locale === 'vi') return `${wall.day}/${wall.month}/${wall.year}`;
  return `${Number(wall.day)} ${ENGLISH_MONTHS[Number(wall.month) - 1] ?? wall.month} ${wall.year}`;
}

/** "22:10", or "22:10:05" with seconds. */
export function formatClock(date: Date, options: { readonly seconds?: boolean; readonly timeZone?: string } = {}): string {
  const wall = toWallClock(date, options.timeZone ?? VIETNAM_TIME_ZONE);
  return options.seconds ? `${wall.hour}:${wall.minute}:${wall.second}` : `${wall.hour}:${wall.minute}`;
}

/** The formal way to write a time of day: vi "16 giờ 00", en "16:00". */
export function formatClockWords(date: Date, locale: Locale, timeZone: string = VIETNAM_TIME_ZONE): string {
  const wall = toWallClock(date, timeZone);
  return locale === 'vi' ? `${wall.hour} giờ ${wall.minute}` : `${wall.hour}:${wall.minute}`;
}

/** vi "29/05/2026 22:10:05", en "29 May 2026 22:10:05". */
export function formatDateTime(date: Date, locale: Locale, timeZone: string = VIETNAM_TIME_ZONE): string {
  return `${formatDate(date, locale, timeZone)} ${formatClock(date, { seconds: true, timeZone })}`;
}

/** Whether two instants fall on the same calendar day in timeZone. */
export function isSameLocalDate(first: Date, second: Date, timeZone: string = VIETNAM_TIME_ZONE): boolean {
  const a = toWallClock(first, timeZone);
  const b = toWallClock(second, timeZone);
  return a.year === b.year && a.month === b.month && a.day === b.day;
}
