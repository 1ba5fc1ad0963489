import { describe, expect, it } from 'vitest';
import type { ObjectiveConfig } from '../../src/config/objective-config.ts';
import { buildReport } from '../../src/report/build-report.ts';
import { pino } from 'pino';
import { budgetsOf, createLiveFigures, startLiveFigures, type LiveSnapshot } from '../../src/report/live-figures.ts';
import { evaluateObjective, periodAt } from '../../src/report/objectives.ts';
import type { ReportSource } from '../../src/report/report-model.ts';
import { at, memorySource, minutesOf, outage, reportConfig } from './report-fixtures.ts';

const month: ObjectiveConfig = { scope: 'check', name: 'dvcqg-home', target: 99.5, period: 'month' };

describe('objective periods, in Vietnamese local time on a UTC machine', () => {
  it('a month, a Monday-to-Monday week and a day hold the instant', () => {
    const now = at('2026-12-03T20:30:00Z'); // Friday 4 December, 03:30 in Vietnam
    expect(periodAt('month', now)).toEqual({ from: at('2026-11-30T17:00:00Z'), to: at('2026-12-31T17:00:00Z') });
    expect(periodAt('week', now)).toEqual({ from: at('2026-11-29T17:00:00Z'), to: at('2026-12-06T17:00:00Z') });
    expect(periodAt('day', now)).toEqual({ from: at('2026-12-03T17:00:00Z'), to: at('2026-12-04T17:00:00Z') });
  });
});

describe('an objective against its period so far', () => {
  const period = periodAt('month', at('2026-12-03T03:30:00Z'));

  it('the budget is the target’s share of the period less excluded and not-observed time, less the down time', () => {
    const status = evaluateObjective(month, period, at('2026-12-03T03:30:00Z'), {
      availabilityPercent: 99.9,
      downSeconds: 900,
      observedSeconds: 900_000,
      excludedSeconds: 3600,
      notObservedSeconds: 1800,
    });
    // December: 2,678,400 s; less 5,400 s not counted = 2,673,000 s; 0.5 % of it = 13,365 s.
    expect(status.allowedDownSeconds).toBeCloseTo(13_365, 6);
    expect(status.budgetRemainingSeconds).toBeCloseTo(12_465, 6);
    expect(status.met).toBe(true);
    expect(status.window).toEqual({ from: at('2026-11-30T17:00:00Z'), to: at('2026-12-03T03:30:00Z') });
  });

  it('below the target it is not met, and a spent budget goes negative', () => {
    const status = evaluateObjective({ ...month, target: 99.99 }, period, at('2026-12-03T03:30:00Z'), {
      availabilityPercent: 99.5,
      downSeconds: 1000,
      observedSeconds: 200_000,
      excludedSeconds: 0,
      notObservedSeconds: 0,
    });
    expect(status.met).toBe(false);
    // 0.01 % of 2,678,400 s = 267.84 s allowed.
    expect(status.budgetRemainingSeconds).toBeCloseTo(267.84 - 1000, 6);
  });

  it('nothing observed yet is met, with the whole budget left', () => {
    const status = evaluateObjective(month, period, period.from, { downSeconds: 0, observedSeconds: 0, excludedSeconds: 0, notObservedSeconds: 0 });
    expect(status).toMatchObject({ met: true, availabilityPercent: undefined, budgetRemainingSeconds: 13_392 });
  });
});

