// How often each client address may do something, over a sliding window on the monotonic clock:
// failed logins (access.ts: 5 a minute, then 429 without checking the password, so guessing
// costs a minute per five tries) and requests at the server (server.rateLimit, answered 429
// before any work is done for them). One list of recent times per address, oldest first.
import type { MonotonicClock } from '../clock.ts';

export interface RateLimiter {
  /** Whether this address has used up its allowance for now. */
  isLimited(address: string): boolean;
  /** Counts one event for this address, allowed or not. */
  record(address: string): void;
  /** Counts one event when the address is within its allowance; false (and nothing counted) when not. */
  take(address: string): boolean;
}

export interface RateLimit {
  /** Events allowed per window. */
  readonly allowance: number;
  readonly windowMs: number;
}

// Enough for every client of a province; a spray from many addresses cannot grow it further.
const MAX_ADDRESSES = 10_000;

export function createRateLimiter(limit: RateLimit, monotonic: MonotonicClock): RateLimiter {
  const times = new Map<string, number[]>();
  /** The address's times still inside the window, oldest dropped; undefined when none are. */
  const recent = (address: string, now: number): number[] | undefined => {
    const list = times.get(address);
    if (list === undefined) return undefined;
    let expired = 0;
    while (expired < list.length && now - list[expired]! >= limit.windowMs) expired += 1;
    if (expired === list.length) {
      times.delete(address);
      return undefined;
    }
    if (expired > 0) list.splice(0, expired);
    return list;
  };
  const add = (address: string, list: number[] | undefined, now: number): void => {
    if (list !== undefined) {
      list.push(now);
      return;
    }
    while (times.size >= MAX_ADDRESSES) times.delete(times.keys().next().value!);
    times.set(address, [now]);
  };
  return {
    isLimited(address) {
      return (recent(address, monotonic())?.length ?? 0) >= limit.allowance;
    },
    record(address) {
      const now = monotonic();
      add(address, recent(address, now), now);
    },
    take(address) {
      const now = monotonic();
      const list = recent(address, now);
      if ((list?.length ?? 0) >= limit.allowance) return false;
      add(address, list, now);
      return true;
    },
  };
}
