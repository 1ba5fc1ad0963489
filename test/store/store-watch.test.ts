// The watch over the store file, on an injected monotonic clock: a loss is said once at error
// level, repaired at once, /healthz stays unhealthy 10 minutes after the repair (and all the while
// a repair fails, retried at each look), the page keeps the notice for a day.
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStoreWatch, type StoreWatch } from '../../src/store/store-watch.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createCapturedLog, createTempDatabaseDir, type CapturedLog, type TempDatabaseDir } from '../support/temp-database.ts';

let temp: TempDatabaseDir;
let store: Store;
let watch: StoreWatch | undefined;
let monotonicMs = 0;
let log: CapturedLog;
const found: string[] = [];
const states: boolean[] = [];

beforeEach(() => {
  temp = createTempDatabaseDir();
  store = openStore(temp.path(), { log: createCapturedLog().log });
  log = createCapturedLog();
  monotonicMs = 0;
  found.length = 0;
  states.length = 0;
});
afterEach(() => {
  watch?.stop();
  store.close();
  temp.remove();
});

function watchOver(target: Store): StoreWatch {
  watch = startStoreWatch({
    store: target,
    path: temp.path(),
    clock: () => new Date('2026-12-03T01:00:00Z'),
    monotonic: () => monotonicMs,
    log: log.log,
    // Looks only when the test says so.
    intervalMs: 3_600_000,
    onFound: (cause) => found.push(cause),
    onState: (ok) => states.push(ok),
  });
  return watch;
}

const messages = () => log.lines().map((line) => [line.level, line.msg]);

describe('store watch', () => {
  it('says a deletion once, repairs it, and holds /healthz unhealthy for 10 minutes after', () => {
    const current = watchOver(store);
    current.check();
    expect(current.healthReason()).toBeUndefined();
    rmSync(temp.path());
    current.check();
    current.check();
    expect(found).toEqual(['deleted']);
    expect(states).toEqual([false, true]);
    expect(messages()).toEqual([
      [50, 'store file deleted while running'],
      [50, 'store written into a fresh file at its path; open incidents, check states and undelivered notifications carry on'],
    ]);
    expect(current.healthReason()).toMatch(/^store file .*sentinel\.db was deleted at 2026-12-03T01:00:00\.000Z; its state was written into a fresh file$/);
    monotonicMs = 10 * 60_000 - 1;
    expect(current.healthReason()).toBeDefined();
    monotonicMs = 10 * 60_000 + 1;
    expect(current.healthReason()).toBeUndefined();
    expect(current.notice()).toMatchObject({ cause: 'deleted', rewritten: true });
    monotonicMs = 24 * 3_600_000 + 1;
    expect(current.notice()).toBeUndefined();
  });

  it('keeps /healthz unhealthy while a repair fails, tries again at each look, and a later loss counts again', () => {
    let state: 'ok' | 'deleted' | 'replaced' = 'deleted';
    let failures = 2;
    const flaky = {
      fileState: () => state,
      rewriteFile: () => {
        if (failures-- > 0) throw new Error('ENOSPC: no space left on device');
        state = 'ok';
        return {};
      },
    } as unknown as Store;
    const current = watchOver(flaky);
    current.check();
    expect(current.healthReason()).toContain('writing a fresh one failed: ENOSPC');
    monotonicMs = 60 * 60_000;
    current.check();
    expect(current.healthReason()).toContain('writing a fresh one failed');
    expect(current.notice()).toMatchObject({ rewritten: false });
    current.check();
    // Repaired an hour after it was found: the 10 minutes are counted from the repair.
    expect(current.healthReason()).toContain('its state was written into a fresh file');
    monotonicMs += 10 * 60_000 + 1;
    expect(current.healthReason()).toBeUndefined();
    expect(found).toEqual(['deleted']);
    expect(states).toEqual([false, true]);
    state = 'replaced';
    current.check();
    expect(found).toEqual(['deleted', 'replaced']);
  });
});
