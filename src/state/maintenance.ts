// When maintenance windows are in progress, and which checks they cover. Pure: computes
// occurrences from the clock it is given and never starts a timer (the scheduler does that).
//
// A window covers [start, end). A recurring window starts at each instant its cron expression
// matches in its time zone and lasts durationSeconds. Cron fields are parsed by node-cron (lists,
// ranges, steps, names, L/W/#), and matched here with node-cron's semantics (day-of-month AND
// day-of-week), because node-cron can only look forward from the real clock, while a window needs
// "the last start at or before now". A local time skipped by a DST jump starts no window that day.
import { parse as parseCronFields, type ParsedFields } from 'node-cron';
import type { MaintenanceWindow } from '../config/alerting-config.ts';
import { matchesCheckPattern } from '../config/check-pattern.ts';

export { matchesCheckPattern };

export interface WindowOccurrence {
  readonly start: Date;
  readonly end: Date;
}

export interface ActiveWindow {
  readonly window: MaintenanceWindow;
  readonly occurrence: WindowOccurrence;
}

/** A check name pattern: `*` matches any run of characters, everything else is literal. */

/** An empty `checks` list covers every check. */
export function coversCheck(window: MaintenanceWindow, check: string): boolean {
  return window.checks.length === 0 || window.checks.some((pattern) => matchesCheckPattern(pattern, check));
}

/** The occurrence of the window in progress at `now`, if any. Overlapping recurrences: the latest start. */
export function windowOccurrenceAt(window: MaintenanceWindow, now: Date): WindowOccurrence | undefined {
  if (window.kind === 'absolute') {
    return window.start <= now && now < window.end ? { start: window.start, end: window.end } : undefined;
  }
  const durationMs = window.durationSeconds * 1000;
  const start = findPreviousCronMatch(window.cron, window.timezone, now, new Date(now.getTime() - durationMs));
  return start && { start, end: new Date(start.getTime() + durationMs) };
}

/** Every window in progress at `now`, in config order. */
export function findActiveWindows(windows: readonly MaintenanceWindow[], now: Date): ActiveWindow[] {
  return windows.flatMap((window) => {
    const occurrence = windowOccurrenceAt(window, now);
    return occurrence ? [{ window, occurrence }] : [];
  });
}

/** The windows in progress at `now` that cover `check` (for dvc_maintenance_active{check}). */
export function activeWindows(windows: readonly MaintenanceWindow[], check: string, now: Date): MaintenanceWindow[] {
  return findActiveWindows(windows, now)
    .filter(({ window }) => coversCheck(window, check))
    .map(({ window }) => window);
}

export interface WindowTransitions {
  /** Occurrences that were in progress and are over (or whose window left the config). */
  readonly ended: readonly { readonly name: string; readonly window?: MaintenanceWindow; readonly occurrence: WindowOccurrence }[];
  readonly started: readonly ActiveWindow[];
  /** What to remember for next time, by window name. */
  readonly active: Readonly<Record<string, WindowOccurrence>>;
}

/**
 * Compares the occurrences remembered at the last call with those in progress now. A recurrence
 * that starts before (or exactly when) the remembered one ends continues it, so an hourly window
 * of 90 minutes is one long window, not an end and a start every hour.
 * `endedBefore`: each window's last occurrence that ended. A wall clock stepped back into it (or into
 * an earlier one) does not start it again: a window already over is never run twice.
 */
export function findWindowTransitions(
  windows: readonly MaintenanceWindow[],
  remembered: Readonly<Record<string, WindowOccurrence>>,
  now: Date,
  endedBefore: Readonly<Record<string, WindowOccurrence>> = {},
): WindowTransitions {
  const byName = new Map(windows.map((window) => [window.name, window]));
  const isOver = ({ window, occurrence }: ActiveWindow): boolean => {
    const last = endedBefore[window.name];
    if (last === undefined || remembered[window.name] !== undefined) return false;
    // An absolute window moved in the config is a new one; a recurrence is over if it began before
    // the last one ended (later recurrences within it had merged into it).
    return window.kind === 'absolute'
      ? occurrence.start.getTime() === last.start.getTime() && occurrence.end.getTime() === last.end.getTime()
      : occurrence.start.getTime() < last.end.getTime();
  };
  const current = new Map(
    findActiveWindows(windows, now)
      .filter((active) => !isOver(active))
      .map((active) => [active.window.name, active]),
  );
  const ended: WindowTransitions['ended'][number][] = [];
  const started: ActiveWindow[] = [];
  const active: Record<string, WindowOccurrence> = {};

  for (const [name, occurrence] of Object.entries(remembered)) {
    const running = current.get(name);
    if (running && running.occurrence.start <= occurrence.end) {
      const end = running.occurrence.end > occurrence.end ? running.occurrence.end : occurrence.end;
      active[name] = { start: occurrence.start, end };
    } else {
      ended.push({ name, window: byName.get(name), occurrence });
    }
  }
  for (const [name, running] of current) {
    if (active[name] === undefined) {
      active[name] = running.occurrence;
      started.push(running);
    }
  }
  return { ended, started, active };
}

