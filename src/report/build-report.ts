// Builds the report for a window from the config, history minutes and incidents: every figure a
// renderer prints, nothing worded, and each objective over its period up to the window's end.
// Pure: the source is read, never written, and the clock is given.
// Also the windows a report can cover (a local day, since the previous scheduled time, a week, a
// month), computed in the report's time zone whatever the machine's.
import type { Locale } from '../config/alerting-config.ts';
import type { Check, Config } from '../config/config.ts';
import type { ObjectiveConfig } from '../config/objective-config.ts';
import type { FailureReason } from '../probes/probe.ts';
import type { MinuteFigures } from '../state/history.ts';
import type { Incident } from '../state/incident.ts';
import { createSketch, mergeSketch, sketchQuantile, type LatencySketch } from '../state/latency-sketch.ts';
import { coversCheck, findPreviousCronMatch } from '../state/maintenance.ts';
import { diagnose } from '../text/probable-cause.ts';
import { epochSecondsOfWallClock, toWallClock, utcOffsetSeconds, VIETNAM_TIME_ZONE } from '../time-zone.ts';
import {
  availabilityOf,
  checkTimeline,
  clipTimeline,
  incidentInterval,
  intervalOf,
  isOwnFaultIncident,
  isUnobservedIncident,
  maintenanceOccurrences,
  observedMinutesOf,
  systemTimeline,
  totalSeconds,
  intersect,
  vantageDown,
  type MaintenanceOccurrence,
  type ObservedMinutes,
  type Timeline,
} from './availability.ts';
import { systemHandling, withHandling, withPeople } from './incident-handling.ts';
import { evaluateObjective, periodAt, type ObjectiveStatus } from './objectives.ts';
import type {
  AvailabilityFigures,
  CheckFigures,
  HourState,
  HourStrip,
  LatencyFigures,
  MaintenanceSpan,
  Report,
  ReportIncident,
  ReportObjective,
  ReportSource,
  ReportWindow,
  SyncFigures,
  SystemFigures,
  Verdict,
} from './report-model.ts';

export interface BuildReportOptions {
  /** The report's config name; absent for an ad-hoc window. */
  readonly name?: string;
  readonly unit?: string;
  readonly signer?: string;
  readonly locale: Locale;
  /** When the report is built; a window reaching past it is cut there. */
  readonly now: Date;
  /** The scheduled time it missed, when it goes out late. */
  readonly lateFor?: Date;
  /** Of the hour strips; default Asia/Ho_Chi_Minh. */
  readonly timeZone?: string;
  /**
   * Whether the source keeps per-minute history. Without it, time is counted as observed unless an
   * own-fault incident says otherwise, and probe counts and latencies are absent.
   */
  readonly history?: boolean;
  /**
   * The config's objectives, for the report to show; absent for figures alone (the live figures
   * build a report per hour and must not recount whole periods inside each).
   */
  readonly objectives?: readonly ObjectiveConfig[];
  /**
   * Objectives already evaluated (the daemon's hour-by-hour figures), shown as they are instead of
   * recounting each period from its minutes, which inside the daemon would block probing.
   */
  readonly objectiveFigures?: readonly ReportObjective[];
}

const HOUR_MS = 3_600_000;

type ReportedConfig = Pick<Config, 'checks' | 'alerting'>;

