// The figures the daemon keeps up to date for the status page and the objective metric: per check
// the last 24 hours' availability and per-hour state, and every objective over its period so far.
//
// Cost: recomputing a month from the store every minute would read every stored minute of every
// check each time. Instead the time is cut into local hours; an hour's figures (one buildReport
// over that hour) are kept once the hour is settled (ended over an hour ago, so that incidents
// opened late by their thresholds are in), whole settled days are kept as the sum of their hours,
// and each refresh computes only the unsettled hours (the current one and the one before). The
// first refresh after start fills the period in, one hour at a time with a turn of the event loop
// between hours, so probes keep their times. Figures add up across hours because the four kinds
// of time are disjoint; each hour also reads the minutes just before it, so that a probe's cover
// reaches across the hour's start as it does inside one longer window.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import type { Config } from '../config/config.ts';
import { utcOffsetSeconds, VIETNAM_TIME_ZONE } from '../time-zone.ts';
import { buildReport } from './build-report.ts';
import { evaluateObjectives, periodAt, type FiguresByName, type ObjectiveStatus } from './objectives.ts';
import type { AvailabilityFigures, HourState, Report, ReportSource, ReportWindow } from './report-model.ts';

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

interface Slice {
  readonly checks: ReadonlyMap<string, AvailabilityFigures>;
  readonly systems: ReadonlyMap<string, AvailabilityFigures>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** An hour is kept once it ended this long ago: an incident is opened a few failed probes after its first failure. */
const SETTLE_MS = HOUR_MS;
/** Hours older than this are kept only inside their day's sum. */
const KEEP_HOURS_MS = 2 * DAY_MS;
const TIME_ZONE = VIETNAM_TIME_ZONE;

export function createLiveFigures(options: LiveFiguresOptions): LiveFigures {
  const pause = options.pause ?? (() => nextTurn());
  let hours = new Map<number, Slice>();
  let days = new Map<number, Slice>();
  let seenConfig: LiveConfig | undefined;
  let latest: LiveSnapshot | undefined;
  // Unsettled hours computed in this refresh, so the strip and every period share them.
  let fresh = new Map<number, Slice>();
  let signal: AbortSignal | undefined;
  let running: Promise<LiveSnapshot> | undefined;

  async function hourSlice(config: LiveConfig, start: number, now: number): Promise<Slice> {
    const kept = hours.get(start) ?? fresh.get(start);
    if (kept !== undefined) return kept;
    const end = Math.min(start + HOUR_MS, now);
    // A probe before the hour covers the start of it (a check probed every five minutes at 09:58
    // watches 10:00–10:03): read back by the longest interval, so that no hour's start is unseen.
    // Only the availability figures are kept, which the earlier minutes cannot otherwise change.
    const lookBackMs = lookBackOf(config);
    const source: ReportSource = {
      ...options.source,
      minutes: (window) => options.source.minutes({ from: new Date(window.from.getTime() - lookBackMs), to: window.to }),
    };
    const report = buildReport(
      config,
      source,
      { from: new Date(start), to: new Date(end) },
      {
        locale: config.alerting.locale,
        now: new Date(now),
        history: options.history ?? true,
      },
    );
    const slice = sliceOf(report);
    if (start + HOUR_MS <= now - SETTLE_MS) hours.set(start, slice);
    else fresh.set(start, slice);
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
        const sum = addSlices(dayHours);
        days.set(cursor, sum);
        parts.push(sum);
        cursor += DAY_MS;
        continue;
      }
      parts.push(await hourSlice(config, cursor, now));
      cursor += HOUR_MS;
    }
    return addSlices(parts);
  }

  async function compute(): Promise<LiveSnapshot> {
    const config = options.config();
    if (config !== seenConfig) {
      // Another set of checks, windows or vantage checks: every kept figure may differ.
      hours = new Map();
      days = new Map();
      seenConfig = config;
    }
    fresh = new Map();
    const at = options.clock();
    const now = at.getTime();
    const from = localHourStart(now) - 23 * HOUR_MS;
    const recentHours: Slice[] = [];
    for (let start = from; start < now; start += HOUR_MS) recentHours.push(await hourSlice(config, start, now));
    const recent = addSlices(recentHours);
    const checks = config.checks.map((check): RecentCheckFigures => ({
      name: check.name,
      system: check.system,
      ...(recent.checks.get(check.name) ?? EMPTY),
      hours: recentHours.map((slice, index) => ({ start: new Date(from + index * HOUR_MS), state: hourState(slice.checks.get(check.name) ?? EMPTY) })),
    }));
    const periods = new Map<number, Slice>();
    for (const objective of config.objectives) {
      // Computed before evaluating, which is synchronous: one pass per distinct period start.
      const start = periodAt(objective.period, at, TIME_ZONE).from.getTime();
      if (!periods.has(start)) periods.set(start, await figuresSince(config, start, now));
    }
    const objectives = evaluateObjectives(config.objectives, at, (window) => reportOf(periods.get(window.from.getTime())), TIME_ZONE);
    for (const start of hours.keys()) if (start < now - KEEP_HOURS_MS) hours.delete(start);
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

const EMPTY: AvailabilityFigures = { downSeconds: 0, observedSeconds: 0, excludedSeconds: 0, notObservedSeconds: 0 };

function sliceOf(report: Pick<Report, 'checks' | 'systems'>): Slice {
  return {
    checks: new Map(report.checks.map((check) => [check.name, figuresOf(check)])),
    systems: new Map(report.systems.map((system) => [system.name, figuresOf(system)])),
  };
}

function figuresOf(row: AvailabilityFigures): AvailabilityFigures {
  return withPercent(row.downSeconds, row.observedSeconds, row.excludedSeconds, row.notObservedSeconds);
}

/** Seconds kept to the millisecond, so that sums of many hours stay exact. */
function withPercent(down: number, observed: number, excluded: number, notObserved: number): AvailabilityFigures {
  const ms = (seconds: number): number => Math.round(seconds * 1000) / 1000;
  const [downSeconds, observedSeconds] = [ms(down), ms(observed)];
  return {
    availabilityPercent: observedSeconds > 0 ? (100 * (observedSeconds - downSeconds)) / observedSeconds : undefined,
    downSeconds,
    observedSeconds,
    excludedSeconds: ms(excluded),
    notObservedSeconds: ms(notObserved),
  };
}

function addFigures(a: AvailabilityFigures, b: AvailabilityFigures): AvailabilityFigures {
  return withPercent(
    a.downSeconds + b.downSeconds,
    a.observedSeconds + b.observedSeconds,
    a.excludedSeconds + b.excludedSeconds,
    a.notObservedSeconds + b.notObservedSeconds,
  );
}

function addSlices(slices: readonly Slice[]): Slice {
  const add = (pick: (slice: Slice) => ReadonlyMap<string, AvailabilityFigures>): Map<string, AvailabilityFigures> => {
    const sum = new Map<string, AvailabilityFigures>();
    for (const slice of slices) for (const [name, figures] of pick(slice)) sum.set(name, addFigures(sum.get(name) ?? EMPTY, figures));
    return sum;
  };
  return { checks: add((slice) => slice.checks), systems: add((slice) => slice.systems) };
}

function reportOf(slice: Slice | undefined): FiguresByName | undefined {
  if (slice === undefined) return undefined;
  const rows = (map: ReadonlyMap<string, AvailabilityFigures>) => [...map].map(([name, figures]) => ({ name, ...figures }));
  return { checks: rows(slice.checks), systems: rows(slice.systems) };
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
