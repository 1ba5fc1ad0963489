import { afterEach, describe, expect, it } from 'vitest';
import { createIncidentBook } from '../../src/checks/incident-book.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { ProbeResult, Status } from '../../src/probes/probe.ts';
import { initialCheckState, nextCheckState, type CheckState } from '../../src/state/check-state.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

const dirs: TempDatabaseDir[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

function setup(onIncidentsChanged?: () => void) {
  const dir = createTempDatabaseDir();
  dirs.push(dir);
  const { log } = createCapturedLog();
  const store = openStore(dir.path(), { log });
  stores.push(store);
  const [check] = resolveConfig(
    'book.yaml',
    ConfigInput.parse({
      checks: [{ name: 'dvcqg-home', system: 'national-portal', kind: 'http', url: 'https://dichvucong.gov.vn/', failureThreshold: 1, successThreshold: 1 }],
    }),
    () => '',
  ).checks as [Check];
  const alerting = makeAlerting({ groupWaitSeconds: 0 });
  const book = createIncidentBook({ store, alerting, checks: [check], log, onIncidentsChanged });
  let state: CheckState = initialCheckState(new Date(0));
  /** One probe result through the check-state rules and the book, as run-check does it. */
  const probe = (status: Status, at: number) => {
    const result: ProbeResult = {
      status,
      reason: status === 'ok' ? undefined : 'http_status',
      message: `HTTP ${status === 'ok' ? 200 : 503}`,
      durationSeconds: 0.1,
      phases: {},
      httpStatus: status === 'ok' ? 200 : 503,
    };
    const next = nextCheckState(book.states.get(check.name) ?? state, result, check, new Date(at));
    book.record(check, next.state, book.decide(check, next.state, result, next.change, new Date(at)), new Date(at));
    state = next.state;
  };
  return { store, book, probe, check, dir, log };
}

describe('createIncidentBook', () => {
  it('commits the state, the incident and its mail together, and restores them after a restart', () => {
    const { store, book, probe, dir, log, check } = setup();
    probe('ok', 1000);
    probe('critical', 2000);
    book.tick(new Date(3000));
    expect(book.openIncidents()).toHaveLength(1);
    expect(store.outbox.pending('email').map((row) => row.notification.type)).toEqual(['firing']);
    store.close();
    stores.pop();
    const reopened = openStore(dir.path(), { log });
    stores.push(reopened);
    const again = createIncidentBook({ store: reopened, alerting: makeAlerting({ groupWaitSeconds: 0 }), checks: [check], log });
    expect(again.states.get('dvcqg-home')?.status).toBe('critical');
    expect(again.openIncidents().map((incident) => incident.check)).toEqual(['dvcqg-home']);
  });

  it('decides again after a write that failed: the incident still opens on the next result', () => {
    const { store, book, probe } = setup();
    probe('ok', 1000);
    const transaction = store.transaction.bind(store);
    let fail = true;
    (store as { transaction: Store['transaction'] }).transaction = (fn) => {
      if (fail) {
        fail = false;
        throw new Error('SQLITE_FULL: database or disk is full');
      }
      return transaction(fn);
    };
    expect(() => probe('critical', 2000)).toThrow(/disk is full/);
    expect(book.states.get('dvcqg-home')?.status).toBe('ok');
    expect(book.openIncidents()).toHaveLength(0);
    probe('critical', 3000);
    expect(book.openIncidents()).toHaveLength(1);
    expect(book.states.get('dvcqg-home')?.status).toBe('critical');
  });

  it('writes a steady healthy check once a minute, not on every probe', () => {
    const { store, book, probe } = setup();
    const saves: string[] = [];
    const save = store.checkStates.save.bind(store.checkStates);
    (store.checkStates as { save: Store['checkStates']['save'] }).save = (name, state) => {
      saves.push(name);
      save(name, state);
    };
    for (let second = 1; second <= 90; second += 1) probe('ok', second * 1000);
    // The first (unknown → ok), the streak filling up, then one more after a minute.
    expect(saves.length).toBeLessThanOrEqual(4);
    expect(saves.length).toBeGreaterThanOrEqual(2);
    expect(book.states.get('dvcqg-home')?.lastResultAt).toEqual(new Date(90_000));
  });
});

describe('onIncidentsChanged', () => {
  it('fires when an incident opens, is announced or resolves, not for every failing probe', () => {
    let changes = 0;
    const { book, probe } = setup(() => (changes += 1));
    probe('ok', 1000);
    probe('critical', 2000);
    expect(changes).toBe(1); // opened and, with groupWait 0, announced in the same commit
    for (let second = 3; second < 20; second += 1) probe('critical', second * 1000);
    expect(changes).toBe(1);
    expect(book.openIncidents()[0]!.probes).toBe(18);
    probe('ok', 21_000);
    expect(changes).toBe(2);
  });
});
