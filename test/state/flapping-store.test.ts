// A flapping episode through the real incident book and a real SQLite store, with a restart in the
// middle: the changes counted before it and the episode itself come back from the store.
import { afterEach, describe, expect, it } from 'vitest';
import { createIncidentBook, type IncidentBook } from '../../src/checks/incident-book.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { ProbeResult, Status } from '../../src/probes/probe.ts';
import { initialCheckState, nextCheckState } from '../../src/state/check-state.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';

const T0 = Date.parse('2026-05-29T08:00:00+07:00');
const MINUTE = 60_000;
const dirs: TempDatabaseDir[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

const [check] = resolveConfig(
  'flapping.yaml',
  ConfigInput.parse({
    checks: [{ name: 'dvcqg-home', system: 'dvcqg', kind: 'http', url: 'https://dichvucong.gov.vn/', failureThreshold: 1, successThreshold: 1 }],
  }),
  () => '',
).checks as [Check];
const alerting = makeAlerting({ groupWaitSeconds: 10, flapping: { changes: 6, windowSeconds: 1800, recoveryHoldSeconds: 180 } });

describe('flapping across a restart', () => {
  it('keeps counting the changes, the held recovery and the episode: one firing, one notice, one final resolution', () => {
    const dir = createTempDatabaseDir();
    dirs.push(dir);
    const { log } = createCapturedLog();
    let store = openStore(dir.path(), { log });
    stores.push(store);
    let book: IncidentBook = createIncidentBook({ store, alerting, checks: [check], log });
    const restart = () => {
      store.close();
      stores.pop();
      store = openStore(dir.path(), { log });
      stores.push(store);
      book = createIncidentBook({ store, alerting, checks: [check], log });
    };
    const probe = (status: Status, minute: number) => {
      const at = new Date(T0 + minute * MINUTE);
      const result: ProbeResult = { status, reason: status === 'ok' ? undefined : 'timeout', message: status, durationSeconds: 0.1, phases: {} };
      const next = nextCheckState(book.states.get(check.name) ?? initialCheckState(at), result, check, at);
      book.record(check, next.state, book.decide(check, next.state, result, next.change, at), at);
      book.tick(new Date(at.getTime() + 15_000));
    };
    const queued = () => store.outbox.pending('email').map((row) => row.notification.type);

    probe('ok', 0);
    for (let minute = 1; minute <= 5; minute += 1) probe(minute % 2 === 1 ? 'critical' : 'ok', minute);
    restart();
    for (let minute = 6; minute <= 8; minute += 1) probe(minute % 2 === 1 ? 'critical' : 'ok', minute);
    // The recovery hold keeps the first outage open through the bounces: no resolved, no new firing.
    expect(queued()).toEqual(['firing', 'flapping']);
    restart();
    expect(book.openIncidents()[0]?.flapping).toMatchObject({ since: new Date(T0 + 7 * MINUTE) });
    for (let minute = 9; minute <= 10; minute += 1) probe(minute % 2 === 1 ? 'critical' : 'ok', minute);
    restart();
    for (let minute = 11; minute <= 40; minute += 1) book.tick(new Date(T0 + minute * MINUTE));
    expect(queued()).toEqual(['firing', 'flapping', 'resolved']);
    expect(book.openIncidents()).toEqual([]);
  });
});