/** How far ahead nextWindowBoundary looks for a recurring window's next start. */
const BOUNDARY_HORIZON_MS = 400 * 86_400_000;

/**
 * The first instant after `now` at which the window can start or end; until then, whether it is
 * in progress cannot change. For a recurring window that starts less often than the horizon, the
 * horizon itself (look again then). Undefined for an absolute window that is over.
 */
export function nextWindowBoundary(window: MaintenanceWindow, now: Date): Date | undefined {
  if (window.kind === 'absolute') {
    if (now < window.start) return window.start;
    return now < window.end ? window.end : undefined;
  }
  const horizon = new Date(now.getTime() + BOUNDARY_HORIZON_MS);
  const end = windowOccurrenceAt(window, now)?.end;
  // A start within the current occurrence extends it (overlapping recurrences); that is a
  // boundary too, since the end moves.
  const start = findNextCronMatch(window.cron, window.timezone, now, end ?? horizon) ?? horizon;
  return end !== undefined && end < start ? end : start;
}

// ---- cron matching -------------------------------------------------------------------------

const parsedExpressions = new Map<string, ParsedFields>();

/** node-cron's parse, remembered per expression; throws an Error naming the expression. */
export function parseCronExpression(expression: string): ParsedFields {
  let fields = parsedExpressions.get(expression);
  if (fields === undefined) {
    try {
      fields = parseCronFields(expression);
    } catch (error) {
      throw new Error(`invalid cron expression "${expression}": ${(error as Error).message}`, { cause: error });
    }
    parsedExpressions.set(expression, fields);
  }
  return fields;
}

