// The figures the daemon keeps up to date for the status page and the objective metric: per check
// the last 24 hours' availability and per-hour state, and every objective over its period so far.
//
// Cost: recomputing a month from the store every minute would read every stored minute of every
// check each time. Instead the time is cut into local hours; an hour's availability figures are
// kept once the hour is settled (ended over an hour ago, so that incidents opened late by their
// thresholds are in), whole settled days are kept as the sum of their hours, and each refresh
// recomputes only the unsettled hours (the current one and the one before). Figures add up across
// hours because the four kinds of time are disjoint; each hour also reads the minutes just before
// it, so that a probe's cover reaches across the hour's start as it does inside one longer window.
//
// Memory and CPU at 10,000 checks: only availability is computed (no latency sketch is decoded),
// an unsettled hour's watched minutes are kept as one byte per check and minute and read
// incrementally (each refresh reads only the minutes written since the last one, and the two
// before them again, since a minute's row is written after it ends), kept figures are arrays of
// numbers indexed by check rather than an object per check and hour, and the 24-hour strips share
// their cells. The first refresh after start fills the period in, some 50,000 minute rows at a time
// (5 minutes at 10,000 checks) with a turn of the event loop between, so probes keep their times.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/config.ts';
import { utcOffsetSeconds, VIETNAM_TIME_ZONE } from '../time-zone.ts';
import type { Observation } from '../state/history.ts';
import { observationOf } from '../state/history.ts';
import type { ObservedMinutes } from './availability.ts';
import { windowAvailability, type WindowAvailability } from './build-report.ts';
import { evaluateObjectives, periodAt, type FiguresByName, type ObjectiveStatus } from './objectives.ts';
import type { AvailabilityFigures, HourState, ReportSource, ReportWindow } from './report-model.ts';

export type LiveConfig = Pick<Config, 'checks' | 'alerting' | 'objectives'>;

export interface RecentCheckFigures extends AvailabilityFigures {
  readonly name: string;
  readonly system: string;
  /** The current local hour and the 23 before it, oldest first. */
  readonly hours: readonly { readonly start: Date; readonly state: HourState }[];
}

export interface LiveSnapshot {
  /** When it was computed. */
  readonly at: Date;
  /** From the start of the local hour 23 hours ago to `at`. */
  readonly window: ReportWindow;
  readonly checks: readonly RecentCheckFigures[];
  readonly objectives: readonly ObjectiveStatus[];
}

export interface LiveFiguresOptions {
  readonly config: () => LiveConfig;
  readonly source: ReportSource;
  readonly clock: Clock;
  /** Whether the source keeps per-minute history; default true. */
  readonly history?: boolean;
  /** Between two hours computed in one refresh; default a turn of the event loop. */
  readonly pause?: () => Promise<void>;
}

export interface LiveFigures {
  /**
   * Computes the figures for now; a refresh already running is joined, not repeated. An aborted
   * signal stops it between two hours (it then rejects with the signal's reason), so that a stop
   * never waits for a month to be read.
   */
  refresh(signal?: AbortSignal): Promise<LiveSnapshot>;
  /** The last figures computed; undefined before the first refresh ends. */
  latest(): LiveSnapshot | undefined;
}

/** Per check (config order) then per system: down, observed, excluded, not observed seconds. */
interface Slice {
  readonly checks: Float64Array;
  readonly systems: Float64Array;
}

/** The config's checks and systems by position, so that figures are arrays indexed by check. */
interface Layout {
  readonly checkIndex: ReadonlyMap<string, number>;
  readonly systems: readonly string[];
  readonly systemIndex: ReadonlyMap<string, number>;
}

/** An unsettled hour's watched minutes: one cell per check and minute of [from, to), 0 none, 1 seen, 2 blind. */
interface HourMarks {
  readonly from: number;
  readonly to: number;
  readonly slots: number;
  readonly cells: Uint8Array;
  /** Minutes before this were read (up to the re-read below). */
  readTo: number;
}

const FIELDS = 4;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** An hour is kept once it ended this long ago: an incident is opened a few failed probes after its first failure. */
const SETTLE_MS = HOUR_MS;
/** Hours older than this are kept only inside their day's sum. */
const KEEP_HOURS_MS = 2 * DAY_MS;
/** A minute's row is written after the minute ends: each read starts again this far back. */
const REREAD_MS = 2 * MINUTE_MS;
/**
 * About how many minute rows one read takes before the event loop gets a turn: some 40 ms of
 * reading on the two-core machine kind (5 minutes at 10,000 checks), at most a quarter of an hour.
 */