describe('live figures: the last 24 hours and the objectives, hour by hour', () => {
  // 3 December 10:30 in Vietnam; history since 1 December 00:00.
  const now = at('2026-12-03T03:30:00Z');
  const minutes = minutesOf({ check: 'dvcqg-home', from: '2026-11-30T17:00:00Z', to: '2026-12-03T03:30:00Z' });
  const incidents = [
    outage('dvcqg-home', '2026-12-02T02:00:00Z', '2026-12-02T02:20:00Z'), // 2 Dec 09:00–09:20
    outage('dvcqg-home', '2026-12-02T19:10:00Z', '2026-12-02T19:40:00Z'), // 3 Dec 02:10–02:40
  ];
  const config = reportConfig({
    objectives: [
      { check: 'dvcqg-home', target: '99.5%' },
      { system: 'dvcqg', target: 99, period: 'day' },
    ],
  });

  /** Counts the minute rows the live figures read, through the light read the store offers. */
  function counting(source: ReportSource): { source: ReportSource; reads: () => number } {
    let reads = 0;
    return {
      source: {
        ...source,
        minutes: () => {
          throw new Error('the live figures read minutes through observedMinutes, never with their latency');
        },
        observedMinutes: (window, visit) => {
          for (const minute of source.minutes(window)) {
            reads += 1;
            visit(minute.check, minute.minute.getTime(), 'seen');
          }
        },
      },
      reads: () => reads,
    };
  }

  it('gives the figures to the second, the same as one report over the whole period', async () => {
    const { source } = counting(memorySource(minutes, incidents));
    const live = createLiveFigures({ config: () => config, source, clock: () => now, pause: async () => {} });
    const snapshot = await live.refresh();

    const home = snapshot.checks.find((check) => check.name === 'dvcqg-home')!;
    // The current hour (10:00–10:30) and the 23 before it: 23.5 h watched, 30 min of it down.
    expect(snapshot.window).toEqual({ from: at('2026-12-02T04:00:00Z'), to: now });
    expect(home).toMatchObject({ observedSeconds: 84_600, downSeconds: 1800, excludedSeconds: 0, notObservedSeconds: 0 });
    expect(home.availabilityPercent).toBeCloseTo((100 * 82_800) / 84_600, 10);
    expect(home.hours).toHaveLength(24);
    // Only 02:00–03:00 on 3 December (the 16th cell) was down.
    expect(home.hours.map((hour) => hour.state)).toEqual(Array.from({ length: 24 }, (_, index) => (index === 15 ? 'down' : 'up')));
    expect(home.hours[15]).toEqual({ start: at('2026-12-02T19:00:00Z'), state: 'down' });
    // dvcqg-search has no history: not observed, every hour.
    expect(snapshot.checks.find((check) => check.name === 'dvcqg-search')!.hours.every((hour) => hour.state === 'not_observed')).toBe(true);

    const [monthly, daily] = snapshot.objectives;
    // Month so far: 1 Dec 00:00 to 3 Dec 10:30 = 210,600 s watched, 3,000 s down.
    expect(monthly).toMatchObject({ observedSeconds: 210_600, downSeconds: 3000, met: false });
    expect(monthly!.availabilityPercent).toBeCloseTo((100 * 207_600) / 210_600, 10);
    // 0.5 % of December's 2,678,400 s = 13,392 s allowed; 3,000 s spent.
    expect(monthly!.budgetRemainingSeconds).toBeCloseTo(10_392, 6);
    const whole = buildReport(config, memorySource(minutes, incidents), { from: at('2026-11-30T17:00:00Z'), to: now }, { locale: 'vi', now });
    expect(monthly).toMatchObject({ observedSeconds: whole.checks[0]!.observedSeconds, downSeconds: whole.checks[0]!.downSeconds });

    // Today so far for the system: 10.5 h watched (dvcqg-search adds nothing), 30 min down; 1 % of 86,400 s less
    // nothing excluded = 864 s allowed, 1,800 s spent.
    expect(daily).toMatchObject({ observedSeconds: 37_800, downSeconds: 1800, met: false });
    expect(daily!.budgetRemainingSeconds).toBeCloseTo(864 - 1800, 6);
  });

  it('a second refresh reads only the minutes written since the first, and the two before them again', async () => {
    const { source, reads } = counting(memorySource(minutes, incidents));
    let clock = now;
    const live = createLiveFigures({ config: () => config, source, clock: () => clock, pause: async () => {} });
    await live.refresh();
    const first = reads();
    // Every stored minute of the month so far once, plus each hour's look-back (none at 60 s checks).
    expect(first).toBe(minutes.length);
    clock = new Date(now.getTime() + 60_000);
    const snapshot = await live.refresh();
    // 10:28 and 10:29 of the current hour (10:30's row is not written yet) and 09:58–10:00 of the
    // unsettled hour before it.
    expect(reads() - first).toBe(2 + 2);
    expect(snapshot.objectives[0]).toMatchObject({ observedSeconds: 210_600, downSeconds: 3000 });
    expect(live.latest()).toBe(snapshot);
  });

  it('starts over when the config changes (a reload), so no figure of the old checks is kept', async () => {
    const { source, reads } = counting(memorySource(minutes, incidents));
    let current = config;
    const live = createLiveFigures({ config: () => current, source, clock: () => now, pause: async () => {} });
    await live.refresh();
    const first = reads();
    await live.refresh();
    // The same instant: only the re-read of the unsettled hours' last two minutes.
    expect(reads() - first).toBe(2 + 2);
    current = reportConfig({ objectives: [{ check: 'dvcqg-home', target: '99.9%' }] });
    const snapshot = await live.refresh();
    expect(reads() - first - 4).toBe(first);
    expect(snapshot.objectives.map((status) => status.objective.target)).toEqual([99.9]);
  });

  it('the loop hands each result to the metric and stops cleanly', async () => {
    const live = createLiveFigures({ config: () => config, source: memorySource(minutes, incidents), clock: () => now, pause: async () => {} });
    const results: LiveSnapshot[] = [];
    let second: () => void = () => {};
    const twice = new Promise<void>((resolve) => (second = resolve));
    const loop = startLiveFigures(live, {
      log: pino({ level: 'silent' }),
      intervalMs: 1,
      onRefresh: (snapshot) => {
        results.push(snapshot);
        if (results.length === 2) second();
      },
    });
    await twice;
    await loop.stop();
    const count = results.length;
    expect(budgetsOf(results[0]!)).toEqual([
      { scope: 'check', name: 'dvcqg-home', budgetRemainingSeconds: expect.closeTo(10_392, 6) },
      { scope: 'system', name: 'dvcqg', budgetRemainingSeconds: expect.closeTo(864 - 1800, 6) },
    ]);
    // Absence cannot be awaited: ten times the loop's interval passes with no refresh after stop().
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(results).toHaveLength(count);
  });

  it('a stop during the first refresh ends it within the first hour instead of reading the whole month', async () => {
    const { source, reads } = counting(memorySource(minutes, incidents));
    const live = createLiveFigures({ config: () => config, source, clock: () => now, pause: () => new Promise((resolve) => setImmediate(resolve)) });
    const results: LiveSnapshot[] = [];
    const loop = startLiveFigures(live, { log: pino({ level: 'silent' }), onRefresh: (snapshot) => results.push(snapshot) });
    await loop.stop();
    expect(results).toEqual([]);
    // A quarter of an hour's minutes read, then the stop was seen: not the 24 + 59 hours of a full first refresh.
    expect(reads()).toBe(15);
  });

  it('a check probed every five minutes is watched across each hour’s start, as in one long window', async () => {
    const five = reportConfig({ checks: [{ name: 'five', system: 'dvcqg', kind: 'http', url: 'https://dichvucong.gov.vn/', interval: '5m' }] });
    // Probes at :03, :08 … :58 of every hour: the one at :58 watches the next hour's first three minutes.
    const rows = minutesOf({ check: 'five', from: '2026-12-02T03:33:00Z', to: '2026-12-03T03:30:00Z' }).filter((row) => row.minute.getUTCMinutes() % 5 === 3);
    const live = createLiveFigures({ config: () => five, source: memorySource(rows, []), clock: () => now, pause: async () => {} });
    const [check] = (await live.refresh()).checks;
    expect(check).toMatchObject({ observedSeconds: 84_600, notObservedSeconds: 0 });
    expect(check!.hours.every((hour) => hour.state === 'up')).toBe(true);
  });
});
