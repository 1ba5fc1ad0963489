// Stories of a wall-clock step during an outage, told through the daemon's alerting pipeline as the
// daemon wires it: run-check (the probe on the wall clock, the check state on the steady clock), the
// incident book with its escalator, the alerting ticker, and a real store stamped by the steady
// clock; an injected wall + monotonic clock (stepWall moves the wall alone) and a real HTTP target.
// Every wait (groupWait, repeatInterval, escalation `after`) and every duration stays true.
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createChannels } from '../../src/alerting/channels/registry.ts';
import { createAlertingTicker } from '../../src/checks/alerting-ticker.ts';
import { createEscalator } from '../../src/checks/escalator.ts';
import { createIncidentBook } from '../../src/checks/incident-book.ts';
import { runCheck } from '../../src/checks/run-check.ts';
import { createSteadyClock } from '../../src/clock.ts';
import type { AlertingConfig } from '../../src/config/alerting-config.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { resolveEscalation, resolveRoster } from '../../src/config/roster-config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import { parseAlertingState } from '../../src/state/alerting-state.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';
import { createCapturedLog, createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { createTestClocks } from '../support/test-clocks.ts';

const SECOND_MS = 1000;
const HOUR_MS = 3_600_000;

let status = 200;
let target: Server;
let targetUrl: string;
beforeAll(async () => {
  target = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status === 200 ? 'Dịch vụ công' : 'down');
  });
  target.listen(0, '127.0.0.1');
  await once(target, 'listening');
  targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  target.closeAllConnections();
  await new Promise((resolve) => target.close(resolve));
});

const dirs: TempDatabaseDir[] = [];
const stores: Store[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) dir.remove();
  status = 200;
});

function pipeline(maintenance: AlertingConfig['maintenance'] = []) {
  const clocks = createTestClocks('2026-05-29T15:00:00Z');
  const dir = createTempDatabaseDir();
  dirs.push(dir);
  const { log } = createCapturedLog();
  const [check] = resolveConfig(
    'steps.yaml',
    ConfigInput.parse({
      checks: [{ name: 'dvcqg-home', system: 'national-portal', kind: 'http', url: targetUrl, timeout: '5s', failureThreshold: 1, successThreshold: 1 }],
    }),
    () => '',
  ).checks as [Check];
  const alerting = makeAlerting({
    maintenance,
    groupWaitSeconds: 30,
    repeatIntervalSeconds: 3600,
    escalation: resolveEscalation([{ after: 1800, notify: ['onDuty'] }]),
    roster: resolveRoster({ shifts: [{ name: 'Ca đêm', from: '17:00', to: '07:30', people: [{ name: 'Cường', email: 'cuong@vnpt.vn' }] }] }),
  });
  /** What dvc_maintenance_active was last set to, by check. */
  let maintenanceMetric = new Map<string, boolean>();
  /** One run of the daemon's parts: its own steady clock, from the wall clock as it is at start. */
  const startRun = () => {
    const steady = createSteadyClock(clocks.clock, clocks.monotonic);
    const store = openStore(dir.path(), { log, clock: steady });
    stores.push(store);
    const book = createIncidentBook({ store, alerting, checks: [check], log, escalator: createEscalator({ store, log }), wall: clocks.clock });
    const ticker = createAlertingTicker({
      book,
      metrics: {
        setMaintenance: (active: ReadonlyMap<string, boolean>) => {
          maintenanceMetric = new Map(active);
        },
      },
      windows: maintenance,
      checks: [check.name],
      clock: clocks.clock,
      rules: steady,
      monotonic: clocks.monotonic,
      log,
    });
    const deps = { clock: clocks.clock, steady, monotonic: clocks.monotonic, log, states: book.states, decide: book.decide, record: book.record };
    return { store, book, ticker, run: () => runCheck(check, deps) };
  };
  let current = startRun();
  const queued = () => current.store.outbox.pending('email').map((row) => (row.notification.escalation ? 'escalation' : row.notification.type));
  const email = createChannels({ alerting, log }).find((channel) => channel.name === 'email')!;
  /** The text of the mail the outbox would make of the pending rows of `type`. */
  const mailText = (type: string): string => {
    const rows = current.store.outbox.pending('email').filter((row) => row.notification.type === type);
    return (
      email.render(
        rows.map((row) => row.notification),
        { now: clocks.now(), seed: rows[0]!.id },
      ).content as unknown as { text: string }
    ).text;
  };
  return {
    clocks,
    queued,
    mailText,
    get store() {
      return current.store;
    },
    get book() {
      return current.book;
    },
    get ticker() {
      return current.ticker;
    },
    get maintenanceMetric() {
      return maintenanceMetric;
    },
    run: () => current.run(),
    /** Stops this run (the store closes) and starts the next on the same store. */
    restart() {
      current.store.close();
      stores.splice(stores.indexOf(current.store), 1);
      current = startRun();
    },
  };
}