export function buildReport(config: ReportedConfig, source: ReportSource, asked: ReportWindow, options: BuildReportOptions): Report {
  const window: ReportWindow = { from: asked.from, to: asked.to > options.now ? options.now : asked.to };
  const figures = windowFigures(config, source, window, options.history ?? true);
  const { checks, systems, incidents, occurrences, systemTimelines } = figures;
  const people = window.to > window.from ? (source.peopleIncidents?.(window) ?? []) : [];
  const listed = [...incidents, ...people.map((row) => row.incident)];
  const described = withPeople(describeIncidents(listed, window, options.now, source.notificationsSent?.(listed.map((incident) => incident.id))), people);
  const records = source.deskRecords?.(described.map((incident) => incident.id));
  const reportIncidents = records === undefined ? described : withHandling(described, listed, records);
  const objectives =
    options.objectiveFigures !== undefined
      ? options.objectiveFigures.length === 0
        ? undefined
        : options.objectiveFigures
      : options.objectives === undefined
        ? undefined
        : objectiveFigures(config, options.objectives, source, window, options.history ?? true, figures);
  return {
    name: options.name,
    unit: options.unit,
    signer: options.signer,
    locale: options.locale,
    generatedAt: options.now,
    window,
    lateFor: options.lateFor,
    verdict: verdictOf(checks, reportIncidents, incidents, window),
    checks,
    systems,
    incidents: reportIncidents,
    maintenance: maintenanceSpans(occurrences, config.checks, window),
    hours: [...systemTimelines].map(([system, timeline]) => hourStrip(system, timeline, options.timeZone ?? VIETNAM_TIME_ZONE)),
    ...(objectives === undefined ? {} : { objectives }),
    ...(records === undefined
      ? {}
      : {
          handling: systemHandling(
            reportIncidents,
            systems.map((system) => system.name),
          ),
        }),
  };
}

interface WindowFigures {
  readonly checks: CheckFigures[];
  readonly systems: SystemFigures[];
  readonly incidents: readonly Incident[];
  readonly occurrences: readonly MaintenanceOccurrence[];
  /** In the order systems are first named by the checks. */
  readonly systemTimelines: ReadonlyMap<string, Timeline>;
}

/** The per-check and per-system figures of a window (already cut at now). */
function windowFigures(config: ReportedConfig, source: ReportSource, window: ReportWindow, history: boolean): WindowFigures {
  const minutesByCheck = groupBy(history ? [...source.minutes(window)] : [], (minute) => minute.check);
  const incidents = window.to > window.from ? source.incidents(window) : [];
  const availability = windowAvailability(config, window, incidents, (check) => (history ? observedMinutesOf(minutesByCheck.get(check) ?? []) : undefined));
  const checks = config.checks.map((check, index): CheckFigures => ({
    kind: check.kind,
    ...availability.checks[index]!,
    ...minuteFigures(check, minutesByCheck.get(check.name) ?? []),
    flaps: countFlaps(incidents, check.name, window),
  }));
  const systems = availability.systems.map((row): SystemFigures => {
    const members = checks.filter((check) => check.system === row.name);
    const latency = createSketch();
    for (const check of members) for (const minute of minutesByCheck.get(check.name) ?? []) mergeSketch(latency, minute.latency);
    return {
      ...row,
      probes: sum(members.map((check) => check.probes)),
      failures: sum(members.map((check) => check.failures)),
      latency: latencyFigures(latency),
    };
  });
  return { checks, systems, incidents, occurrences: availability.occurrences, systemTimelines: availability.systemTimelines };
}

/** Episodes kept on the check's incidents (the rules record them there) that began in the window. */
function countFlaps(incidents: readonly Incident[], check: string, window: ReportWindow): number {
  return incidents.filter((incident) => {
    const since = incident.check === check ? incident.flapping?.since.getTime() : undefined;
    return since !== undefined && since >= window.from.getTime() && since < window.to.getTime();
  }).length;
}

export interface WindowAvailability {
  /** In config order. */
  readonly checks: readonly (AvailabilityFigures & { readonly name: string; readonly system: string })[];
  /** In the order systems are first named by the checks. */
  readonly systems: readonly (AvailabilityFigures & { readonly name: string })[];
  readonly occurrences: readonly MaintenanceOccurrence[];
  readonly systemTimelines: ReadonlyMap<string, Timeline>;
}

/**
 * The availability figures alone of a window, per check and per system, from its incidents and
 * the minutes each check's probes watched (undefined: the store keeps no history). The daemon's
 * live figures use this directly, so that they never decode a latency sketch.
 */
