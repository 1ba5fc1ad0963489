// The availability arithmetic of the report (README, "Availability rules"). Pure: from a check's
// incidents, the maintenance windows and the minutes history kept, it lays the window out as four
// disjoint kinds of time — down, up, excluded (maintenance) and not observed (the monitor's own
// fault) — and reads the figures off them. Times are epoch milliseconds in half-open intervals.
//
// Per check:
// - excluded     = maintenance occurrences that cover the check, inside the window;
// - not observed = (minutes without a probe, beyond the check's interval after the last one;
//                   minutes whose every probe failed with reason internal; incidents whose first
//                   reason is internal; for checks other than the vantage checks, the time every
//                   vantage check was failing: our own network was down) less excluded;
// - observed     = window less excluded less not observed;
// - down         = union of its other incidents' intervals, [failingSince ?? openedAt,
//                  recoveredAt ?? resolvedAt ?? window end), inside observed.
// Per system: down and observed are the unions of its checks'; excluded is what its checks
// excluded and none observed; not observed the rest.
import type { MaintenanceWindow } from '../config/alerting-config.ts';
import { isOwnFault, saysNothingOfTarget } from '../probes/probe.ts';
import { observationOf, type MinuteFigures } from '../state/history.ts';
import type { Incident } from '../state/incident.ts';
import { coversCheck, findNextCronMatch } from '../state/maintenance.ts';
import type { AvailabilityFigures, ReportWindow } from './report-model.ts';

/** [start, end) in epoch milliseconds; start < end. */
export interface Interval {
  readonly start: number;
  readonly end: number;
}

/** The window laid out: the four parts are disjoint and together make the window. */
export interface Timeline {
  readonly window: Interval;
  readonly down: readonly Interval[];
  readonly observed: readonly Interval[];
  readonly excluded: readonly Interval[];
  readonly notObserved: readonly Interval[];
}

const MINUTE_MS = 60_000;

// ---- interval sets (sorted, disjoint, non-adjacent) ----------------------------------------

/** Sorted, merged, empty ones dropped. */
export function unionOf(intervals: Iterable<Interval>): Interval[] {
  const sorted = [...intervals].filter((interval) => interval.end > interval.start).sort((a, b) => a.start - b.start);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && interval.start <= last.end) merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, interval.end) };
    else merged.push(interval);
  }
  return merged;
}

/** The union of sets that are each sorted and disjoint, merged two at a time in linear passes (no sort). */
export function unionOfSets(sets: readonly (readonly Interval[])[]): Interval[] {
  return sets.reduce<Interval[]>((merged, set) => mergeTwo(merged, set), []);
}

function mergeTwo(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i]!.start <= b[j]!.start) ? a[i++]! : b[j++]!;
    const last = result.at(-1);
    if (last !== undefined && next.start <= last.end) {
      if (next.end > last.end) result[result.length - 1] = { start: last.start, end: next.end };
    } else result.push(next);
  }
  return result;
}

export function intersect(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const start = Math.max(a[i]!.start, b[j]!.start);
    const end = Math.min(a[i]!.end, b[j]!.end);
    if (start < end) result.push({ start, end });
    if (a[i]!.end < b[j]!.end) i += 1;
    else j += 1;
  }
  return result;
}

/** intersect(intervals, [range]) for a sorted set, found by bisection: a month of hours stays quick. */
function clip(intervals: readonly Interval[], range: Interval): Interval[] {
  let low = 0;
  let high = intervals.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (intervals[middle]!.end <= range.start) low = middle + 1;
    else high = middle;
  }
  const result: Interval[] = [];
  for (let index = low; index < intervals.length && intervals[index]!.start < range.end; index += 1) {
    const interval = intervals[index]!;
    result.push({ start: Math.max(interval.start, range.start), end: Math.min(interval.end, range.end) });
  }
  return result;
}

/** Both sorted and disjoint (as unionOf leaves them); one pass over each. */
export function subtract(from: readonly Interval[], remove: readonly Interval[]): Interval[] {
  const result: Interval[] = [];
  let first = 0;
  for (const interval of from) {
    // Cuts that end before this interval end before every later one too.
    while (first < remove.length && remove[first]!.end <= interval.start) first += 1;
    let start = interval.start;
    for (let index = first; index < remove.length; index += 1) {
      const cut = remove[index]!;
      if (cut.start >= interval.end) break;
      if (cut.start > start) result.push({ start, end: cut.start });
      start = Math.max(start, cut.end);
      if (start >= interval.end) break;
    }
    if (start < interval.end) result.push({ start, end: interval.end });
  }
  return result;
}

export function totalSeconds(intervals: readonly Interval[]): number {
  return intervals.reduce((sum, interval) => sum + (interval.end - interval.start), 0) / 1000;
}

export function intervalOf(window: ReportWindow): Interval {
  return { start: window.from.getTime(), end: window.to.getTime() };
}

// ---- what each source contributes ----------------------------------------------------------