describe('a step of the wall clock during an outage', () => {
  it('a step back of one hour: the first outage mail is queued at groupWait, not an hour later', async () => {
    const { clocks, book, ticker, queued, run } = pipeline();
    status = 503;
    await run();
    expect(book.openIncidents()).toHaveLength(1);
    clocks.advance(10 * SECOND_MS);
    clocks.stepWall(-HOUR_MS);
    ticker.tick();
    clocks.advance(19 * SECOND_MS);
    await run();
    ticker.tick();
    expect(queued()).toEqual([]);
    clocks.advance(1 * SECOND_MS);
    ticker.tick();
    expect(queued()).toEqual(['firing']);
  });

  it('a step forward of one hour: no reminder, no escalation, and the resolved mail says 50 seconds', async () => {
    const { clocks, book, ticker, queued, mailText, run } = pipeline();
    status = 503;
    await run();
    clocks.advance(30 * SECOND_MS);
    ticker.tick();
    expect(queued()).toEqual(['firing']);
    clocks.advance(5 * SECOND_MS);
    clocks.stepWall(HOUR_MS);
    ticker.tick();
    await run();
    ticker.tick();
    expect(queued()).toEqual(['firing']);
    clocks.advance(15 * SECOND_MS);
    status = 200;
    await run();
    ticker.tick();
    expect(queued()).toEqual(['firing', 'resolved']);
    expect(book.openIncidents()).toEqual([]);
    const text = mailText('resolved');
    expect(text).toContain('50 giây');
    expect(text).not.toMatch(/\d+ giờ/);
  });

  it('the escalation step still comes `after` its time on the steady clock, whatever the wall did', async () => {
    const { clocks, ticker, queued, run } = pipeline();
    status = 503;
    await run();
    clocks.advance(30 * SECOND_MS);
    ticker.tick();
    clocks.stepWall(-HOUR_MS);
    clocks.advance(1799 * SECOND_MS);
    ticker.tick();
    expect(queued()).toEqual(['firing']);
    clocks.advance(1 * SECOND_MS);
    ticker.tick();
    expect(queued()).toEqual(['firing', 'escalation']);
  });

  it('a restart after a step back: an outage stamped by the earlier run, an hour ahead, still fires at groupWait', async () => {
    const steps = pipeline();
    status = 503;
    await steps.run();
    steps.clocks.advance(10 * SECOND_MS);
    steps.clocks.stepWall(-HOUR_MS);
    steps.restart();
    steps.ticker.tick(); // the daemon's ticker looks at once when it starts
    steps.clocks.advance(29 * SECOND_MS);
    steps.ticker.tick();
    expect(steps.queued()).toEqual([]);
    steps.clocks.advance(1 * SECOND_MS);
    steps.ticker.tick();
    expect(steps.queued()).toEqual(['firing']);
  });

  it('a restart after a step back: an escalation step counts from the restart, not from a firing stamped an hour ahead', async () => {
    const steps = pipeline();
    status = 503;
    await steps.run();
    steps.clocks.advance(30 * SECOND_MS);
    steps.ticker.tick();
    expect(steps.queued()).toEqual(['firing']);
    steps.clocks.stepWall(-HOUR_MS);
    steps.restart();
    steps.ticker.tick();
    steps.clocks.advance(1799 * SECOND_MS);
    steps.ticker.tick();
    expect(steps.queued()).toEqual(['firing']);
    steps.clocks.advance(1 * SECOND_MS);
    steps.ticker.tick();
    expect(steps.queued()).toEqual(['firing', 'escalation']);
  });

  it('a maintenance window already over is not run again when the wall clock steps back into it', async () => {
    // Every day 22:00–22:30 in Vietnam; the story starts at 22:00.
    const steps = pipeline([
      { kind: 'recurring', name: 'sao-luu-dem', checks: ['dvcqg-*'], cron: '0 22 * * *', durationSeconds: 1800, timezone: 'Asia/Ho_Chi_Minh' },
    ]);
    const { clocks, store, book, ticker, queued, run } = steps;
    ticker.tick();
    expect(steps.maintenanceMetric.get('dvcqg-home')).toBe(true);
    status = 503;
    await run();
    clocks.advance(60 * SECOND_MS);
    ticker.tick();
    expect(book.openIncidents()[0]?.hold?.by).toBe('maintenance');
    expect(queued()).toEqual([]);
    clocks.advance(29 * 60 * SECOND_MS); // 22:30: the window ends, the held outage fires
    ticker.tick();
    expect(queued()).toEqual(['maintenance_end', 'firing']);
    expect(steps.maintenanceMetric.get('dvcqg-home')).toBe(false);
    clocks.stepWall(-15 * 60 * SECOND_MS); // 22:15 again
    for (let minute = 0; minute < 20; minute += 1) {
      clocks.advance(60 * SECOND_MS);
      await run();
      ticker.tick();
      expect(book.openIncidents()[0]?.hold).toBeUndefined();
      expect(steps.maintenanceMetric.get('dvcqg-home')).toBe(false);
    }
    expect(queued()).toEqual(['maintenance_end', 'firing']);
    // A restart remembers it too: the ended occurrence is kept with the rules' state in the store.
    const saved = parseAlertingState(store.meta.get<string>('alerting-state')!);
    expect(saved.windowsEnded?.['sao-luu-dem']).toEqual({ start: new Date('2026-05-29T15:00:00Z'), end: new Date('2026-05-29T15:30:00Z') });
  });
});
