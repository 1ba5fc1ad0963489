// How long a failed delivery waits before its next attempt. Pure; the outbox keeps the attempt
// count in the store and asks here for the delay.

export interface BackoffPolicy {
  /** Delay after the first failure, before jitter. */
  readonly firstSeconds: number;
  /** No delay is ever longer than this. */
  readonly capSeconds: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { firstSeconds: 5, capSeconds: 300 };

/** ±20 %: enough that instances sharing one mail server do not retry in step. */
const JITTER = 0.2;

/**
 * Seconds to wait after the `failedAttempts`-th failure in a row (1 = the first): doubles from
 * firstSeconds up to capSeconds, with jitter. Never gives up; the caller retries forever.
 * `random` is Math.random's contract, [0, 1).
 */
export function backoffSeconds(failedAttempts: number, policy: BackoffPolicy = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.min(failedAttempts - 1, 30)); // 2^30 × 5 s is past any cap
  const base = Math.min(policy.capSeconds, policy.firstSeconds * 2 ** exponent);
  const jittered = base * (1 - JITTER + 2 * JITTER * random());
  return Math.min(policy.capSeconds, jittered);
}
