// The report's figures from history the daemon itself wrote: two days of one-minute probes go
// through runCheck with the incident book and the history writer on a real store, on an injected
// clock; only the probe's answer is scripted. The report is then built from store.history as the
// `report` command and the scheduler build it, and every figure is checked to the second.
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIncidentBook, type IncidentBook } from '../../src/checks/incident-book.ts';
import { runCheck } from '../../src/checks/run-check.ts';
import { resolveConfig, type Check, type Config } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { ProbeResult } from '../../src/probes/probe.ts';
import { buildConfiguredReport, chooseReport, chooseWindow } from '../../src/report/report-request.ts';
import type { Report, ReportWindow } from '../../src/report/report-model.ts';
import { createHistoryWriter, type HistoryWriter } from '../../src/store/history-writer.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import { createTempDatabaseDir, type TempDatabaseDir } from '../support/temp-database.ts';
import { createTestClocks, type TestClocks } from '../support/test-clocks.ts';

type Answer = 'ok' | 'critical' | 'internal';

/** The scripted answer of each check at each probe; set per test. */
let script: (check: string, at: Date) => Answer = () => 'ok';
let clocks: TestClocks;

// The one seam: the http probe answers from the script instead of a socket; `internal` is a probe
// that throws, which runCheck itself turns into reason internal.
vi.mock('../../src/probes/registry.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/probes/registry.ts')>();
  return {
    ...original,
    probes: {
      ...original.probes,
      http: (check: { name: string }): Promise<ProbeResult> => {
        const answer = script(check.name, clocks.now());
        if (answer === 'internal') return Promise.reject(new TypeError('scripted bug in the probe'));
        return Promise.resolve(
          answer === 'ok'
            ? { status: 'ok', message: 'HTTP 200', durationSeconds: 0.12, phases: {}, httpStatus: 200 }
            : { status: 'critical', reason: 'http_status', message: 'HTTP 503', durationSeconds: 0.05, phases: {}, httpStatus: 503 },
        );
      },
    },
  };
});

const silent = pino({ level: 'silent' });
const utc = (text: string): Date => new Date(text);
const seconds = (from: string, to: string): number => (utc(to).getTime() - utc(from).getTime()) / 1000;

let temp: TempDatabaseDir | undefined;
let store: Store | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
  temp?.remove();
  temp = undefined;
});

function configOf(): Config {
  const http = (name: string, system: string) => ({ name, system, kind: 'http', url: 'http://127.0.0.1:9/', interval: '60s', failureThreshold: 2 });
  return resolveConfig(
    'report-from-history.yaml',
    ConfigInput.parse({
      checks: [http('portal-home', 'national-portal'), http('portal-search', 'national-portal'), http('province-home', 'province-portal')],
      alerting: {
        // 10:30–11:00 local on 2 December, inside portal-home's morning outage.
        maintenance: [{ name: 'db-upgrade', start: '2026-12-02T10:30:00+07:00', end: '2026-12-02T11:00:00+07:00', checks: ['portal-home'] }],
      },
      reports: [{ name: 'daily', schedule: '30 15 * * *', deadline: '15:55', to: ['pc06@example.test'], unit: 'Sở Khoa học và Công nghệ' }],
    }),
    () => '',
  );
}

/** The daemon as it runs between a start and a stop: one incident book and one history writer on the store. */
interface Running {
  readonly book: IncidentBook;
  readonly history: HistoryWriter;
}

function start(config: Config): Running {
  const book = createIncidentBook({ store: store!, alerting: config.alerting, checks: config.checks, log: silent });
  return { book, history: createHistoryWriter({ history: store!.history, clock: clocks.clock, log: silent }) };
}

/** Every check once a minute, at :17 past the minute, from `from` until before `until`; the clock ends at `until`. */
async function runMinutes(checks: readonly Check[], running: Running, from: string, until: string): Promise<void> {
  expect(clocks.now().getTime()).toBeLessThanOrEqual(utc(from).getTime());
  clocks.advance(utc(from).getTime() - clocks.now().getTime());
  const deps = {
    clock: clocks.clock,
    monotonic: clocks.monotonic,
    log: silent,
    history: running.history,
    states: running.book.states,
    decide: running.book.decide,
    record: running.book.record,
  };
  while (clocks.now() < utc(until)) {
    for (const check of checks) await runCheck(check, deps);
    running.book.tick(clocks.now());
    running.history.flush(); // the writer's own timer, each second
    clocks.advance(Math.min(60_000, utc(until).getTime() - clocks.now().getTime()));
  }
}

