// Renders instants in Vietnam time, the way provincial systems print them; the wall clock itself
// is src/time-zone.ts's.
import { toOffsetIso, toWallClock } from '../time-zone.ts';

/** "2026-05-29T22:00:00+07:00" (whole seconds). */
export function formatVietnamTime(ms: number): string {
  return toOffsetIso(new Date(ms));
}

/** "260529": the date part of a dossier code. */
export function formatDossierDate(ms: number): string {
  const wall = toWallClock(new Date(ms));
  return `${wall.year.slice(2)}${wall.month}${wall.day}`;
}
