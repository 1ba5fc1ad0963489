import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createIncidentBook } from '../../src/checks/incident-book.ts';
import { runCheck } from '../../src/checks/run-check.ts';
import { resolveConfig, type Check } from '../../src/config/config.ts';
import { ConfigInput } from '../../src/config/schema.ts';
import type { ProbeResult } from '../../src/probes/probe.ts';
import type { ReportSource } from '../../src/report/report-model.ts';
import { createSketch, mergeSketch, sketchQuantile } from '../../src/state/latency-sketch.ts';
import { createHistoryWriter } from '../../src/store/history-writer.ts';
import { pruneExpired } from '../../src/store/prune.ts';
import { makeAlerting } from '../support/alerting-fixtures.ts';
import { startHttpServer, type RunningServer } from '../support/http-servers.ts';
import { createStoreHarness } from '../support/temp-database.ts';
import { createTestClocks } from '../support/test-clocks.ts';

const T0 = new Date('2026-12-01T08:00:00.000Z');
const at = (seconds: number): Date => new Date(T0.getTime() + seconds * 1000);
const silent = pino({ level: 'silent' });

let portal: RunningServer;
let answer = 200;
beforeAll(async () => {
  portal = await startHttpServer((_request, response) => {
    response.statusCode = answer;
    response.end('ok');
  });
});
afterAll(() => portal.close());

const harness = createStoreHarness();
afterEach(() => harness.close());

function portalCheck(): Check {
  const input = ConfigInput.parse({
    checks: [{ name: 'dvcqg-home', system: 'national-portal', kind: 'http', url: `${portal.url}/`, failureThreshold: 3, successThreshold: 2 }],
  });
  return resolveConfig('history.yaml', input, () => '').checks[0]!;
}

