// The resolved `objectives:` block: the target as a number of percent, the period defaulted.
import type { ObjectivesInput } from './objective-schema.ts';

export type ObjectivePeriod = 'month' | 'week' | 'day';

export interface ObjectiveConfig {
  /** Whether `name` is a system or a check; also the metric's `scope` label. */
  readonly scope: 'system' | 'check';
  readonly name: string;
  /** Percent, 0 < target ≤ 100. */
  readonly target: number;
  readonly period: ObjectivePeriod;
}

/** "99.5%", " 99.5 % " or 99.5 → 99.5; undefined when it is not a percentage. The range is checked apart. */
export function parseTarget(target: string | number): number | undefined {
  if (typeof target === 'number') return Number.isFinite(target) ? target : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(target);
  return match ? Number(match[1]) : undefined;
}

export function resolveObjectives(input: ObjectivesInput | undefined): ObjectiveConfig[] {
  return (input ?? []).map((objective) => ({
    scope: objective.check !== undefined ? 'check' : 'system',
    name: objective.check ?? objective.system ?? '',
    target: parseTarget(objective.target) ?? 100,
    period: objective.period ?? 'month',
  }));
}