const ROWS_PER_READ = 50_000;
const MAX_READ_MINUTES = 15;
const SEEN = 1;
const BLIND = 2;
const TIME_ZONE = VIETNAM_TIME_ZONE;

export function createLiveFigures(options: LiveFiguresOptions): LiveFigures {
  const pause = options.pause ?? (() => nextTurn());
  const history = options.history ?? true;
  let hours = new Map<number, Slice>();
  let days = new Map<number, Slice>();
  let marks = new Map<number, HourMarks>();
  let seenConfig: LiveConfig | undefined;
  let layout: Layout = layoutOf({ checks: [] });
  let latest: LiveSnapshot | undefined;
  // Unsettled hours computed in this refresh, so the strip and every period share them.
  let fresh = new Map<number, Slice>();
  let signal: AbortSignal | undefined;
  let running: Promise<LiveSnapshot> | undefined;

  async function readMarks(config: LiveConfig, start: number, now: number): Promise<HourMarks> {
    const from = start - lookBackOf(config);
    const to = start + HOUR_MS;
    let hour = marks.get(start);
    if (hour === undefined || hour.from !== from) {
      const slots = (to - from) / MINUTE_MS;
      hour = { from, to, slots, cells: new Uint8Array(config.checks.length * slots), readTo: from };
      marks.set(start, hour);
    }
    const until = Math.min(to, now);
    const target = hour;
    const stepMs = Math.max(1, Math.min(MAX_READ_MINUTES, Math.floor(ROWS_PER_READ / Math.max(1, config.checks.length)))) * MINUTE_MS;
    for (let cursor = Math.max(from, hour.readTo - REREAD_MS); cursor < until; cursor += stepMs) {
      const window = { from: new Date(cursor), to: new Date(Math.min(until, cursor + stepMs)) };
      visitObserved(options.source, window, (check, minute, observation) => {
        const index = layout.checkIndex.get(check);
        if (index === undefined) return;
        target.cells[index * target.slots + (minute - target.from) / MINUTE_MS] = observation === 'seen' ? SEEN : BLIND;
      });
      if (cursor + stepMs < until) {
        await pause();
        signal?.throwIfAborted();
      }
    }
    hour.readTo = Math.max(hour.readTo, until);
    return hour;
  }

  async function hourSlice(config: LiveConfig, start: number, now: number): Promise<Slice> {
    const kept = hours.get(start) ?? fresh.get(start);
    if (kept !== undefined) return kept;
    const end = Math.min(start + HOUR_MS, now);
    const hour = history ? await readMarks(config, start, now) : undefined;
    const window = { from: new Date(start), to: new Date(end) };
    const incidents = end > start ? options.source.incidents(window) : [];
    const figures = windowAvailability(config, window, incidents, (check) =>
      hour === undefined ? undefined : observedIn(hour, layout.checkIndex.get(check)!),
    );
    const slice = sliceOf(figures, layout);
    if (start + HOUR_MS <= now - SETTLE_MS) {
      hours.set(start, slice);
      marks.delete(start);
    } else fresh.set(start, slice);
    await pause();
    signal?.throwIfAborted();
    return slice;
  }

  /** The figures of [from, now): kept days where whole, hours elsewhere. */
  async function figuresSince(config: LiveConfig, from: number, now: number): Promise<Slice> {
    const parts: Slice[] = [];
    let cursor = from;
    while (cursor < now) {
      const day = days.get(cursor);
      if (day !== undefined && cursor + DAY_MS <= now) {
        parts.push(day);
        cursor += DAY_MS;
        continue;
      }
      const isDayStart = localMidnightOf(cursor) === cursor;
      if (isDayStart && cursor + DAY_MS <= now - SETTLE_MS) {
        // A whole settled day: its hours, summed once and kept.
        const dayHours: Slice[] = [];
        for (let hour = cursor; hour < cursor + DAY_MS; hour += HOUR_MS) dayHours.push(await hourSlice(config, hour, now));
        const sum = addSlices(dayHours, layout);
        days.set(cursor, sum);
        parts.push(sum);
        cursor += DAY_MS;
        continue;
      }
      parts.push(await hourSlice(config, cursor, now));
      cursor += HOUR_MS;
    }
    return addSlices(parts, layout);
  }

  async function compute(): Promise<LiveSnapshot> {
    const config = options.config();
    if (config !== seenConfig) {
      // Another set of checks, windows or vantage checks: every kept figure may differ.
      hours = new Map();
      days = new Map();
      marks = new Map();
      layout = layoutOf(config);
      seenConfig = config;
    }
    fresh = new Map();
    const at = options.clock();
    const now = at.getTime();
    const from = localHourStart(now) - 23 * HOUR_MS;
    const recentHours: Slice[] = [];
    for (let start = from; start < now; start += HOUR_MS) recentHours.push(await hourSlice(config, start, now));
    const recent = addSlices(recentHours, layout);
    // One cell object per hour and state, shared by every check's strip.
    const cells = recentHours.map((_, index) => {
      const start = new Date(from + index * HOUR_MS);
      return Object.fromEntries(HOUR_STATES.map((state) => [state, { start, state }])) as Record<
        HourState,
        { readonly start: Date; readonly state: HourState }
      >;
    });
    const checks = config.checks.map((check, index): RecentCheckFigures => ({
      name: check.name,
      system: check.system,
      ...figuresAt(recent.checks, index),
      hours: recentHours.map((slice, hour) => cells[hour]![stateAt(slice.checks, index)]),
    }));
    const periods = new Map<number, Slice>();
    for (const objective of config.objectives) {
      // Computed before evaluating, which is synchronous: one pass per distinct period start.
      const start = periodAt(objective.period, at, TIME_ZONE).from.getTime();
      if (!periods.has(start)) periods.set(start, await figuresSince(config, start, now));
    }
    const objectives = evaluateObjectives(config.objectives, at, (window) => reportOf(periods.get(window.from.getTime()), config, layout), TIME_ZONE);
    for (const start of hours.keys()) if (start < now - KEEP_HOURS_MS) hours.delete(start);
    for (const start of marks.keys()) if (!fresh.has(start)) marks.delete(start);
    const oldest = Math.min(from, ...periods.keys());
    for (const start of days.keys()) if (start < oldest) days.delete(start);
    latest = { at, window: { from: new Date(from), to: at }, checks, objectives };
    return latest;
  }

  return {
    refresh(given) {
      signal = given;
      running ??= compute().finally(() => {
        running = undefined;
      });
      return running;
    },
    latest: () => latest,
  };
}

