// Watches that the store's path still names the file the daemon writes. Deleted (a cleanup script,
// an `rm` in the wrong directory) or replaced (a restore moved into place while running), the daemon
// would go on writing into a file nobody opens again, and a restart would forget every open
// incident: a second "opened" mail, and a first thread that never resolves. So every few seconds
// the path's device and inode are compared with the open file's; on a change the daemon says so
// at error level and writes everything it holds into a fresh file at the path (Store.rewriteFile),
// trying again at each look while that fails.
//
// What it found stays visible after the repair: /healthz answers 503 for HEALTH_HOLD_MS after the
// repair (and all the while it fails), the status page shows it for PAGE_HOLD_MS. Both holds are
// measured on the monotonic clock; the wall clock only stamps when it was found.
import type { Clock, MonotonicClock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Store } from './store.ts';

export interface StoreFileEvent {
  readonly cause: 'deleted' | 'replaced';
  /** When it was found (wall clock, for people). */
  readonly foundAt: Date;
  readonly path: string;
  /** A fresh file with everything in it is at the path again. */
  readonly rewritten: boolean;
  /** Where the file found in the store's place went. */
  readonly movedAside?: string;
  /** Why the last rewrite failed, while it does. */
  readonly problem?: string;
}

export interface StoreWatch {
  /** What /healthz says: a reason while unhealthy, undefined otherwise. */
  healthReason(): string | undefined;
  /** What the status page and /api/status show, undefined when there is nothing to tell. */
  notice(): StoreFileEvent | undefined;
  /** Looks now (also done every intervalMs). */
  check(): void;
  stop(): void;
}

export interface StoreWatchOptions {
  readonly store: Store;
  readonly path: string;
  readonly clock: Clock;
  readonly monotonic: MonotonicClock;
  readonly log: Logger;
  /** Between two looks, so a loss is noticed within 10 s; default 5 s. */
  readonly intervalMs?: number;
  readonly onFound?: (cause: 'deleted' | 'replaced') => void;
  /** ok: the path names the file in use. */
  readonly onState?: (ok: boolean) => void;
}

const DEFAULT_INTERVAL_MS = 5_000;
const HEALTH_HOLD_MS = 10 * 60_000;
const PAGE_HOLD_MS = 24 * 3_600_000;

export function startStoreWatch(options: StoreWatchOptions): StoreWatch {
  const { store, log } = options;
  let event: StoreFileEvent | undefined;
  let repairedAtMs = 0;

  const rewrite = (current: StoreFileEvent) => {
    try {
      const { movedAside } = store.rewriteFile();
      repairedAtMs = options.monotonic();
      event = { cause: current.cause, foundAt: current.foundAt, path: current.path, rewritten: true, ...(movedAside === undefined ? {} : { movedAside }) };
      log.error(
        { path: options.path, cause: current.cause, ...(movedAside === undefined ? {} : { movedAside }) },
        'store written into a fresh file at its path; open incidents, check states and undelivered notifications carry on',
      );
      options.onState?.(true);
    } catch (error) {
      event = { ...current, rewritten: false, problem: (error as Error).message };
      log.error({ err: error, path: options.path }, 'store file could not be written afresh; still writing into the lost file, trying again');
    }
  };

  const check = () => {
    let state;
    try {
      state = store.fileState();
    } catch (error) {
      log.error({ err: error, path: options.path }, 'store file could not be looked at');
      return;
    }
    if (state !== 'ok') {
      // A new loss (also one after an earlier repair), or the same one still unrepaired.
      if (event === undefined || event.rewritten) {
        event = { cause: state, foundAt: options.clock(), path: options.path, rewritten: false };
        log.error(
          { path: options.path, cause: state },
          state === 'deleted' ? 'store file deleted while running' : 'store file replaced by another file while running',
        );
        options.onFound?.(state);
        options.onState?.(false);
      }
      rewrite(event);
    }
  };

  const timer = setInterval(check, options.intervalMs ?? DEFAULT_INTERVAL_MS);
  timer.unref();

  return {
    healthReason() {
      if (event === undefined) return undefined;
      const lost = event.cause === 'deleted' ? 'was deleted' : 'was replaced by another file';
      if (!event.rewritten) return `store file ${event.path} ${lost}; writing a fresh one failed: ${event.problem ?? 'not yet tried'}`;
      if (options.monotonic() - repairedAtMs > HEALTH_HOLD_MS) return undefined;
      return `store file ${event.path} ${lost} at ${event.foundAt.toISOString()}; its state was written into a fresh file`;
    },
    notice() {
      if (event === undefined) return undefined;
      return event.rewritten && options.monotonic() - repairedAtMs > PAGE_HOLD_MS ? undefined : event;
    },
    check,
    stop: () => clearInterval(timer),
  };
}
