// Availability objectives against the figures of their period so far: the availability, whether it
// meets the target, and the error budget left. Pure: the figures are given.
//
// Error budget (README, "Objectives"): the down time the target allows over the whole period, less
// the down time so far. The period's countable length is its full length less the time already
// excluded (maintenance) or not observed (the monitor's own fault) so far; time still to come
// counts as observed. So
//   allowed   = (1 − target / 100) × (period seconds − excluded so far − not observed so far)
//   remaining = allowed − down so far            (negative once the objective is broken)
// and the objective is met so far while the availability so far is at least the target (or
// nothing was observed yet).
import type { ObjectiveConfig, ObjectivePeriod } from '../config/objective-config.ts';
import { epochSecondsOfWallClock, toWallClock, VIETNAM_TIME_ZONE } from '../time-zone.ts';
import type { AvailabilityFigures, ReportWindow } from './report-model.ts';

/** Figures per check and per system by name; a Report is one. */
export interface FiguresByName {
  readonly checks: readonly (AvailabilityFigures & { readonly name: string })[];
  readonly systems: readonly (AvailabilityFigures & { readonly name: string })[];
}

export interface ObjectiveStatus extends AvailabilityFigures {
  readonly objective: ObjectiveConfig;
  /** The whole current period, local midnight to local midnight. */
  readonly period: ReportWindow;
  /** What the figures cover: the period's start to now. */
  readonly window: ReportWindow;
  readonly met: boolean;
  /** Down time the target allows over the whole period, seconds. */
  readonly allowedDownSeconds: number;
  /** allowed − down so far; negative when the objective is broken. */
  readonly budgetRemainingSeconds: number;
  /** No figures for its check or system (nothing configured under that name any more). */
  readonly unknown?: boolean;
}

/** The local calendar period (month, Monday-to-Monday week, day) holding `now`. */
export function periodAt(period: ObjectivePeriod, now: Date, timeZone: string = VIETNAM_TIME_ZONE): ReportWindow {
  const wall = toWallClock(now, timeZone);
  const [year, month, day] = [Number(wall.year), Number(wall.month), Number(wall.day)];
  const midnight = (y: number, m: number, d: number): Date => new Date(epochSecondsOfWallClock(Date.UTC(y, m - 1, d) / 1000, timeZone) * 1000);
  switch (period) {
    case 'day':
      return { from: midnight(year, month, day), to: midnight(year, month, day + 1) };
    case 'week': {
      const sinceMonday = (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
      return { from: midnight(year, month, day - sinceMonday), to: midnight(year, month, day - sinceMonday + 7) };
    }
    case 'month':
      return { from: midnight(year, month, 1), to: midnight(year, month + 1, 1) };
  }
}

/** One objective from the figures of its check or system over [period start, now). */
export function evaluateObjective(objective: ObjectiveConfig, period: ReportWindow, now: Date, figures: AvailabilityFigures | undefined): ObjectiveStatus {
  const so = figures ?? { downSeconds: 0, observedSeconds: 0, excludedSeconds: 0, notObservedSeconds: 0 };
  const periodSeconds = (period.to.getTime() - period.from.getTime()) / 1000;
  const countable = Math.max(0, periodSeconds - so.excludedSeconds - so.notObservedSeconds);
  const allowedDownSeconds = ((100 - objective.target) / 100) * countable;
  const met = so.availabilityPercent === undefined || so.availabilityPercent >= objective.target;
  return {
    objective,
    period,
    window: { from: period.from, to: now < period.to ? now : period.to },
    availabilityPercent: so.availabilityPercent,
    downSeconds: so.downSeconds,
    observedSeconds: so.observedSeconds,
    excludedSeconds: so.excludedSeconds,
    notObservedSeconds: so.notObservedSeconds,
    met,
    allowedDownSeconds,
    budgetRemainingSeconds: allowedDownSeconds - so.downSeconds,
    ...(figures === undefined ? { unknown: true } : {}),
  };
}

/**
 * Every objective, each from the figures of its period so far. `figuresFor` is asked once per
 * distinct period (a report's checks and systems over the window), or answers undefined while it
 * cannot yet; such objectives are left out.
 */
export function evaluateObjectives(
  objectives: readonly ObjectiveConfig[],
  now: Date,
  figuresFor: (window: ReportWindow) => FiguresByName | undefined,
  timeZone: string = VIETNAM_TIME_ZONE,
): ObjectiveStatus[] {
  const byPeriod = new Map<ObjectivePeriod, { period: ReportWindow; figures: FiguresByName | undefined }>();
  const statuses: ObjectiveStatus[] = [];
  for (const objective of objectives) {
    let entry = byPeriod.get(objective.period);
    if (entry === undefined) {
      const period = periodAt(objective.period, now, timeZone);
      entry = { period, figures: figuresFor({ from: period.from, to: now }) };
      byPeriod.set(objective.period, entry);
    }
    if (entry.figures === undefined) continue;
    const rows = objective.scope === 'check' ? entry.figures.checks : entry.figures.systems;
    statuses.push(
      evaluateObjective(
        objective,
        entry.period,
        now,
        rows.find((row) => row.name === objective.name),
      ),
    );
  }
  return statuses;
}
