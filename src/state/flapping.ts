// Flapping: a check whose alerting status changes more than `changes` times within `window`.
// Pure arithmetic over the times of those changes; the incident rules (incidents.ts) say what a
// change is, record it here, and ask whether an episode starts or has ended.
//
// - A change is a step of the thresholded status across the incident rules' line: into or out of
//   alerting (critical, or warning for alertOn warning). Probe results that thresholds absorb and
//   severity steps that stay on one side of the line are not changes.
// - An episode starts at the change that makes the count within the last `window` exceed
//   `changes`, and ends once the check has not changed for a whole `window`.
// - `recoveryHold`: an announced outage whose check recovers waits this long before it resolves,
//   so that a failure soon after continues it (no mail) instead of a resolved mail and a new
//   firing; its changes still count, so a check that keeps bouncing turns into one episode.
// - Only change times within the window are remembered, so the state stays a few instants per
//   unstable check, and nothing for a steady one.
import type { FlappingRule } from '../config/alerting-config.ts';
import type { FlappingEpisode, Incident } from './incident.ts';

/** Change times per check name, oldest first, none older than the rule's window. */
export type FlapChanges = Readonly<Record<string, readonly Date[]>>;

/** The check's change times with this one added, those that fell out of the window dropped. */
export function withFlapChange(changes: FlapChanges, check: string, at: Date, rule: FlappingRule): FlapChanges {
  const from = at.getTime() - rule.windowSeconds * 1000;
  return { ...changes, [check]: [...(changes[check] ?? []).filter((time) => time.getTime() > from), at] };
}

/** Whether the changes now remembered for the check exceed the rule. */
export function exceedsFlapping(changes: FlapChanges, check: string, rule: FlappingRule): boolean {
  return (changes[check]?.length ?? 0) > rule.changes;
}

/** Whether a flapping check has not changed for a whole window: its episode ends now. */
export function hasSettled(changes: FlapChanges, incident: Incident & { readonly flapping: FlappingEpisode }, now: Date, rule: FlappingRule): boolean {
  const last = changes[incident.check]?.at(-1) ?? incident.flapping.since;
  return now.getTime() - Math.max(last.getTime(), incident.flapping.since.getTime()) >= rule.windowSeconds * 1000;
}

/** Forgets checks whose last change left the window, so a steady check costs nothing. */
export function pruneFlapChanges(changes: FlapChanges, now: Date, ruleOf: (check: string) => FlappingRule): FlapChanges {
  const kept = Object.entries(changes).filter(([check, times]) => (times.at(-1)?.getTime() ?? 0) > now.getTime() - ruleOf(check).windowSeconds * 1000);
  return kept.length === Object.keys(changes).length ? changes : Object.fromEntries(kept);
}

export function isFlapping(incident: Incident | undefined): incident is Incident & { readonly flapping: FlappingEpisode } {
  return incident?.flapping !== undefined && incident.flapping.endedAt === undefined;
}
