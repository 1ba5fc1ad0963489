// The daemon's heartbeat for time-driven rules, once a second:
// - the incident book's time rules: settled firings, reminders, windows starting and ending, vantage;
// - dvc_maintenance_active per check, looked at only when a window reaches a boundary (it starts or
//   ends at this tick) and only for the checks that window covers. Each window's next boundary is
//   computed once, when the previous one passes, instead of asking every check every second.
// Windows are schedules, so boundaries are wall time; a wall clock stepped backwards makes every
// window be looked at anew; an occurrence seen ending is not counted active again when the clock
// steps back into it (the rules do not run it twice either: maintenance.ts). The incident rules are given rule time (`rules`, the daemon's steady
// clock), so their waits do not move with a step. How long a tick took is read on the monotonic clock.
import type { Logger } from 'pino';
import type { Clock, MonotonicClock } from '../clock.ts';
import type { MaintenanceWindow } from '../config/alerting-config.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { coversCheck, nextWindowBoundary, windowOccurrenceAt, type WindowOccurrence } from '../state/maintenance.ts';
import type { IncidentBook } from './incident-book.ts';

export interface AlertingTickerOptions {
  readonly book: Pick<IncidentBook, 'tick'>;
  readonly metrics: Pick<Metrics, 'setMaintenance'>;
  readonly windows: readonly MaintenanceWindow[];
  /** Names of the configured checks. */
  readonly checks: readonly string[];
  readonly clock: Clock;
  readonly monotonic: MonotonicClock;
  readonly log: Logger;
  /** Default 1 s. */
  readonly everyMs?: number;
  /** Rule time for the incident book (a clock that never steps within a run); absent = `clock`. */
  readonly rules?: Clock;
}

export interface TickReport {
  /** Checks whose maintenance status was looked at in this tick (none on most ticks). */
  readonly maintenanceChecked: readonly string[];
}

export interface AlertingTicker {
  /** One tick at the clock's now; start() calls it every second. Never throws. */
  tick(): TickReport;
  /** Reload: new windows or checks; every window is looked at on the next tick. */
  configure(windows: readonly MaintenanceWindow[], checks: readonly string[]): void;
  start(): void;
  stop(): void;
}

/** A tick longer than this holds up probes and scrapes noticeably. */
const SLOW_TICK_MS = 250;
/** A change of the wall clock against rule time between two ticks this large is a step (NTP slews far less). */
const STEP_WARN_MS = 2000;
/** At most one slow-tick warning this often, so a slow machine does not flood the log. */
const SLOW_TICK_WARN_EVERY_MS = 300_000;

interface WindowWatch {
  readonly window: MaintenanceWindow;
  active: boolean;
  occurrence: WindowOccurrence | undefined;
  /** Epoch ms of the next start or end; undefined when it can change no more (an absolute window that is over). */
  boundaryMs: number | undefined;
}

export function createAlertingTicker(options: AlertingTickerOptions): AlertingTicker {
  const { book, metrics, clock, monotonic, log } = options;
  let windows = options.windows;
  let checks = options.checks;
  let watches: WindowWatch[] = [];
  const activeByCheck = new Map<string, boolean>();
  /** The last occurrence of each window seen ending, by name. */
  const endedOccurrences = new Map<string, WindowOccurrence>();
  let lookAtAll = true;
  let lastTickMs = Number.NEGATIVE_INFINITY;
  let lastSlowWarningMs = Number.NEGATIVE_INFINITY;
  let lastOffsetMs: number | undefined;
  let timer: NodeJS.Timeout | undefined;

  const watch = (window: MaintenanceWindow, now: Date): WindowWatch => {
    const found = windowOccurrenceAt(window, now);
    const last = endedOccurrences.get(window.name);
    const over =
      found !== undefined &&
      last !== undefined &&
      (window.kind === 'absolute' ? found.start.getTime() === last.start.getTime() : found.start.getTime() < last.end.getTime());
    const occurrence = over ? undefined : found;
    return { window, active: occurrence !== undefined, occurrence, boundaryMs: nextWindowBoundary(window, now)?.getTime() };
  };
  const isCovered = (check: string): boolean => watches.some(({ window, active }) => active && coversCheck(window, check));

  /** The checks whose status was looked at; empty when no window reached a boundary. */
  const updateMaintenance = (now: Date): readonly string[] => {
    const nowMs = now.getTime();
    if (lookAtAll || nowMs < lastTickMs) {
      lookAtAll = false;
      watches = windows.map((window) => watch(window, now));
      activeByCheck.clear();
      for (const check of checks) activeByCheck.set(check, isCovered(check));
      metrics.setMaintenance(activeByCheck);
      return checks;
    }
    const flipped: MaintenanceWindow[] = [];
    for (const each of watches) {
      if (each.boundaryMs === undefined || each.boundaryMs > nowMs) continue;
      const next = watch(each.window, now);
      // An overlapping recurrence that starts while the window runs moves its end, not its status.
      if (next.active !== each.active) flipped.push(each.window);
      if (each.active && !next.active && each.occurrence !== undefined) endedOccurrences.set(each.window.name, each.occurrence);
      each.active = next.active;
      each.occurrence = next.occurrence;
      each.boundaryMs = next.boundaryMs;
    }
    if (flipped.length === 0) return [];
    const affected = checks.filter((check) => flipped.some((window) => coversCheck(window, check)));
    for (const check of affected) activeByCheck.set(check, isCovered(check));
    metrics.setMaintenance(activeByCheck);
    return affected;
  };

  const tick = (): TickReport => {
    const startedMs = monotonic();
    const now = clock();
    const ruleNow = options.rules?.() ?? now;
    const offsetMs = now.getTime() - ruleNow.getTime();
    if (lastOffsetMs !== undefined && Math.abs(offsetMs - lastOffsetMs) >= STEP_WARN_MS) {
      log.warn(
        { stepSeconds: Math.round((offsetMs - lastOffsetMs) / 1000), wall: now, ruleTime: ruleNow },
        'wall clock stepped; waits and durations go on unchanged, schedules follow the new time',
      );
    }
    lastOffsetMs = offsetMs;
    try {
      book.tick(ruleNow);
    } catch (error) {
      log.error({ err: error }, 'alerting rules failed; retrying on the next tick');
    }
    let maintenanceChecked: readonly string[] = [];
    try {
      maintenanceChecked = updateMaintenance(now);
    } catch (error) {
      lookAtAll = true;
      log.error({ err: error }, 'maintenance status could not be worked out; retrying on the next tick');
    }
    lastTickMs = now.getTime();
    const tookMs = monotonic() - startedMs;
    if (tookMs > SLOW_TICK_MS && startedMs - lastSlowWarningMs >= SLOW_TICK_WARN_EVERY_MS) {
      lastSlowWarningMs = startedMs;
      log.warn({ tookMs: Math.round(tookMs) }, 'alerting tick was slow; probes and scrapes waited for it');
    }
    return { maintenanceChecked };
  };

  return {
    tick,
    configure(nextWindows, nextChecks) {
      windows = nextWindows;
      checks = nextChecks;
      lookAtAll = true;
    },
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, options.everyMs ?? 1000);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
