// Cancellation: the one reason a run's signal carries when a run is called off (shutdown, a check
// removed or changed by a reload), recognised by its type wherever the signal reaches; and the one
// way to wait for a promise while honouring a signal. A deadline is not a cancellation: it aborts
// with a TimeoutError and the probe reports `timeout`. A base module every layer may import.

export type RunCancelCause = 'stopped' | 'removed' | 'changed';

/** The reason on a run's signal when the scheduler, not the run's own deadline, ends it. */
export class RunCancelled extends Error {
  override readonly name = 'RunCancelled';
  constructor(
    readonly jobName: string,
    readonly cancelCause: RunCancelCause,
  ) {
    super(`run of ${jobName} cancelled: job ${cancelCause}`);
  }
}

/** Whether a signal was aborted to call the run off, rather than by its deadline. */
export function isCancelled(signal: AbortSignal): boolean {
  return signal.aborted && signal.reason instanceof RunCancelled;
}

/**
 * Settles as `pending` does, unless `signal` aborts first (or already has): then it rejects with
 * `reason()`, and calls `stop` to end the work (e.g. cancel a DNS query) whose own rejection
 * then goes unheard. Leaves no listener on the signal either way.
 */
export async function raceAbort<T>(pending: Promise<T>, signal: AbortSignal, reason: () => unknown, stop?: () => void): Promise<T> {
  let listener = (): void => {};
  const aborted = new Promise<never>((_, reject) => {
    listener = () => {
      // Rejected before stop() runs, so the race settles with the reason even when stop() makes
      // `pending` reject at once.
      reject(reason());
      stop?.();
    };
    if (signal.aborted) listener();
    else signal.addEventListener('abort', listener, { once: true });
  });
  try {
    // Promise.race subscribes to `pending`, so its later rejection is handled.
    return await Promise.race([pending, aborted]);
  } finally {
    signal.removeEventListener('abort', listener);
    aborted.catch(() => {});
  }
}