export interface LiveFiguresLoop {
  stop(): Promise<void>;
}

/** Refreshes now and then every minute; `onRefresh` receives each result (the metric). */
export function startLiveFigures(
  figures: LiveFigures,
  options: { readonly log: Logger; readonly intervalMs?: number; readonly onRefresh?: (snapshot: LiveSnapshot) => void },
): LiveFiguresLoop {
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> = Promise.resolve();
  const stopping = new AbortController();
  const tick = (): void => {
    current = figures
      .refresh(stopping.signal)
      .then((snapshot) => options.onRefresh?.(snapshot))
      .catch((error: unknown) => {
        if (!stopping.signal.aborted) options.log.error({ err: error }, 'availability figures failed');
      })
      .finally(() => {
        if (!stopping.signal.aborted) timer = setTimeout(tick, options.intervalMs ?? 60_000);
      });
  };
  tick();
  return {
    async stop() {
      stopping.abort();
      clearTimeout(timer);
      await current;
      clearTimeout(timer);
    },
  };
}

/** Each objective's budget, as the metric takes it. */
export function budgetsOf(snapshot: LiveSnapshot): { scope: 'system' | 'check'; name: string; budgetRemainingSeconds: number }[] {
  return snapshot.objectives.map((status) => ({
    scope: status.objective.scope,
    name: status.objective.name,
    budgetRemainingSeconds: status.budgetRemainingSeconds,
  }));
}

// ---- pieces ----------------------------------------------------------------------------------

const HOUR_STATES: readonly HourState[] = ['up', 'down', 'excluded', 'not_observed'];

function layoutOf(config: Pick<LiveConfig, 'checks'>): Layout {
  const systems = [...new Set(config.checks.map((check) => check.system))];
  return {
    checkIndex: new Map(config.checks.map((check, index) => [check.name, index])),
    systems,
    systemIndex: new Map(systems.map((system, index) => [system, index])),
  };
}

