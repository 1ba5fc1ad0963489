// A daemon's alerting in miniature for the desk's stories: two checks, the real store in a temp
// directory, the incident book with the desk's lookup, and the desk itself, all on one injected
// wall clock. Nothing delivers: what would be mailed stays in the outbox, where the stories read it.
import { createIncidentBook, type IncidentBook } from '../../src/checks/incident-book.ts';
import type { AlertingConfig } from '../../src/config/alerting-config.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { storeDeskLookup } from '../../src/desk/desk-lookup.ts';
import type { Desk } from '../../src/desk/desk.ts';
import { createStoreDesk } from '../../src/desk/store-desk.ts';
import type { ProbeResult, Status } from '../../src/probes/probe.ts';
import { initialCheckState, nextCheckState } from '../../src/state/check-state.ts';
import type { Incident } from '../../src/state/incident.ts';
import { withDeskWindows } from '../../src/state/desk-rules.ts';
import type { Notification } from '../../src/state/notification.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { createTestClocks, type TestClocks } from '../support/test-clocks.ts';

export const PORTAL = 'dvcqg-home';
export const VNEID = 'vneid-login';
export const TRUCBAN = 'trucban@angiang.gov.vn';
export const VNEID_TEAM = 'vneid@angiang.gov.vn';
export const LAN = { user: 'lan', address: '10.0.0.5' };
export const MINH = { user: 'minh', address: '10.0.0.9' };

export interface Harness {
  readonly clocks: TestClocks;
  readonly alerting: AlertingConfig;
  readonly checks: readonly Check[];
  store: Store;
  book: IncidentBook;
  desk: Desk;
  acknowledged: { incident: Incident; seconds: number }[];
  /** One probe result for the check at the clock's now, through the check-state rules and the book. */
  probe(check: string, status: Status): void;
  /** The time rules at the clock's now. */
  tick(): void;
  /** Everything queued so far (nothing is delivered), oldest first. */
  queued(): Notification[];
  /** Closes the store and opens it again with a new book and desk, as a restart does. */
  restart(): void;
  close(): void;
}

export function createHarness(overrides: Partial<AlertingConfig> = {}): Harness {
  const dir: TempDatabaseDir = createTempDatabaseDir();
  const { log } = createCapturedLog();
  const clocks = createTestClocks('2026-05-29T15:00:00.000Z');
  const checks = resolveConfig(
    'desk.yaml',
    ConfigInput.parse({
      checks: [
        {
          name: PORTAL,
          system: 'national-portal',
          kind: 'http',
          url: 'https://dichvucong.gov.vn/',
          failureThreshold: 1,
          successThreshold: 1,
          ...(overrides.alertOn === undefined ? {} : { alertOn: overrides.alertOn }),
        },
        { name: VNEID, system: 'vneid', kind: 'http', url: 'https://vneid.gov.vn/', failureThreshold: 1, successThreshold: 1 },
      ],
    }),
    () => '',
  ).checks as Check[];
  const alerting = makeAlerting({
    groupWaitSeconds: 0,
    repeatIntervalSeconds: 600,
    email: { to: [TRUCBAN], routes: [{ match: { system: 'vneid' }, to: [VNEID_TEAM] }] },
    ...overrides,
  });

  const build = (store: Store) => {
    const rulesAlerting = () => withDeskWindows(alerting, store.desk.listMaintenance(new Date(clocks.now().getTime() - 86_400_000)), checks);
    const book = createIncidentBook({ store, alerting: rulesAlerting(), checks, log, desk: storeDeskLookup(store) });
    const desk = createStoreDesk({
      store,
      clock: clocks.clock,
      alerting: () => alerting,
      onAcknowledged: (incident, at) => harness.acknowledged.push({ incident, seconds: (at.getTime() - incident.openedAt.getTime()) / 1000 }),
      onMaintenanceChanged: () => book.configure(rulesAlerting(), checks, clocks.now()),
    });
    return { book, desk };
  };

  const store = openStore(dir.path(), { log, clock: clocks.clock });
  const harness: Harness = {
    clocks,
    alerting,
    checks,
    store,
    ...build(store),
    acknowledged: [],
    probe(name, status) {
      const check = checks.find((candidate) => candidate.name === name)!;
      const now = clocks.now();
      const result: ProbeResult = {
        status,
        reason: status === 'ok' ? undefined : 'http_status',
        message: `HTTP ${status === 'ok' ? 200 : 503}`,
        durationSeconds: 0.1,
        phases: {},
        httpStatus: status === 'ok' ? 200 : 503,
      };
      const next = nextCheckState(harness.book.states.get(name) ?? initialCheckState(now), result, check, now);
      harness.book.record(check, next.state, harness.book.decide(check, next.state, result, next.change, now), now);
    },
    tick() {
      harness.book.tick(clocks.now());
    },
    queued: () => harness.store.outbox.pending('email').map((row) => row.notification),
    restart() {
      harness.store.close();
      harness.store = openStore(dir.path(), { log, clock: clocks.clock });
      Object.assign(harness, build(harness.store));
    },
    close() {
      harness.store.close();
      dir.remove();
    },
  };
  return harness;
}

/** "firing dvcqg-home", "desk:acknowledged dvcqg-home"… for reading a story's mails at a glance. */
export function describeMail(notification: Notification): string {
  const kind = notification.type === 'desk' ? `desk:${notification.desk?.kind}` : notification.type;
  return `${kind} ${notification.incident?.check || notification.incident?.id || ''}`.trim();
}
