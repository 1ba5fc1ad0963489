// Vietnam wall-clock dates and times (Asia/Ho_Chi_Minh, UTC+7), whatever the machine's TZ:
// vi 29/05/2026 22:10:05, en 29 May 2026 22:10:05. Pure; mails, the status page and the report share it.
import type { Locale } from '../config/alerting-config.ts';
import { toWallClock, VIETNAM_TIME_ZONE } from '../time-zone.ts';

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
