// The maxConcurrency gate: at most `limit` holders at once, waiters admitted strictly in arrival order.
// Knows nothing of jobs or time; the scheduler measures how long a waiter queued.

export interface Semaphore {
  /**
   * Resolves with a release function once a permit is free. Rejects with the signal's reason if the
   * signal aborts first (the waiter leaves the queue). The release function may be called more than once.
   */
  acquire(signal?: AbortSignal): Promise<() => void>;
  /** Permits held right now. */
  readonly inFlight: number;
  /** Callers queued for a permit right now. */
  readonly waiting: number;
}

interface Waiter {
  readonly admit: () => void;
  previous?: Waiter;
  next?: Waiter;
}

export function createSemaphore(limit: number): Semaphore {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`semaphore limit must be a positive integer, got ${limit}`);
  }
  let inFlight = 0;
  let waiting = 0;
  // A doubly linked list, so an aborted waiter leaves from the middle in O(1) and a permit never waits behind it.
  let head: Waiter | undefined;
  let tail: Waiter | undefined;

  function enqueue(waiter: Waiter): void {
    waiter.previous = tail;
    if (tail) tail.next = waiter;
    else head = waiter;
    tail = waiter;
    waiting += 1;
  }

  function unlink(waiter: Waiter): void {
    if (waiter.previous) waiter.previous.next = waiter.next;
    else head = waiter.next;
    if (waiter.next) waiter.next.previous = waiter.previous;
    else tail = waiter.previous;
    waiter.previous = undefined;
    waiter.next = undefined;
    waiting -= 1;
  }

  function createRelease(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = head;
      if (next) {
        // Hand the permit straight to the oldest waiter: inFlight stays the same, so a newcomer cannot overtake it.
        unlink(next);
        next.admit();
      } else {
        inFlight -= 1;
      }
    };
  }

  function acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (inFlight < limit) {
      // Waiters exist only while every permit is held, so a free permit means nobody is ahead of this caller.
      inFlight += 1;
      return Promise.resolve(createRelease());
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        unlink(waiter);
        reject(signal?.reason);
      };
      const waiter: Waiter = {
        admit: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(createRelease());
        },
      };
      enqueue(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  return {
    acquire,
    get inFlight() {
      return inFlight;
    },
    get waiting() {
      return waiting;
    },
  };
}