export function windowAvailability(
  config: ReportedConfig,
  window: ReportWindow,
  incidents: readonly Incident[],
  observedOf: (check: string) => ObservedMinutes | undefined,
): WindowAvailability {
  const maintenance = config.alerting.maintenance;
  const vantage = config.alerting.vantage;
  const blind = vantageDown(vantage, incidents, intervalOf(window));
  const occurrences = maintenanceOccurrences(maintenance, intervalOf(window));
  const byCheck = groupBy(incidents, (incident) => incident.check);
  const timelines = new Map<string, Timeline>();
  const checks = config.checks.map((check) => {
    const timeline = checkTimeline({
      check,
      window,
      incidents: byCheck.get(check.name) ?? [],
      maintenance,
      occurrences,
      observed: observedOf(check.name),
      blind: vantage.includes(check.name) ? [] : blind,
    });
    timelines.set(check.name, timeline);
    return { name: check.name, system: check.system, ...availabilityOf(timeline) };
  });
  const systemNames = [...new Set(config.checks.map((check) => check.system))];
  const systemTimelines = new Map(
    systemNames.map((system) => [
      system,
      systemTimeline(
        window,
        config.checks.filter((check) => check.system === system).map((check) => timelines.get(check.name)!),
      ),
    ]),
  );
  const systems = systemNames.map((system) => ({ name: system, ...availabilityOf(systemTimelines.get(system)!) }));
  return { checks, systems, occurrences, systemTimelines };
}

// ---- objectives ------------------------------------------------------------------------------

/**
 * Each objective over the calendar period holding the window's last instant, from the period's
 * start to the window's end (so a report of November shows November whole). Periods are local
 * Vietnamese time, as the status page and the metric count them; the arithmetic is objectives.ts'.
 */
function objectiveFigures(
  config: ReportedConfig,
  objectives: readonly ObjectiveConfig[],
  source: ReportSource,
  window: ReportWindow,
  history: boolean,
  own: WindowFigures,
): ReportObjective[] | undefined {
  if (objectives.length === 0) return undefined;
  const last = new Date(Math.max(window.from.getTime(), window.to.getTime() - 1));
  const byStart = new Map<number, WindowFigures>();
  return objectives.map((objective): ReportObjective => {
    const period = periodAt(objective.period, last, VIETNAM_TIME_ZONE);
    const start = period.from.getTime();
    let figures = byStart.get(start) ?? (start === window.from.getTime() ? own : undefined);
    if (figures === undefined) {
      figures = windowFigures(config, source, { from: period.from, to: window.to }, history);
      byStart.set(start, figures);
    }
    const rows: readonly (AvailabilityFigures & { readonly name: string })[] = objective.scope === 'check' ? figures.checks : figures.systems;
    return reportObjectiveOf(
      evaluateObjective(
        objective,
        period,
        window.to,
        rows.find((row) => row.name === objective.name),
      ),
    );
  });
}

/** An evaluated objective as the report shows it. */
export function reportObjectiveOf(status: ObjectiveStatus): ReportObjective {
  const { objective } = status;
  return {
    scope: objective.scope,
    name: objective.name,
    target: objective.target,
    period: objective.period,
    bounds: status.period,
    availabilityPercent: status.availabilityPercent,
    downSeconds: status.downSeconds,
    met: status.met,
    budgetRemainingSeconds: status.budgetRemainingSeconds,
    ...(status.unknown === true ? { unknown: true } : {}),
  };
}

// ---- per-check figures from history ---------------------------------------------------------

function minuteFigures(
  check: Check,
  minutes: readonly MinuteFigures[],
): Omit<CheckFigures, 'name' | 'system' | 'kind' | 'flaps' | keyof ReturnType<typeof availabilityOf>> {
  const failuresByReason: Partial<Record<FailureReason, number>> = {};
  const latency = createSketch();
  const syncLag = createSketch();
  let probes = 0;
  let lagMax: number | undefined;
  let backlogMax: number | undefined;
  let tlsDaysLeft: number | undefined;
  for (const minute of minutes) {
    probes += minute.probes;
    for (const [reason, count] of Object.entries(minute.failuresByReason) as [FailureReason, number][]) {
      failuresByReason[reason] = (failuresByReason[reason] ?? 0) + count;
    }
    mergeSketch(latency, minute.latency);
    if (minute.syncLag !== undefined) mergeSketch(syncLag, minute.syncLag);
    lagMax = maxOf(lagMax, minute.syncLagMax);
    backlogMax = maxOf(backlogMax, minute.backlogMax);
    if (minute.tlsDaysLeftMin !== undefined) tlsDaysLeft = tlsDaysLeft === undefined ? minute.tlsDaysLeftMin : Math.min(tlsDaysLeft, minute.tlsDaysLeftMin);
  }
  const sync: SyncFigures | undefined =
    check.kind === 'sync' ? { unit: check.unit === 'count' ? 'items' : 'seconds', lagMax, lagP95: sketchQuantile(syncLag, 0.95), backlogMax } : undefined;
  return { probes, failures: sum(Object.values(failuresByReason)), failuresByReason, latency: latencyFigures(latency), sync, tlsDaysLeft };
}