/** An incident's down-time bounds, which thresholds never shorten; open ones run to `openEnd`. */
export function incidentInterval(incident: Incident, openEnd: number): Interval {
  const start = (incident.failingSince ?? incident.openedAt).getTime();
  const end = (incident.recoveredAt ?? incident.resolvedAt)?.getTime() ?? openEnd;
  return { start, end: Math.max(start, end) };
}

/**
 * An incident's down time: its interval, less the runs of passes of a flapping episode it held
 * (state/flapping.ts), during which the check answered.
 */
function incidentDownIntervals(incident: Incident, openEnd: number): Interval[] {
  const whole = incidentInterval(incident, openEnd);
  const up = incident.flapping?.up ?? [];
  if (up.length === 0) return [whole];
  return subtract([whole], unionOf(up.map((run) => ({ start: run.from.getTime(), end: Math.max(run.from.getTime(), run.to?.getTime() ?? openEnd) }))));
}

/** The monitor's own fault opened it: it says nothing of the system. */
export function isOwnFaultIncident(incident: Incident): boolean {
  return isOwnFault(incident.firstReason);
}

/** It opened without the system being reached (the monitor's fault, or no credentials): its time is not observed, never down. */
export function isUnobservedIncident(incident: Incident): boolean {
  return saysNothingOfTarget(incident.firstReason);
}

export interface MaintenanceOccurrence {
  readonly window: MaintenanceWindow;
  readonly interval: Interval;
}

/** Every occurrence of the windows that overlaps `range`, unclipped, in start order per window. */
export function maintenanceOccurrences(windows: readonly MaintenanceWindow[], range: Interval): MaintenanceOccurrence[] {
  return windows.flatMap((window): MaintenanceOccurrence[] => {
    if (window.kind === 'absolute') {
      const interval = { start: window.start.getTime(), end: window.end.getTime() };
      return interval.start < range.end && interval.end > range.start ? [{ window, interval }] : [];
    }
    const durationMs = window.durationSeconds * 1000;
    const occurrences: MaintenanceOccurrence[] = [];
    // Starts are whole seconds: the last one that can overlap the range starts before range.end.
    const lastStart = new Date(range.end - 1);
    let cursor = new Date(range.start - durationMs);
    for (;;) {
      const start = findNextCronMatch(window.cron, window.timezone, cursor, lastStart);
      if (start === undefined) break;
      occurrences.push({ window, interval: { start: start.getTime(), end: start.getTime() + durationMs } });
      cursor = start;
    }
    return occurrences;
  });
}

export interface CheckTimelineInput {
  readonly check: { readonly name: string; readonly intervalSeconds: number };
  readonly window: ReportWindow;
  /** The check's incidents that overlap the window (others are ignored). */
  readonly incidents: readonly Incident[];
  readonly maintenance: readonly MaintenanceWindow[];
  /** maintenanceOccurrences(maintenance, window), when the caller computed them once for many checks. */
  readonly occurrences?: readonly MaintenanceOccurrence[];
  /**
   * The minutes the check's probes watched in the window. Undefined when the store keeps no
   * history: then only own-fault incidents mark time as not observed.
   */
  readonly observed?: ObservedMinutes;
  /** When the monitor's own network was down (vantageDown), for checks other than the vantage checks. */
  readonly blind?: readonly Interval[];
}

export function checkTimeline(input: CheckTimelineInput): Timeline {
  const window = intervalOf(input.window);
  const whole = [window];
  const occurrences = input.occurrences ?? maintenanceOccurrences(input.maintenance, window);
  const covering = occurrences.filter((occurrence) => coversCheck(occurrence.window, input.check.name));
  const excluded = intersect(unionOf(covering.map((occurrence) => occurrence.interval)), whole);
  const incidents = input.incidents.filter((incident) => incident.check === input.check.name);
  const ownFault = incidents.filter(isUnobservedIncident).map((incident) => incidentInterval(incident, window.end));
  const unseen = input.observed === undefined ? [] : unseenMinutes(input.observed, input.check.intervalSeconds, window);
  // The usual cases, watched throughout with nothing wrong or not watched at all: one shared timeline
  // per window, so that ten thousand quiet checks hold one object instead of ten thousand while
  // their system is summed.
  if (covering.length === 0 && incidents.length === 0 && (input.blind ?? []).length === 0) {
    if (unseen.length === 0) return sharedTimeline(input.window, 'watched');
    // Never watched (before the first start, or an hour the daemon was down): as common, as shared.
    if (unseen.length === 1 && unseen[0]!.start === window.start && unseen[0]!.end === window.end) return sharedTimeline(input.window, 'unwatched');
  }
  const notObserved = subtract(intersect(unionOf([...ownFault, ...unseen, ...(input.blind ?? [])]), whole), excluded);
  const observed = subtract(subtract(whole, excluded), notObserved);
  const failing = incidents.filter((incident) => !isUnobservedIncident(incident)).flatMap((incident) => incidentDownIntervals(incident, window.end));
  const down = intersect(unionOf(failing), observed);
  return { window, down, observed, excluded, notObserved };
}

