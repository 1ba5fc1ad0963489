// The one source of "now". Every time-dependent function takes a Clock so tests can pin time.
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** Monotonic milliseconds, for measuring durations (never for wall-clock instants). */
export function monotonicMs(): number {
  return performance.now();
}

/** Seconds from a monotonicMs() mark to now. */
export function secondsSince(markMs: number): number {
  return (monotonicMs() - markMs) / 1000;
}
