// The incident book while the store refuses writes, as a story on injected clocks: the outage is
// decided in memory (state, incident, notifications in the unsaved outbox), the store is tried again
// at most every 5 s on the monotonic clock, and once it accepts, everything decided meanwhile is
// written in one transaction: the latest state, the incident as it ended, and the rows in the order
// they were decided.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createUnsavedOutbox } from '../../src/alerting/unsaved-outbox.ts';
import { createIncidentBook } from '../../src/checks/incident-book.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { ProbeResult, Status } from '../../src/probes/probe.ts';
import { nextCheckState, initialCheckState } from '../../src/state/check-state.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

const dirs: TempDatabaseDir[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

function setup() {
  const dir = createTempDatabaseDir();
  dirs.push(dir);
  const { log } = createCapturedLog();
  const store = openStore(dir.path(), { log });
  stores.push(store);
  let refusing = false;
  let commits = 0;
  const transaction = store.transaction.bind(store);
  // The real transaction runs, then SQLite's full-disk error rolls it back.
  store.transaction = <T>(fn: () => T): T => {
    const result = transaction(() => {
      const value = fn();
      if (refusing) throw new Database.SqliteError('database or disk is full', 'SQLITE_FULL');
      return value;
    });
    commits += 1;
    return result;
  };
  const [check] = resolveConfig(
    'book.yaml',
    ConfigInput.parse({
      checks: [{ name: 'dvcqg-home', system: 'national-portal', kind: 'http', url: 'https://dichvucong.gov.vn/', failureThreshold: 1, successThreshold: 1 }],
    }),
    () => '',
  ).checks as [Check];
  let monotonicMs = 0;
  const refused: unknown[] = [];
  const unsaved = createUnsavedOutbox(() => new Date(monotonicMs));
  const book = createIncidentBook({
    store,
    alerting: makeAlerting({ groupWaitSeconds: 0 }),
    checks: [check],
    log,
    unsaved,
    monotonic: () => monotonicMs,
    onWriteRefused: (error) => refused.push(error),
  });
  /** One probe result at `at` (wall and monotonic alike), as run-check feeds it. */
  const probe = (status: Status, at: number) => {
    monotonicMs = at;
    const result: ProbeResult = {
      status,
      reason: status === 'ok' ? undefined : 'http_status',
      message: `HTTP ${status === 'ok' ? 200 : 503}`,
      durationSeconds: 0.1,
      phases: {},
      httpStatus: status === 'ok' ? 200 : 503,
    };
    const next = nextCheckState(book.states.get(check.name) ?? initialCheckState(new Date(0)), result, check, new Date(at));
    book.record(check, next.state, book.decide(check, next.state, result, next.change, new Date(at)), new Date(at));
  };
  return {
    store,
    book,
    unsaved,
    refused,
    probe,
    refuse: (on: boolean) => (refusing = on),
    commits: () => commits,
    advance: (ms: number) => (monotonicMs += ms),
    now: () => new Date(monotonicMs),
  };
}

describe('the incident book while the store refuses writes', () => {
  it('decides in memory, retries every 5 s, and writes everything decided meanwhile in one transaction', () => {
    const { store, book, unsaved, refused, probe, refuse, commits, advance, now } = setup();
    probe('ok', 1000);
    refuse(true);

    probe('critical', 2000);
    expect(book.states.get('dvcqg-home')?.status).toBe('critical');
    expect(book.openIncidents().map((incident) => incident.check)).toEqual(['dvcqg-home']);
    expect(book.storeRefusal()).toMatchObject({ since: new Date(2000), error: 'SQLITE_FULL: database or disk is full' });
    expect(unsaved.pending('email').map((row) => row.notification.type)).toEqual(['firing']);
    expect(store.incidents.loadOpen()).toEqual([]);
    expect(refused).toHaveLength(1);

    // Within 5 s of the last try the store is not asked again.
    probe('critical', 3000);
    probe('ok', 4000);
    expect(refused).toHaveLength(1);
    expect(book.openIncidents()).toEqual([]);
    expect(store.incidents.listBetween(new Date(0), new Date(20_000))).toEqual([]);
    expect(unsaved.pending('email').map((row) => row.notification.type)).toEqual(['firing', 'resolved']);

    // Past 5 s it is, and refuses again.
    probe('ok', 7500);
    expect(refused).toHaveLength(2);
    expect(book.storeRefusal()?.unsaved).toBeGreaterThanOrEqual(3);

    // It accepts: the next try (a tick, nothing new to write) writes it all at once.
    refuse(false);
    advance(5000);
    const before = commits();
    book.tick(now());
    expect(commits() - before).toBe(1);
    expect(book.storeRefusal()).toBeUndefined();
    expect(unsaved.size()).toBe(0);
    expect(store.checkStates.loadAll().get('dvcqg-home')?.status).toBe('ok');
    expect(store.incidents.loadOpen()).toEqual([]);
    const [written] = store.incidents.listBetween(new Date(0), new Date(20_000));
    expect(written).toMatchObject({ check: 'dvcqg-home', openedAt: new Date(2000), resolvedAt: new Date(4000) });
    expect(store.outbox.pending('email').map((row) => [row.notification.type, row.notification.incident?.check])).toEqual([
      ['firing', 'dvcqg-home'],
      ['resolved', 'dvcqg-home'],
    ]);
    expect(store.outbox.pending('email')[1]!.notification.incident?.resolvedAt).toEqual(new Date(4000));
  });
});