/** Availability's minutes from the source's light read, or from its full minutes when it has none. */
function visitObserved(source: ReportSource, window: ReportWindow, visit: (check: string, minute: number, observation: Observation) => void): void {
  if (source.observedMinutes !== undefined) {
    source.observedMinutes(window, visit);
    return;
  }
  for (const minute of source.minutes(window)) {
    const observation = observationOf(minute.probes, minute.failuresByReason);
    if (observation !== undefined) visit(minute.check, minute.minute.getTime(), observation);
  }
}

function observedIn(hour: HourMarks, index: number): ObservedMinutes {
  const seen: number[] = [];
  const blind: number[] = [];
  const base = index * hour.slots;
  for (let slot = 0; slot < hour.slots; slot += 1) {
    const cell = hour.cells[base + slot];
    if (cell === SEEN) seen.push(hour.from + slot * MINUTE_MS);
    else if (cell === BLIND) blind.push(hour.from + slot * MINUTE_MS);
  }
  return { seen, blind };
}

function sliceOf(figures: WindowAvailability, layout: Layout): Slice {
  const checks = new Float64Array(figures.checks.length * FIELDS);
  figures.checks.forEach((row, index) => put(checks, index, row));
  const systems = new Float64Array(layout.systems.length * FIELDS);
  for (const row of figures.systems) put(systems, layout.systemIndex.get(row.name)!, row);
  return { checks, systems };
}

/** Seconds kept to the millisecond, so that sums of many hours stay exact. */
const ms = (seconds: number): number => Math.round(seconds * 1000) / 1000;

function put(target: Float64Array, index: number, row: AvailabilityFigures): void {
  target.set([ms(row.downSeconds), ms(row.observedSeconds), ms(row.excludedSeconds), ms(row.notObservedSeconds)], index * FIELDS);
}

function figuresAt(values: Float64Array, index: number): AvailabilityFigures {
  const at = index * FIELDS;
  const [downSeconds, observedSeconds] = [ms(values[at] ?? 0), ms(values[at + 1] ?? 0)];
  return {
    availabilityPercent: observedSeconds > 0 ? (100 * (observedSeconds - downSeconds)) / observedSeconds : undefined,
    downSeconds,
    observedSeconds,
    excludedSeconds: ms(values[at + 2] ?? 0),
    notObservedSeconds: ms(values[at + 3] ?? 0),
  };
}

function stateAt(values: Float64Array, index: number): HourState {
  return hourState(figuresAt(values, index));
}

function addSlices(slices: readonly Slice[], layout: Layout): Slice {
  const checks = new Float64Array(layout.checkIndex.size * FIELDS);
  const systems = new Float64Array(layout.systems.length * FIELDS);
  for (const slice of slices) {
    for (let at = 0; at < checks.length; at += 1) checks[at]! += slice.checks[at] ?? 0;
    for (let at = 0; at < systems.length; at += 1) systems[at]! += slice.systems[at] ?? 0;
  }
  return { checks, systems };
}

function reportOf(slice: Slice | undefined, config: LiveConfig, layout: Layout): FiguresByName | undefined {
  if (slice === undefined) return undefined;
  return {
    checks: config.checks.map((check, index) => ({ name: check.name, ...figuresAt(slice.checks, index) })),
    systems: layout.systems.map((system, index) => ({ name: system, ...figuresAt(slice.systems, index) })),
  };
}

/** The report's rule for an hour cell: down if anything was down, else up if watched, else the larger of excluded and not observed. */
export function hourState(figures: AvailabilityFigures): HourState {
  if (figures.downSeconds > 0) return 'down';
  if (figures.observedSeconds > 0) return 'up';
  return figures.excludedSeconds >= figures.notObservedSeconds && figures.excludedSeconds > 0 ? 'excluded' : 'not_observed';
}

/** How far before an hour a probe can still cover part of it: the longest interval in whole minutes, less the minute itself. */
function lookBackOf(config: LiveConfig): number {
  const longest = config.checks.reduce((most, check) => Math.max(most, check.intervalSeconds), 60);
  return Math.min(HOUR_MS, Math.ceil(longest / 60) * 60_000 - 60_000);
}

function localHourStart(ms: number): number {
  const offsetMs = utcOffsetSeconds(new Date(ms), TIME_ZONE) * 1000;
  return Math.floor((ms + offsetMs) / HOUR_MS) * HOUR_MS - offsetMs;
}

function localMidnightOf(ms: number): number {
  const offsetMs = utcOffsetSeconds(new Date(ms), TIME_ZONE) * 1000;
  return Math.floor((ms + offsetMs) / DAY_MS) * DAY_MS - offsetMs;
}
