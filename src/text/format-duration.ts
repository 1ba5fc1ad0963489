// How long something lasted, in words: vi "2 giờ 15 phút", en "2h 15m". Pure; mails, the status
// page and the report share it.
import type { Locale } from '../config/alerting-config.ts';

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
