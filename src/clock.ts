// The one source of time, in two halves, both injected so tests can step them.
// - Wall (`Clock`): what time it is. Stamps on rows and mails, schedules (maintenance windows,
//   reminders, retention cut-offs) and everything shown to a person. It can jump (NTP, an operator).
// - Monotonic (`MonotonicClock`): milliseconds that only move forward, from an arbitrary origin.
//   Every wait and every duration inside one process is measured on it, so a step of the wall
//   clock never stretches a timeout or a latency. Never stored, never shown as a time of day.
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
