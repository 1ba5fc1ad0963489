// Failed logins per client address over the last minute, on the monotonic clock: past the
// allowance, further attempts from that address are refused (429) without checking the password,
// so guessing costs a minute per five tries.
import type { MonotonicClock } from '../clock.ts';

export interface LoginLimiter {
  /** Whether this address has used up its failures for now. */
  isLimited(address: string): boolean;
  recordFailure(address: string): void;
}

const WINDOW_MS = 60_000;
const FAILURES_ALLOWED = 5;
// Enough for every client of a province; a spray from many addresses cannot grow it further.
const MAX_ADDRESSES = 10_000;

export function createLoginLimiter(monotonic: MonotonicClock): LoginLimiter {
  const failures = new Map<string, number[]>();
  const recent = (address: string, now: number): number[] => {
    const times = (failures.get(address) ?? []).filter((at) => now - at < WINDOW_MS);
    if (times.length === 0) failures.delete(address);
    else failures.set(address, times);
    return times;
  };
  return {
    isLimited(address) {
      return recent(address, monotonic()).length >= FAILURES_ALLOWED;
    },
    recordFailure(address) {
      const now = monotonic();
      const times = recent(address, now);
      failures.delete(address);
      while (failures.size >= MAX_ADDRESSES) failures.delete(failures.keys().next().value!);
      failures.set(address, [...times, now]);
    },
  };
}