const sharedTimelines = { watched: new WeakMap<ReportWindow, Timeline>(), unwatched: new WeakMap<ReportWindow, Timeline>() };

/**
 * A window watched throughout with nothing down or excluded, or never watched at all: one object
 * shared by every check given the same window object.
 */
function sharedTimeline(window: ReportWindow, kind: 'watched' | 'unwatched'): Timeline {
  let timeline = sharedTimelines[kind].get(window);
  if (timeline === undefined) {
    const whole = intervalOf(window);
    timeline =
      kind === 'watched'
        ? { window: whole, down: [], observed: [whole], excluded: [], notObserved: [] }
        : { window: whole, down: [], observed: [], excluded: [], notObserved: [whole] };
    sharedTimelines[kind].set(window, timeline);
  }
  return timeline;
}

/**
 * Which minutes of a check's window its probes watched, as minute starts (epoch ms, ascending):
 * `seen`, with at least one probe that was not the monitor's own fault, and `blind`, whose every
 * probe failed on our side. Plain numbers rather than the stored minutes, so that availability
 * alone never decodes latency sketches.
 */
export interface ObservedMinutes {
  readonly seen: readonly number[];
  readonly blind: readonly number[];
}

/** The observed minutes of one check's stored minutes. */
export function observedMinutesOf(minutes: readonly MinuteFigures[]): ObservedMinutes {
  const seen: number[] = [];
  const blind: number[] = [];
  for (const minute of minutes) {
    const observation = observationOf(minute.probes, minute.failuresByReason);
    if (observation === 'seen') seen.push(minute.minute.getTime());
    else if (observation === 'blind') blind.push(minute.minute.getTime());
  }
  return { seen: seen.sort(ascending), blind: blind.sort(ascending) };
}

const ascending = (a: number, b: number): number => a - b;

/**
 * Time the check's probes did not see: everything but what each minute with a real observation
 * covers. A probed minute covers the check's interval from its start (a check probed every five
 * minutes leaves four minutes without a row, and those were watched); a minute whose every probe
 * failed with reason internal covers nothing.
 */
function unseenMinutes(observed: ObservedMinutes, intervalSeconds: number, window: Interval): Interval[] {
  const spanMs = Math.max(MINUTE_MS, Math.ceil(intervalSeconds / 60) * MINUTE_MS);
  // A minute wholly of own-fault failures ends the previous probe's cover where it starts.
  return subtract([window], subtract(coverOf(observed.seen, spanMs), coverOf(observed.blind, MINUTE_MS)));
}

/** The union of [start, start + span) over ascending starts, merged as it goes (no interval per minute). */
function coverOf(starts: readonly number[], spanMs: number): Interval[] {
  const cover: Interval[] = [];
  let current: { start: number; end: number } | undefined;
  for (const start of starts) {
    if (current !== undefined && start <= current.end) current.end = Math.max(current.end, start + spanMs);
    else {
      current = { start, end: start + spanMs };
      cover.push(current);
    }
  }
  return cover;
}

/**
 * When the monitor's own network was down: every vantage check failing at once (the intersection
 * of their incidents, own-fault ones included). Empty without vantage checks.
 */
export function vantageDown(vantage: readonly string[], incidents: readonly Incident[], window: Interval): Interval[] {
  if (vantage.length === 0) return [];
  return vantage.reduce<Interval[]>(
    (common, check) =>
      intersect(common, unionOf(incidents.filter((incident) => incident.check === check).map((incident) => incidentInterval(incident, window.end)))),
    [window],
  );
}

/** A system's timeline from its checks': down and observed are the unions. */
export function systemTimeline(window: ReportWindow, checks: readonly Timeline[]): Timeline {
  const whole = [intervalOf(window)];
  const observed = unionOfSets(checks.map((timeline) => timeline.observed));
  const down = unionOfSets(checks.map((timeline) => timeline.down));
  const excluded = subtract(unionOfSets(checks.map((timeline) => timeline.excluded)), observed);
  const notObserved = subtract(subtract(whole, observed), excluded);
  return { window: whole[0]!, down, observed, excluded, notObserved };
}

/** The same timeline seen through a narrower range (one hour of the strip). */
export function clipTimeline(timeline: Timeline, range: Interval): Timeline {
  const only = (intervals: readonly Interval[]) => clip(intervals, range);
  return {
    window: range,
    down: only(timeline.down),
    observed: only(timeline.observed),
    excluded: only(timeline.excluded),
    notObserved: only(timeline.notObserved),
  };
}

export function availabilityOf(timeline: Timeline): AvailabilityFigures {
  const observedSeconds = totalSeconds(timeline.observed);
  const downSeconds = totalSeconds(timeline.down);
  return {
    availabilityPercent: observedSeconds > 0 ? (100 * (observedSeconds - downSeconds)) / observedSeconds : undefined,
    downSeconds,
    observedSeconds,
    excludedSeconds: totalSeconds(timeline.excluded),
    notObservedSeconds: totalSeconds(timeline.notObserved),
  };
}
