// Renders instants in Vietnam time (UTC+7, no daylight saving), the way provincial systems print them.

const OFFSET_MS = 7 * 3600 * 1000;

/** "2026-05-29T22:00:00+07:00" (whole seconds). */
export function formatVietnamTime(ms: number): string {
  return `${new Date(ms + OFFSET_MS).toISOString().slice(0, 19)}+07:00`;
}

/** "260529": the date part of a dossier code. */
export function formatDossierDate(ms: number): string {
  const iso = new Date(ms + OFFSET_MS).toISOString();
  return `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}`;
}
