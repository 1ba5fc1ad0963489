// Both halves of the clock (src/clock.ts) under a test's control. advance() moves them together,
// as time passes in a real process; stepWall() moves the wall half alone, as NTP or an operator does.
import type { Clock, MonotonicClock } from '../../src/clock.ts';

export interface TestClocks {
  readonly clock: Clock;
  readonly monotonic: MonotonicClock;
  /** The wall time now. */
  now(): Date;
  /** Lets `ms` pass: both halves move forward. */
  advance(ms: number): void;
  /** Steps the wall clock by `ms` (negative = backwards); the monotonic half does not move. */
  stepWall(ms: number): void;
}

export function createTestClocks(start: Date | string = '2026-05-29T15:00:00.000Z'): TestClocks {
  let wallMs = new Date(start).getTime();
  let monotonicMs = 1_000_000;
  return {
    clock: () => new Date(wallMs),
    monotonic: () => monotonicMs,
    now: () => new Date(wallMs),
    advance(ms) {
      if (ms < 0) throw new Error('time does not run backwards; use stepWall for a wall-clock step');
      wallMs += ms;
      monotonicMs += ms;
    },
    stepWall(ms) {
      wallMs += ms;
    },
  };
}
