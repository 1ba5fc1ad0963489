// When a scheduled report is due, whether it goes out late, and by when its mail must be accepted.
// Pure: the caller gives the report's config, what the store recorded and "now".
//
// - At most one slot is due at a time: the latest scheduled time ≤ now that is after the last
//   recorded send AND after the store's first start. A monitor that was down over several slots
//   sends the latest one only (its window says what it covers), and a first start on an empty store
//   sends nothing for the slots before it.
// - A slot is late when now is more than a minute past it: the monitor was not running at the
//   scheduled time (the report says so).
// - The deadline of a slot is the first `deadline` local time at or after the slot, in the report's
//   time zone; a report without `deadline` has none.
import type { ReportConfig } from '../config/report-config.ts';
import { findNextCronMatch, findPreviousCronMatch } from '../state/maintenance.ts';
import { previousScheduledSlot, scheduledWindow } from './build-report.ts';
import type { ReportWindow } from './report-model.ts';

export type ScheduleRules = Pick<ReportConfig, 'schedule' | 'timezone'>;

export interface DueSlot {
  /** The scheduled time the report is for. */
  readonly slot: Date;
  /** Queued more than LATE_AFTER_MS after the slot. */
  readonly late: boolean;
}

export interface SendHistory {
  /** The slot of the last recorded send of this report; absent when none was ever recorded. */
  readonly lastSlot?: Date;
  /** When the store first ran the report scheduler. */
  readonly firstStart: Date;
}

export const LATE_AFTER_MS = 60_000;
/** How far back a missed slot is looked for: a report not sent for a year is not worth looking further. */
const LOOKBACK_MS = 366 * 86_400_000;

/** The slot to send now, or undefined when nothing is due. */
export function dueSlot(report: ScheduleRules, history: SendHistory, now: Date): DueSlot | undefined {
  // A slot at the very first start is not before it: it is sent (the search range opens after notBefore).
  const notBeforeMs = Math.max(history.firstStart.getTime() - 1, history.lastSlot?.getTime() ?? -Infinity, now.getTime() - LOOKBACK_MS);
  const slot = findPreviousCronMatch(report.schedule, report.timezone, now, new Date(notBeforeMs));
  if (slot === undefined) return undefined;
  return { slot, late: now.getTime() - slot.getTime() > LATE_AFTER_MS };
}

/** The next scheduled time after `after`, within a year; undefined when there is none. */
export function nextSlot(report: ScheduleRules, after: Date): Date | undefined {
  return findNextCronMatch(report.schedule, report.timezone, after, new Date(after.getTime() + LOOKBACK_MS));
}

/** The first `deadline` local time at or after `slot`; undefined without a deadline. */
export function deadlineOf(report: Pick<ReportConfig, 'deadline' | 'timezone'>, slot: Date): Date | undefined {
  if (report.deadline === undefined) return undefined;
  const match = /^(\d{2}):(\d{2})$/.exec(report.deadline);
  if (match === null) throw new RangeError(`deadline "${report.deadline}" is not "HH:MM"`);
  const expression = `0 ${Number(match[2])} ${Number(match[1])} * * *`;
  // (notBefore, notAfter]: a second before the slot, so a deadline equal to the slot counts.
  return findNextCronMatch(expression, report.timezone, new Date(slot.getTime() - 1000), new Date(slot.getTime() + 2 * 86_400_000));
}

/** The window the report sent for `slot` covers. */
export function windowOfSlot(report: Pick<ReportConfig, 'schedule' | 'timezone' | 'window'>, slot: Date): ReportWindow {
  return scheduledWindow(report.window, slot, previousScheduledSlot(report.schedule, report.timezone, slot), report.timezone);
}