function figuresOf(report: Report, name: string) {
  const row = report.checks.find((check) => check.name === name) ?? report.systems.find((system) => system.name === name);
  if (row === undefined) throw new Error(`no row ${name}`);
  return {
    down: row.downSeconds,
    observed: row.observedSeconds,
    excluded: row.excludedSeconds,
    notObserved: row.notObservedSeconds,
    percent: row.availabilityPercent,
  };
}

const percentOf = (observed: number, down: number): number => (100 * (observed - down)) / observed;

describe('the report from two days of history the daemon wrote', () => {
  it(
    'counts down, excluded and not-observed time to the second across midnight, maintenance, internal faults, a stopped daemon and an open outage',
    { timeout: 30_000 },
    async () => {
      temp = createTempDatabaseDir();
      clocks = createTestClocks('2026-12-01T16:00:00.000Z'); // 23:00 on 1 December in Vietnam
      store = openStore(temp.path(), { log: silent, clock: clocks.clock });
      const config = configOf();

      const between = (at: Date, from: string, until: string) => at >= utc(from) && at < utc(until);
      script = (check, at) => {
        if (check === 'portal-home') {
          // (a) across local midnight: failing 23:50:17 → 00:20:17 local.
          if (between(at, '2026-12-01T16:50:00Z', '2026-12-01T17:20:00Z')) return 'critical';
          // (c) 10:00:17 → 12:00:17 local, with the 10:30–11:00 maintenance inside.
          if (between(at, '2026-12-02T03:00:00Z', '2026-12-02T05:00:00Z')) return 'critical';
          // (d) our own fault for ten probes, 14:00:17 → 14:09:17 local.
          if (between(at, '2026-12-02T07:00:00Z', '2026-12-02T07:10:00Z')) return 'internal';
        }
        // (b) failing from 15:00:17 local on 3 December, still at the report time 15:30.
        if (check === 'province-home' && at >= utc('2026-12-03T08:00:00Z')) return 'critical';
        return 'ok';
      };

      // (e) the daemon runs until 17:00 local on 2 December, is stopped for two hours and starts again.
      let running = start(config);
      await runMinutes(config.checks, running, '2026-12-01T16:00:17Z', '2026-12-02T10:00:00Z');
      running.history.stop();
      clocks.advance(2 * 3_600_000 + 17_000);
      running = start(config);
      await runMinutes(config.checks, running, '2026-12-02T12:00:17Z', '2026-12-03T08:30:00Z');
      running.history.stop();

      const now = clocks.now(); // 15:30 local on 3 December: the report time
      expect(now.toISOString()).toBe('2026-12-03T08:30:00.000Z');
      const daily = chooseReport(config, 'daily');
      if (daily === undefined || typeof daily === 'string') throw new Error(String(daily));
      const reportOf = (window: ReportWindow) => buildConfiguredReport(config, store!.history, window, daily, { now, history: true });

      // (f) Vietnam local days, whatever the machine's own time zone: bounds in UTC.
      const day = chooseWindow({ date: '2026-12-02' }, daily, now);
      if (typeof day === 'string') throw new Error(day);
      expect([day.from.toISOString(), day.to.toISOString()]).toEqual(['2026-12-01T17:00:00.000Z', '2026-12-02T17:00:00.000Z']);
      const scheduled = chooseWindow({}, daily, now);
      if (typeof scheduled === 'string') throw new Error(scheduled);
      expect([scheduled.from.toISOString(), scheduled.to.toISOString()]).toEqual(['2026-12-02T08:30:00.000Z', '2026-12-03T08:30:00.000Z']);

      // ---- 2 December, local day ----
      const dayReport = reportOf(day);
      // (a) from local midnight to the first pass: the first failure (23:50:17) and the threshold's
      // second failure (23:51:17) change nothing inside the day. (c) the first failure (10:00:17) to
      // the first pass (12:00:17), less the 30 min of maintenance.
      const down = seconds('2026-12-01T17:00:00Z', '2026-12-01T17:20:17Z') + seconds('2026-12-02T03:00:17Z', '2026-12-02T05:00:17Z') - 1800;
      expect(down).toBe(1217 + 5400);
      // (d) the minutes whose every probe was internal (14:00–14:10) joined with the internal
      // incident up to its first pass (14:10:17); (e) the minutes without a probe, 17:00 to 19:00
      // (history keeps minutes: the last probe, 16:59:17, covers its own minute).
      const internal = seconds('2026-12-02T07:00:00Z', '2026-12-02T07:10:17Z');
      const stopped = seconds('2026-12-02T10:00:00Z', '2026-12-02T12:00:00Z');
      expect([internal, stopped]).toEqual([617, 7200]);
      const homeObserved = 86_400 - 1800 - internal - stopped;
      expect(figuresOf(dayReport, 'portal-home')).toEqual({
        down,
        observed: homeObserved,
        excluded: 1800,
        notObserved: internal + stopped,
        percent: expect.any(Number),
      });
      expect(figuresOf(dayReport, 'portal-home').percent).toBeCloseTo(percentOf(homeObserved, down), 2);
      expect(figuresOf(dayReport, 'portal-home').percent).toBeCloseTo(91.38, 2);

      const searchObserved = 86_400 - stopped;
      expect(figuresOf(dayReport, 'portal-search')).toEqual({ down: 0, observed: searchObserved, excluded: 0, notObserved: stopped, percent: 100 });
      // The system: observed wherever either check was (portal-search covers the maintenance and the
      // internal fault), down where portal-home was.
      expect(figuresOf(dayReport, 'national-portal')).toEqual({
        down,
        observed: searchObserved,
        excluded: 0,
        notObserved: stopped,
        percent: expect.any(Number),
      });
      expect(figuresOf(dayReport, 'national-portal').percent).toBeCloseTo(percentOf(searchObserved, down), 2);
      expect(figuresOf(dayReport, 'province-home')).toEqual({ down: 0, observed: searchObserved, excluded: 0, notObserved: stopped, percent: 100 });

      const home = dayReport.incidents.filter((incident) => incident.check === 'portal-home');
      // An incident's own duration is its length inside the window; the maintenance and the fault's
      // blindness come off the availability figures, not off the incident list.
      expect(home.map((incident) => [incident.startedAt.toISOString(), incident.endedAt?.toISOString(), incident.durationSeconds, incident.reason])).toEqual([
        ['2026-12-01T16:50:17.000Z', '2026-12-01T17:20:17.000Z', 1217, 'http_status'],
        ['2026-12-02T03:00:17.000Z', '2026-12-02T05:00:17.000Z', 7200, 'http_status'],
        ['2026-12-02T07:00:17.000Z', '2026-12-02T07:10:17.000Z', 600, 'internal'],
      ]);
      expect(home[2]!.ownFault).toBe(true);
      expect(dayReport.maintenance.map((span) => [span.name, span.from.toISOString(), span.to.toISOString()])).toEqual([
        ['db-upgrade', '2026-12-02T03:30:00.000Z', '2026-12-02T04:00:00.000Z'],
      ]);
      expect(dayReport.checks.find((check) => check.name === 'portal-home')).toMatchObject({
        // 1440 minutes less the 120 the daemon was stopped; 20 failures after midnight, 120 in the morning, 10 internal.
        probes: 1320,
        failuresByReason: { http_status: 140, internal: 10 },
      });

      // ---- the scheduled window, 15:30 to 15:30: (b) province-home still failing at the report time ----
      const dailyReport = reportOf(scheduled);
      const open = seconds('2026-12-03T08:00:17Z', '2026-12-03T08:30:00Z');
      expect(open).toBe(1783);
      expect(figuresOf(dailyReport, 'province-home')).toEqual({
        down: open,
        observed: 86_400 - stopped,
        excluded: 0,
        notObserved: stopped,
        percent: expect.any(Number),
      });
      expect(figuresOf(dailyReport, 'province-home').percent).toBeCloseTo(percentOf(86_400 - stopped, open), 2);
      expect(figuresOf(dailyReport, 'province-home').percent).toBeCloseTo(97.75, 2);
      expect(figuresOf(dailyReport, 'province-portal')).toEqual(figuresOf(dailyReport, 'province-home'));
      const ongoing = dailyReport.incidents.filter((incident) => incident.check === 'province-home');
      expect(ongoing.map((incident) => [incident.startedAt.toISOString(), incident.endedAt, incident.durationSeconds])).toEqual([
        ['2026-12-03T08:00:17.000Z', undefined, open],
      ]);
      expect(figuresOf(dailyReport, 'portal-home')).toEqual({ down: 0, observed: 86_400 - stopped, excluded: 0, notObserved: stopped, percent: 100 });
    },
  );
});