function latencyFigures(sketch: LatencySketch): LatencyFigures {
  if (sketch.count === 0) return {};
  return { p50: sketchQuantile(sketch, 0.5), p95: sketchQuantile(sketch, 0.95), max: sketch.max };
}

// ---- incidents, maintenance, verdict ------------------------------------------------------

function describeIncidents(incidents: readonly Incident[], window: ReportWindow, now: Date, sent: ReadonlyMap<string, number> | undefined): ReportIncident[] {
  const range = intervalOf(window);
  return incidents
    .map((incident) => ({ incident, interval: incidentInterval(incident, range.end) }))
    .filter(({ interval }) => interval.start < range.end && interval.end > range.start)
    .sort((a, b) => a.interval.start - b.interval.start || a.incident.id.localeCompare(b.incident.id))
    .map(({ incident, interval }): ReportIncident => {
      const ended = incident.recoveredAt ?? incident.resolvedAt;
      return {
        id: incident.id,
        check: incident.check,
        system: incident.system,
        severity: incident.severity,
        startedAt: new Date(interval.start),
        endedAt: ended !== undefined && ended <= now ? ended : undefined,
        durationSeconds: totalSeconds(intersect([interval], [range])),
        reason: incident.firstReason,
        cause: diagnose(incident.firstReason, incident.last.phases, incident.last.httpStatus),
        ownFault: isOwnFaultIncident(incident),
        heldChecks: incidents
          .filter((other) => other.hold?.by === 'parent' && other.hold.incidentId === incident.id)
          .map((other) => other.check)
          .sort(),
        // Without the store's count, an incident that was announced had at least its firing notification.
        notificationsSent: sent === undefined ? (incident.announced ? 1 : 0) : (sent.get(incident.id) ?? 0),
      };
    });
}

