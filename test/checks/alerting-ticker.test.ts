import { describe, expect, it } from 'vitest';
import { createAlertingTicker } from '../../src/checks/alerting-ticker.ts';
import type { MaintenanceWindow } from '../../src/config/alerting-config.ts';
import { createCapturedLog } from '../support/temp-database.ts';
import { createTestClocks } from '../support/test-clocks.ts';

const cutover: MaintenanceWindow = {
  kind: 'absolute',
  name: 'cutover',
  checks: ['dvcqg-*'],
  start: new Date('2026-05-29T22:00:00+07:00'),
  end: new Date('2026-05-30T06:00:00+07:00'),
};
const nightly = {
  kind: 'recurring',
  name: 'igate-backup',
  checks: ['ag-*'],
  cron: '0 1 * * *',
  durationSeconds: 1800,
  timezone: 'Asia/Ho_Chi_Minh',
} as MaintenanceWindow;
const CHECKS = ['dvcqg-home', 'dvcqg-api', 'ag-igate'];

function setup(options: { tickCostMs?: number } = {}) {
  const clocks = createTestClocks('2026-05-29T21:59:58+07:00');
  const captured = createCapturedLog();
  const gauge = new Map<string, boolean>();
  let gaugeWrites = 0;
  const bookTicks: string[] = [];
  const ticker = createAlertingTicker({
    book: {
      tick: (now) => {
        bookTicks.push(now.toISOString());
        if (options.tickCostMs) clocks.advance(options.tickCostMs);
      },
    },
    metrics: {
      // As the metrics do: a check the map leaves out is not in maintenance.
      setMaintenance: (active) => {
        gaugeWrites += 1;
        gauge.clear();
        for (const [name, value] of active) gauge.set(name, value);
      },
    },
    windows: [cutover, nightly],
    checks: CHECKS,
    clock: clocks.clock,
    monotonic: clocks.monotonic,
    log: captured.log,
  });
  /** Ticks once a second until `until`; returns the checks looked at, per tick that looked at any. */
  const runUntil = (until: string): Array<[string, readonly string[]]> => {
    const looked: Array<[string, readonly string[]]> = [];
    while (clocks.now() < new Date(until)) {
      clocks.advance(1000);
      const report = ticker.tick();
      if (report.maintenanceChecked.length > 0) looked.push([clocks.now().toISOString(), report.maintenanceChecked]);
    }
    return looked;
  };
  const active = () => CHECKS.filter((check) => gauge.get(check));
  return { clocks, ticker, runUntil, active, gaugeWrites: () => gaugeWrites, bookTicks, captured };
}

describe('alerting ticker', () => {
  it('runs the time rules every tick, and looks at maintenance only when a window starts or ends, for the checks it covers', () => {
    const { ticker, runUntil, active, gaugeWrites, bookTicks } = setup();
    expect(ticker.tick().maintenanceChecked).toEqual(CHECKS); // the first tick looks at everything
    expect(active()).toEqual([]);

    expect(runUntil('2026-05-29T22:00:00+07:00')).toEqual([['2026-05-29T15:00:00.000Z', ['dvcqg-home', 'dvcqg-api']]]);
    expect(active()).toEqual(['dvcqg-home', 'dvcqg-api']);

    // A night of ticks: the cutover ends, the iGate backup starts and ends; nothing else is looked at.
    expect(runUntil('2026-05-30T07:00:00+07:00')).toEqual([
      ['2026-05-29T18:00:00.000Z', ['ag-igate']],
      ['2026-05-29T18:30:00.000Z', ['ag-igate']],
      ['2026-05-29T23:00:00.000Z', ['dvcqg-home', 'dvcqg-api']],
    ]);
    expect(active()).toEqual([]);
    expect(gaugeWrites()).toBe(5);
    expect(bookTicks).toHaveLength(1 + 2 + 9 * 3600);
  });

  it('shows the state at each step of the night', () => {
    const { ticker, runUntil, active } = setup();
    ticker.tick();
    runUntil('2026-05-30T01:10:00+07:00');
    expect(active()).toEqual(['dvcqg-home', 'dvcqg-api', 'ag-igate']);
    runUntil('2026-05-30T01:30:00+07:00');
    expect(active()).toEqual(['dvcqg-home', 'dvcqg-api']);
  });

  it('looks at every window again after the wall clock steps back (one already over stays over), and after a reload', () => {
    const { ticker, runUntil, active, clocks } = setup();
    ticker.tick();
    runUntil('2026-05-30T02:00:00+07:00');
    expect(active()).toEqual(['dvcqg-home', 'dvcqg-api']);

    clocks.stepWall(-55 * 60_000); // 01:05: inside the backup window's time, but it ran and ended at 01:30
    expect(ticker.tick().maintenanceChecked).toEqual(CHECKS);
    expect(active()).toEqual(['dvcqg-home', 'dvcqg-api']);
    expect(ticker.tick().maintenanceChecked).toEqual([]);

    ticker.configure([], ['dvcqg-home', 'ag-igate']);
    expect(ticker.tick().maintenanceChecked).toEqual(['dvcqg-home', 'ag-igate']);
    expect(active()).toEqual([]);
  });

  it('warns, at most once in five minutes, when a tick holds the event loop too long', () => {
    const { ticker, runUntil, captured } = setup({ tickCostMs: 300 });
    ticker.tick();
    runUntil('2026-05-29T22:04:00+07:00');
    const slow = () => captured.lines().filter((line) => line.msg === 'alerting tick was slow; probes and scrapes waited for it');
    expect(slow()).toHaveLength(1);
    expect(slow()[0]).toMatchObject({ tookMs: 300 });
    runUntil('2026-05-29T22:09:00+07:00'); // past five minutes since the first warning
    expect(slow()).toHaveLength(2);
  });
});
