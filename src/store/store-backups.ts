// The daemon's own copies of its store (storage.backup): a consistent online copy every `every`,
// named with the local time (Asia/Ho_Chi_Minh) it was made, the newest `keep` kept and older ones
// deleted.
//
// Timing: the waits run on the monotonic clock (timers), so a step of the wall clock neither
// hurries nor holds a copy. Only the first wait after a start looks at the wall clock, once: at
// the age of the newest copy already there, so a daemon restarted every hour still makes its
// daily copy, and one restarted right after a copy does not make another at once. The settings
// are read at every wake, so a reload's `every` and `keep` apply from the next copy.
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import type { Clock } from '../clock.ts';
import type { StoreBackupConfig } from '../config/config.ts';
import type { Logger } from '../log.ts';
import { toWallClock } from '../time-zone.ts';
import type { Store } from './store.ts';

export interface StoreBackupsOptions {
  readonly store: Store;
  /** The store's own path: the copies are named after it. */
  readonly storeFile: string;
  /** storage.backup as running now; undefined = no copies (looked at again a minute later). */
  readonly settings: () => StoreBackupConfig | undefined;
  readonly clock: Clock;
  readonly log: Logger;
  /** After each attempt: when, and whether a copy was written. */
  readonly onBackup?: (at: Date, ok: boolean) => void;
}

export interface StoreBackups {
  /** Waits for a copy under way, then stops. */
  stop(): Promise<void>;
}

/** How often an absent storage.backup is looked for again (a reload may add it). */
const IDLE_RECHECK_MS = 60_000;

export function startStoreBackups(options: StoreBackupsOptions): StoreBackups {
  const prefix = `${basename(options.storeFile, extname(options.storeFile))}-`;
  const pattern = new RegExp(`^${escapeRegExp(prefix)}\\d{8}-\\d{6}\\.db$`);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const copiesIn = (directory: string): string[] => {
    try {
      // The stamp is fixed width, so the names sort as the times they were made.
      return readdirSync(directory)
        .filter((name) => pattern.test(name))
        .sort();
    } catch {
      return [];
    }
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined;
      });
    }, delayMs);
  };

  const runOnce = async () => {
    const settings = options.settings();
    if (settings === undefined) return schedule(IDLE_RECHECK_MS);
    const directory = resolve(settings.directory);
    const at = options.clock();
    const wall = toWallClock(at);
    const target = join(directory, `${prefix}${wall.year}${wall.month}${wall.day}-${wall.hour}${wall.minute}${wall.second}.db`);
    try {
      mkdirSync(directory, { recursive: true });
      await options.store.backup(target);
      const copies = copiesIn(directory);
      const expired = copies.slice(0, Math.max(0, copies.length - settings.keep));
      for (const name of expired) rmSync(join(directory, name), { force: true });
      options.log.info({ path: target, kept: copies.length - expired.length, deleted: expired.length }, 'store backup written');
      options.onBackup?.(at, true);
    } catch (error) {
      // Also when the store file was written afresh during the copy (its connection closed under it).
      options.log.error({ err: error, path: target }, 'store backup failed; trying again at the next one');
      options.onBackup?.(at, false);
    }
    const next = options.settings();
    schedule(next === undefined ? IDLE_RECHECK_MS : next.everySeconds * 1000);
  };

  const first = options.settings();
  if (first === undefined) {
    schedule(IDLE_RECHECK_MS);
  } else {
    const directory = resolve(first.directory);
    const newest = copiesIn(directory).at(-1);
    let ageMs = Number.POSITIVE_INFINITY;
    if (newest !== undefined) {
      try {
        ageMs = options.clock().getTime() - statSync(join(directory, newest)).mtimeMs;
      } catch {
        // gone meanwhile: as if there were none
      }
    }
    const everyMs = first.everySeconds * 1000;
    schedule(Math.min(everyMs, Math.max(0, everyMs - ageMs)));
  }

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