function maintenanceSpans(occurrences: readonly MaintenanceOccurrence[], checks: readonly Check[], window: ReportWindow): MaintenanceSpan[] {
  const range = intervalOf(window);
  return occurrences
    .map(({ window: maintenance, interval }) => ({
      name: maintenance.name,
      from: new Date(Math.max(interval.start, range.start)),
      to: new Date(Math.min(interval.end, range.end)),
      checks: checks.filter((check) => coversCheck(maintenance, check.name)).map((check) => check.name),
    }))
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** outage: a system is still down at the window's end; degraded: something was down in it. */
function verdictOf(checks: readonly CheckFigures[], described: readonly ReportIncident[], incidents: readonly Incident[], window: ReportWindow): Verdict {
  const counted = new Set(incidents.filter((incident) => !isUnobservedIncident(incident)).map((incident) => incident.id));
  const stillDown = described.some((incident) => counted.has(incident.id) && (incident.endedAt === undefined || incident.endedAt >= window.to));
  if (stillDown) return 'outage';
  return checks.some((check) => check.downSeconds > 0) ? 'degraded' : 'normal';
}

// ---- per-hour strips ---------------------------------------------------------------------

/** One cell per local hour: down if anything was down in it, else up if anything was watched, else excluded or not observed. */
function hourStrip(system: string, timeline: Timeline, timeZone: string): HourStrip {
  const hours: { start: Date; state: HourState }[] = [];
  for (let start = localHourStart(timeline.window.start, timeZone); start < timeline.window.end; start += HOUR_MS) {
    const range = { start: Math.max(start, timeline.window.start), end: Math.min(start + HOUR_MS, timeline.window.end) };
    const hour = clipTimeline(timeline, range);
    const state: HourState =
      hour.down.length > 0
        ? 'down'
        : hour.observed.length > 0
          ? 'up'
          : totalSeconds(hour.excluded) >= totalSeconds(hour.notObserved)
            ? 'excluded'
            : 'not_observed';
    hours.push({ start: new Date(start), state });
  }
  return { system, hours };
}

function localHourStart(ms: number, timeZone: string): number {
  const offsetMs = utcOffsetSeconds(new Date(ms), timeZone) * 1000;
  return Math.floor((ms + offsetMs) / HOUR_MS) * HOUR_MS - offsetMs;
}

// ---- windows -------------------------------------------------------------------------------

export type WindowKind = 'sincePrevious' | 'day' | 'week' | 'month';

/** A local calendar day, "2026-12-02", from its midnight to the next. */
export function dayWindow(date: string, timeZone: string = VIETNAM_TIME_ZONE): ReportWindow {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [NaN, NaN, NaN];
  const probe = new Date(Date.UTC(year, month - 1, day));
  if (!match || probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) {
    throw new RangeError(`"${date}" is not a calendar date (YYYY-MM-DD)`);
  }
  return { from: localMidnight(year, month, day, timeZone), to: localMidnight(year, month, day + 1, timeZone) };
}

/** From the previous scheduled time to this one. */
export function sincePreviousWindow(previousSlot: Date, slot: Date): ReportWindow {
  return { from: previousSlot, to: slot };
}

/** The scheduled time before `slot` of a node-cron schedule in timeZone, looking back at most a year (undefined if none). */
export function previousScheduledSlot(schedule: string, timeZone: string, slot: Date): Date | undefined {
  return findPreviousCronMatch(schedule, timeZone, new Date(slot.getTime() - 1000), new Date(slot.getTime() - 366 * 86_400_000));
}

/** The last whole local day before the day of `slot`. */
export function previousDayWindow(slot: Date, timeZone: string = VIETNAM_TIME_ZONE): ReportWindow {
  const { year, month, day } = localDate(slot, timeZone);
  return { from: localMidnight(year, month, day - 1, timeZone), to: localMidnight(year, month, day, timeZone) };
}

/** The last whole week, Monday to Monday, before the week of `slot`. */
export function previousWeekWindow(slot: Date, timeZone: string = VIETNAM_TIME_ZONE): ReportWindow {
  const { year, month, day } = localDate(slot, timeZone);
  const sinceMonday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
  return { from: localMidnight(year, month, day - sinceMonday - 7, timeZone), to: localMidnight(year, month, day - sinceMonday, timeZone) };
}

/** The last whole calendar month before the month of `slot`. */
export function previousMonthWindow(slot: Date, timeZone: string = VIETNAM_TIME_ZONE): ReportWindow {
  const { year, month } = localDate(slot, timeZone);
  return { from: localMidnight(year, month - 1, 1, timeZone), to: localMidnight(year, month, 1, timeZone) };
}

/** The window a scheduled report covers at `slot`; previousSlot is needed for sincePrevious only. */
export function scheduledWindow(kind: WindowKind, slot: Date, previousSlot: Date | undefined, timeZone: string = VIETNAM_TIME_ZONE): ReportWindow {
  switch (kind) {
    case 'sincePrevious':
      return sincePreviousWindow(previousSlot ?? previousDayWindow(slot, timeZone).from, slot);
    case 'day':
      return previousDayWindow(slot, timeZone);
    case 'week':
      return previousWeekWindow(slot, timeZone);
    case 'month':
      return previousMonthWindow(slot, timeZone);
  }
}

function localDate(instant: Date, timeZone: string): { year: number; month: number; day: number } {
  const wall = toWallClock(instant, timeZone);
  return { year: Number(wall.year), month: Number(wall.month), day: Number(wall.day) };
}

/** Midnight of a local date; month and day may overflow (day 0, month 13), as Date.UTC allows. */
function localMidnight(year: number, month: number, day: number, timeZone: string): Date {
  return new Date(epochSecondsOfWallClock(Date.UTC(year, month - 1, day) / 1000, timeZone) * 1000);
}

// ---- small helpers ---------------------------------------------------------------------

function groupBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group === undefined) groups.set(name, [item]);
    else group.push(item);
  }
  return groups;
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function maxOf(current: number | undefined, value: number | undefined): number | undefined {
  if (value === undefined) return current;
  return current === undefined ? value : Math.max(current, value);
}