describe('probe history, written as the daemon writes it', () => {
  it('keeps every result and each minute, and reads as a ReportSource with down time from the first failure to the first pass', async () => {
    harness.fresh();
    const clocks = createTestClocks(T0);
    const store = harness.open(clocks);
    const check = portalCheck();
    const book = createIncidentBook({ store, alerting: makeAlerting({ groupWaitSeconds: 0 }), checks: [check], log: silent });
    const history = createHistoryWriter({ history: store.history, clock: clocks.clock, log: silent });
    const deps = { clock: clocks.clock, log: silent, history, states: book.states, decide: book.decide, record: book.record };

    // Every 10 s for two minutes: ok, then HTTP 503 from 60 s to 90 s, then ok again.
    for (let second = 0; second < 120; second += 10) {
      clocks.advance(second === 0 ? 0 : 10_000);
      answer = second >= 60 && second <= 90 ? 503 : 200;
      await runCheck(check, deps);
      history.flush(); // the writer's timer, each second
    }
    clocks.advance(10_000);
    history.flush();

    const window = { from: T0, to: at(180) };
    const source: ReportSource = store.history;
    const minutes = [...source.minutes(window)];
    expect(minutes.map((minute) => [minute.check, minute.minute, minute.probes, minute.failuresByReason])).toEqual([
      ['dvcqg-home', at(0), 6, {}],
      ['dvcqg-home', at(60), 6, { http_status: 4 }],
    ]);
    expect(minutes[1]!.latency.count).toBe(6);
    expect(sketchQuantile(minutes[1]!.latency, 0.5)).toBeGreaterThan(0);

    const raw = store.history.raw('dvcqg-home', window);
    expect(raw).toHaveLength(12);
    expect(raw.map((result) => result.at)).toEqual(Array.from({ length: 12 }, (_, index) => at(index * 10)));
    expect(raw[6]).toMatchObject({ status: 'critical', reason: 'http_status', httpStatus: 503 });
    expect(raw[5]).toMatchObject({ status: 'ok', httpStatus: 200 });
    expect(raw[5]!.reason).toBeUndefined();

    // Opened on the third failure (80 s), resolved on the second pass (110 s): down 60 s → 100 s.
    const [incident] = source.incidents(window);
    expect(incident).toMatchObject({ openedAt: at(80), failingSince: at(60), resolvedAt: at(110), recoveredAt: at(100) });
    // A window ending before the opening still holds the outage's start; one after the first pass does not.
    expect(source.incidents({ from: T0, to: at(65) }).map((found) => found.id)).toEqual([incident!.id]);
    expect(source.incidents({ from: at(105), to: at(180) })).toEqual([]);
  });

  it('loses no more than the last second and the current minute to a crash; a stop writes both, and a restart in that minute adds to it', () => {
    harness.fresh();
    const clocks = createTestClocks(T0);
    const store = harness.open(clocks);
    const writer = createHistoryWriter({ history: store.history, clock: clocks.clock, log: silent });
    const result = (durationSeconds: number, status: ProbeResult['status'] = 'ok'): ProbeResult => ({
      status,
      ...(status === 'ok' ? {} : { reason: 'timeout' as const }),
      message: 'x',
      durationSeconds,
      phases: {},
    });
    const window = { from: T0, to: at(120) };

    writer.record('a', result(0.1), at(1));
    writer.record('a', result(0.2), at(2));
    expect(store.history.raw('a', window)).toEqual([]); // nothing on the probe path
    writer.flush(at(2.5));
    expect(store.history.raw('a', window)).toHaveLength(2);
    expect(store.history.minutes(window)).toEqual([]); // the minute is not over

    writer.record('a', result(10, 'critical'), at(30));
    writer.stop(); // SIGTERM
    expect(store.history.raw('a', window)).toHaveLength(3);
    expect(store.history.minutes(window).map((minute) => [minute.probes, minute.failuresByReason])).toEqual([[3, { timeout: 1 }]]);

    const restarted = createHistoryWriter({ history: store.history, clock: clocks.clock, log: silent });
    restarted.record('a', result(0.3), at(45));
    restarted.record('a', result(0.4), at(61));
    restarted.flush(at(61.5));
    const [first] = store.history.minutes(window);
    expect([first!.probes, first!.failuresByReason, first!.latency.count, first!.latency.max]).toEqual([4, { timeout: 1 }, 4, 10]);
    // The crash: the second minute was only in memory.
    expect(store.history.minutes(window)).toHaveLength(1);
    expect(store.history.raw('a', window)).toHaveLength(5);
  });

  it('reads back p50 and p95 within 2 % of the exact quantiles of the stored raw results, over an hour of minutes', () => {
    harness.fresh();
    const clocks = createTestClocks(T0);
    const store = harness.open(clocks);
    const writer = createHistoryWriter({ history: store.history, clock: clocks.clock, log: silent });
    // A skewed generated distribution: mostly 40–120 ms, a slow tail to several seconds.
    let seed = 11;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    for (let second = 0; second < 3600; second += 1) {
      const seconds = random() < 0.07 ? 0.5 + 5 * random() : 0.04 + 0.08 * random() ** 2;
      writer.record('a', { status: 'ok', message: 'x', durationSeconds: seconds, phases: {} }, at(second));
      if (second % 10 === 9) writer.flush(at(second + 1));
    }
    writer.flush(at(3600));
    const window = { from: T0, to: at(3600) };
    const merged = createSketch();
    for (const minute of store.history.minutes(window)) mergeSketch(merged, minute.latency);
    const exact = store.history
      .raw('a', window)
      .map((result) => result.durationMs / 1000)
      .sort((a, b) => a - b);
    expect(merged.count).toBe(3600);
    expect(exact).toHaveLength(3600);
    for (const q of [0.5, 0.95]) {
      const truth = exact[Math.floor(q * (exact.length - 1))]!;
      // The raw rows keep whole milliseconds: half a millisecond of rounding on top of the sketch's 1 %.
      expect(Math.abs(sketchQuantile(merged, q)! - truth)).toBeLessThanOrEqual(0.02 * truth + 0.0005);
    }
  });

  it('spreads the minutes that end together over the next flushes', () => {
    harness.fresh();
    const clocks = createTestClocks(T0);
    const store = harness.open(clocks);
    const writer = createHistoryWriter({ history: store.history, clock: clocks.clock, log: silent, minutesPerFlush: 2 });
    const ok: ProbeResult = { status: 'ok', message: 'x', durationSeconds: 0.1, phases: {} };
    for (const check of ['a', 'b', 'c', 'd', 'e']) writer.record(check, ok, at(10));
    const stored = () => store.history.minutes({ from: T0, to: at(120) }).length;
    writer.flush(at(59));
    expect(stored()).toBe(0);
    writer.flush(at(60));
    expect(stored()).toBe(2);
    writer.flush(at(61));
    expect(stored()).toBe(4);
    writer.record('a', ok, at(61.5));
    writer.stop();
    expect(stored()).toBe(6); // the last finished one and a's unfinished second minute
    expect(store.history.raw('a', { from: T0, to: at(120) })).toHaveLength(2);
  });

  it('keeps sync lag, backlog and TLS days left per minute, and only numbers in the raw rows', () => {
    harness.fresh();
    const clocks = createTestClocks(T0);
    const store = harness.open(clocks);
    const writer = createHistoryWriter({ history: store.history, clock: clocks.clock, log: silent });
    const sync = (lag: number, backlog: number): ProbeResult => ({
      status: 'ok',
      message: 'secret-token-in-message',
      durationSeconds: 0.05,
      phases: {},
      sync: { mode: 'lag', unit: 'seconds', lag, backlog },
      tls: { expiresAt: at(86400 * 20), daysLeft: 20, subject: 'x', issuer: 'y' },
    });
    writer.record('sync-hoso', sync(120.4, 3), at(1));
    writer.record('sync-hoso', sync(30, 9), at(2));
    writer.flush(at(60));
    const [minute] = store.history.minutes({ from: T0, to: at(60) });
    expect(minute).toMatchObject({ syncLagMax: 120.4, backlogMax: 9, tlsDaysLeftMin: 20 });
    expect(minute!.syncLag?.count).toBe(2);
    expect(store.history.raw('sync-hoso', { from: T0, to: at(60) }).map((row) => [row.syncLag, row.backlog])).toEqual([
      [120, 3],
      [30, 9],
    ]);
    const db = new Database(harness.path(), { readonly: true });
    try {
      const text = JSON.stringify(db.prepare('SELECT * FROM history_raw').all()) + JSON.stringify(db.prepare('SELECT * FROM history_minutes').all());
      expect(text).not.toContain('secret');
    } finally {
      db.close();
    }
  });

  it('prunes raw results and minutes by their own retentions, in batches', async () => {
    harness.fresh();
    const clocks = createTestClocks(T0);
    const store = harness.open(clocks);
    const writer = createHistoryWriter({ history: store.history, clock: clocks.clock, log: silent });
    const ok: ProbeResult = { status: 'ok', message: 'x', durationSeconds: 0.1, phases: {} };
    for (let hour = 0; hour < 6; hour += 1) {
      for (let index = 0; index < 5; index += 1) writer.record('a', ok, at(hour * 3600 + index));
      writer.flush(at(hour * 3600 + 120));
    }
    const everything = { from: T0, to: at(7 * 3600) };
    const now = at(6 * 3600);
    const retention = { notifications: 30 * 86400, incidents: 400 * 86400, raw: 3 * 3600, aggregates: 4 * 3600 };
    const report = await pruneExpired(store, retention, now, { batchRows: 4 });
    expect(report.deleted).toMatchObject({ raw: 3, aggregates: 2 }); // raw: a row per flush, three hours of them
    expect(store.history.raw('a', everything).map((row) => row.at.getTime() >= at(3 * 3600).getTime())).toEqual(Array(15).fill(true));
    expect(store.history.minutes(everything).map((minute) => minute.minute)).toEqual([2, 3, 4, 5].map((hour) => at(hour * 3600)));
    expect((await pruneExpired(store, retention, now)).batches).toBe(0);
  });
});