/** Why a recurring window's cron expression or time zone cannot work, for the config loader; undefined when both are fine. */
export function describeCronProblem(expression: string, timeZone: string): string | undefined {
  try {
    parseCronExpression(expression);
    localParts(0, timeZone);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/**
 * The latest instant in (notBefore, notAfter] at which `expression` matches in `timeZone`, to the
 * second; undefined when there is none.
 */
export function findPreviousCronMatch(expression: string, timeZone: string, notAfter: Date, notBefore: Date): Date | undefined {
  const fields = parseCronExpression(expression);
  const latestMs = Math.floor(notAfter.getTime() / 1000) * 1000;
  const earliestMs = notBefore.getTime();
  if (latestMs <= earliestMs) return undefined;
  const hours = [...fields.hour].sort((a, b) => b - a);
  const minutes = [...fields.minute].sort((a, b) => b - a);
  const seconds = [...fields.second].sort((a, b) => b - a);

  // Walk local calendar days backwards, from the day of notAfter to the day of notBefore (with a
  // day to spare for offsets).
  const last = localParts(latestMs, timeZone);
  const first = localParts(earliestMs, timeZone);
  const firstDayMs = Date.UTC(first.year, first.month - 1, first.day) - DAY_MS;
  for (let dayMs = Date.UTC(last.year, last.month - 1, last.day); dayMs >= firstDayMs; dayMs -= DAY_MS) {
    if (!matchesCalendarDay(fields, dayMs)) continue;
    const steadyOffset = steadyOffsetOf(dayMs, timeZone);
    for (const hour of hours) {
      // With a steady offset, whole hours and minutes after notAfter are skipped without converting.
      if (steadyOffset !== undefined && dayMs + hour * HOUR_MS - steadyOffset > latestMs) continue;
      for (const minute of minutes) {
        if (steadyOffset !== undefined && dayMs + hour * HOUR_MS + minute * MINUTE_MS - steadyOffset > latestMs) continue;
        for (const second of seconds) {
          const wallMs = dayMs + hour * HOUR_MS + minute * MINUTE_MS + second * 1000;
          const instantMs = steadyOffset === undefined ? instantOfWallMs(wallMs, timeZone) : wallMs - steadyOffset;
          if (instantMs === undefined || instantMs > latestMs) continue;
          // Descending order: the first candidate not after notAfter is the latest one.
          return instantMs > earliestMs ? new Date(instantMs) : undefined;
        }
      }
    }
  }
  return undefined;
}

/** Whether the local calendar day starting at dayMs (its wall time read as UTC) matches the expression's month and days. */
function matchesCalendarDay(fields: ParsedFields, dayMs: number): boolean {
  const day = new Date(dayMs);
  const year = day.getUTCFullYear();
  const month = day.getUTCMonth() + 1;
  const date = day.getUTCDate();
  return (
    fields.month.includes(month) &&
    matchesDayOfMonth(fields.dayOfMonth, year, month, date) &&
    matchesDayOfWeek(fields.dayOfWeek, year, month, date, day.getUTCDay())
  );
}

/** The zone's offset on that local day when it holds all day (no transition), else undefined. */
function steadyOffsetOf(dayMs: number, timeZone: string): number | undefined {
  const offsetStart = offsetOfWallMs(dayMs, timeZone);
  return offsetStart === offsetOfWallMs(dayMs + DAY_MS - 1000, timeZone) ? offsetStart : undefined;
}

/**
 * The earliest instant in (notBefore, notAfter] at which `expression` matches in `timeZone`, to the
 * second; undefined when there is none. The mirror of findPreviousCronMatch.
 */
export function findNextCronMatch(expression: string, timeZone: string, notBefore: Date, notAfter: Date): Date | undefined {
  const fields = parseCronExpression(expression);
  const earliestMs = notBefore.getTime();
  const latestMs = Math.floor(notAfter.getTime() / 1000) * 1000;
  if (latestMs <= earliestMs) return undefined;
  const hours = [...fields.hour].sort((a, b) => a - b);
  const minutes = [...fields.minute].sort((a, b) => a - b);
  const seconds = [...fields.second].sort((a, b) => a - b);

  // Walk local calendar days forwards, from the day of notBefore (with a day to spare for offsets)
  // to the day of notAfter.
  const first = localParts(earliestMs, timeZone);
  const last = localParts(latestMs, timeZone);
  const lastDayMs = Date.UTC(last.year, last.month - 1, last.day) + DAY_MS;
  for (let dayMs = Date.UTC(first.year, first.month - 1, first.day) - DAY_MS; dayMs <= lastDayMs; dayMs += DAY_MS) {
    if (!matchesCalendarDay(fields, dayMs)) continue;
    const steadyOffset = steadyOffsetOf(dayMs, timeZone);
    for (const hour of hours) {
      // With a steady offset, whole hours and minutes before notBefore are skipped without converting.
      if (steadyOffset !== undefined && dayMs + (hour + 1) * HOUR_MS - steadyOffset <= earliestMs) continue;
      for (const minute of minutes) {
        if (steadyOffset !== undefined && dayMs + hour * HOUR_MS + (minute + 1) * MINUTE_MS - steadyOffset <= earliestMs) continue;
        for (const second of seconds) {
          const wallMs = dayMs + hour * HOUR_MS + minute * MINUTE_MS + second * 1000;
          const instantMs = steadyOffset === undefined ? instantOfWallMs(wallMs, timeZone) : wallMs - steadyOffset;
          if (instantMs === undefined || instantMs <= earliestMs) continue;
          // Ascending order: the first candidate after notBefore is the earliest one.
          return instantMs <= latestMs ? new Date(instantMs) : undefined;
        }
      }
    }
  }
  return undefined;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(instantMs: number, timeZone: string): LocalParts {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch (error) {
      throw new Error(`unknown time zone "${timeZone}"`, { cause: error });
    }
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour!, minute: parts.minute!, second: parts.second! };
}

/** Local wall-clock time of an instant, as if that wall time were UTC. */
function wallMsOf(instantMs: number, timeZone: string): number {
  const p = localParts(instantMs, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
}

/** The zone's UTC offset in force around a wall-clock time (ms, east positive). */
function offsetOfWallMs(wallMs: number, timeZone: string): number {
  const guess = wallMs - (wallMsOf(wallMs, timeZone) - wallMs);
  return wallMsOf(guess, timeZone) - guess;
}

/** The instant a wall-clock time names; undefined for a time a DST jump skips. */
function instantOfWallMs(wallMs: number, timeZone: string): number | undefined {
  const instantMs = wallMs - offsetOfWallMs(wallMs, timeZone);
  return wallMsOf(instantMs, timeZone) === wallMs ? instantMs : undefined;
}

// Day matching follows node-cron: numbers, L, L-n, nW, LW in day-of-month; numbers, nL, n#k in
// day-of-week (0 = Sunday).
function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function nearestWeekday(year: number, month: number, target: number): number {
  const last = lastDayOfMonth(year, month);
  if (target < 1 || target > last) return -1;
  const weekday = new Date(Date.UTC(year, month - 1, target)).getUTCDay();
  if (weekday === 6) return target === 1 ? target + 2 : target - 1;
  if (weekday === 0) return target === last ? target - 2 : target + 1;
  return target;
}

function matchesDayOfMonth(field: readonly (number | string)[], year: number, month: number, day: number): boolean {
  const last = lastDayOfMonth(year, month);
  return field.some((value) => {
    if (typeof value === 'number') return value === day;
    if (value === 'L') return day === last;
    const weekday = /^(\d{1,2}|L)W$/.exec(value);
    if (weekday) return nearestWeekday(year, month, weekday[1] === 'L' ? last : Number(weekday[1])) === day;
    const beforeLast = /^L-(\d{1,2})$/.exec(value);
    return beforeLast !== null && last - Number(beforeLast[1]) === day;
  });
}

function matchesDayOfWeek(field: readonly (number | string)[], year: number, month: number, day: number, weekday: number): boolean {
  return field.some((value) => {
    if (typeof value === 'number') return value % 7 === weekday;
    const lastOfMonth = /^([0-7])L$/i.exec(value);
    if (lastOfMonth) return Number(lastOfMonth[1]) % 7 === weekday && day + 7 > lastDayOfMonth(year, month);
    const nth = /^([0-7])#([1-5])$/.exec(value);
    return nth !== null && Number(nth[1]) % 7 === weekday && Math.floor((day - 1) / 7) + 1 === Number(nth[2]);
  });
}
