// storage.backup's timing and rotation, on fake timers (the monotonic waits) and an injected wall
// clock (the names and the first wait after a start): a restart waits only what remains of
// `every` since the newest copy, a step of the wall clock moves no wait, and `keep` copies stay.
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoreBackupConfig } from '../../src/config/config.ts';
import { startStoreBackups, type StoreBackups } from '../../src/store/store-backups.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

let temp: TempDatabaseDir;
let store: Store;
let backups: StoreBackups | undefined;
const HOUR = 3_600_000;

beforeEach(() => {
  temp = createTempDatabaseDir();
  store = openStore(temp.path(), { log: createCapturedLog().log });
  // Only the waits are fake; SQLite's online backup steps on setImmediate, which stays real.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await backups?.stop();
  backups = undefined;
  store.close();
  temp.remove();
});

function start(settings: StoreBackupConfig, now: () => Date, done: Date[]) {
  backups = startStoreBackups({
    store,
    storeFile: temp.path(),
    settings: () => settings,
    clock: now,
    log: createCapturedLog().log,
    onBackup: (at, ok) => {
      if (ok) done.push(at);
    },
  });
}

/** Waits (in real time, at most withinMs) for a copy a timer has started to finish: its steps run on real setImmediate. */
async function settle(done: Date[], count: number, withinMs = 10_000): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (done.length < count && performance.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
}

describe('storage.backup timing and rotation', () => {
  it('after a restart waits what remains of `every` since the newest copy; a wall-clock step moves no wait', async () => {
    const directory = join(temp.dir, 'backups');
    let wall = new Date('2026-12-03T01:00:00Z').getTime(); // 08:00 local
    const done: Date[] = [];
    // A copy made an hour before this start.
    mkdirSync(directory);
    const previous = join(directory, 'sentinel-20261203-070000.db');
    writeFileSync(previous, '');
    utimesSync(previous, new Date(wall - HOUR), new Date(wall - HOUR));
    start({ directory, everySeconds: 6 * 3600, keep: 2 }, () => new Date(wall), done);

    await vi.advanceTimersByTimeAsync(5 * HOUR - 1000);
    await settle(done, 1, 300);
    expect(done).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2000);
    await settle(done, 1);
    expect(done).toHaveLength(1);
    expect(readdirSync(directory).sort()).toEqual(['sentinel-20261203-070000.db', 'sentinel-20261203-080000.db']);

    // The wall clock jumps an hour back: the next copy still comes `every` later on the timers.
    wall -= HOUR;
    await vi.advanceTimersByTimeAsync(6 * HOUR - 1000);
    await settle(done, 2, 300);
    expect(done).toHaveLength(1);
    wall += 6 * HOUR;
    await vi.advanceTimersByTimeAsync(2000);
    await settle(done, 2);
    expect(done).toHaveLength(2);
    // keep: 2 — the oldest went; names are local time (UTC+7).
    expect(readdirSync(directory).sort()).toEqual(['sentinel-20261203-080000.db', 'sentinel-20261203-130000.db']);
  });

  it('with no copy yet makes the first one at once', async () => {
    const directory = join(temp.dir, 'fresh-backups');
    const done: Date[] = [];
    start({ directory, everySeconds: 86400, keep: 7 }, () => new Date('2026-12-03T16:59:59Z'), done);
    await vi.advanceTimersByTimeAsync(0);
    await settle(done, 1);
    expect(done).toHaveLength(1);
    expect(readdirSync(directory)).toEqual(['sentinel-20261203-235959.db']);
  });
});
