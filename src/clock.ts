// The one source of time, in two halves, both injected so tests can step them.
// - Wall (`Clock`): what time it is. Stamps on rows and mails, schedules (maintenance windows,
//   reminders, retention cut-offs) and everything shown to a person. It can jump (NTP, an operator).
// - Monotonic (`MonotonicClock`): milliseconds that only move forward, from an arbitrary origin.
//   Every wait and every duration inside one process is measured on it, so a step of the wall
//   clock never stretches a timeout or a latency. Never stored, never shown as a time of day.
// - Steady (`createSteadyClock`): the wall time at the start of a run plus monotonic elapsed. A
//   Date that never steps within a run, for the rules that store instants and compare them later
//   (group wait, reminders, retries, recovery hold, escalation, "down for"): the daemon stamps
//   incidents, check states and outbox rows with it, so every wait and duration between two of
//   those stamps is a monotonic one. Schedules (maintenance windows, reports, roster shifts,
//   silences) and what is shown as "now" (the mail's Date header) keep the wall clock. No monotonic
//   clock spans a restart: an instant stored by an earlier run is compared as it was stamped.
export type Clock = () => Date;

/** Milliseconds since an arbitrary origin; only differences mean anything. */
export type MonotonicClock = () => number;

export const systemClock: Clock = () => new Date();

export const systemMonotonic: MonotonicClock = () => performance.now();

/** The system's monotonic milliseconds, for code that is not handed a MonotonicClock. */
export function monotonicMs(): number {
  return performance.now();
}

/** Seconds from a monotonicMs() mark to now. */
export function secondsSince(markMs: number): number {
  return (monotonicMs() - markMs) / 1000;
}

/** The wall time `wall` shows now, moved on by `monotonic` from here on: a Date that never steps within a run. */
export function createSteadyClock(wall: Clock, monotonic: MonotonicClock): Clock {
  const originWallMs = wall().getTime();
  const originMonotonicMs = monotonic();
  return () => new Date(originWallMs + (monotonic() - originMonotonicMs));
}
