import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '../../src/config/alerting-config.ts';
import {
  availabilityOf,
  checkTimeline,
  maintenanceOccurrences,
  observedMinutesOf,
  subtract,
  systemTimeline,
  unionOf,
  unionOfSets,
} from '../../src/report/availability.ts';
import type { ReportWindow } from '../../src/report/report-model.ts';
import { at, minutesOf, outage } from './report-fixtures.ts';

// 2 December 2026 in Vietnam: 00:00+07 is 17:00 UTC the day before. The test machine runs in UTC.
const DAY: ReportWindow = { from: at('2026-12-02T00:00:00+07:00'), to: at('2026-12-03T00:00:00+07:00') };
const CHECK = { name: 'dvcqg-home', intervalSeconds: 60 };
const fullDay = minutesOf({ check: 'dvcqg-home', from: '2026-12-01T00:00:00+07:00', to: '2026-12-04T00:00:00+07:00' });

const percent = (value: number | undefined) => (value === undefined ? undefined : Math.round(value * 100) / 100);

describe('a check in a Vietnamese calendar day', () => {
  it('an outage over midnight counts in each day up to midnight, from the first failed probe to the first passing one', () => {
    // Failing from 23:50:00 (opened 23:51 after two failures), passing again at 00:20:30 (resolved 00:21:30).
    const incident = outage('dvcqg-home', '2026-12-01T23:50:00+07:00', '2026-12-02T00:20:30+07:00');
    const today = availabilityOf(checkTimeline({ check: CHECK, window: DAY, incidents: [incident], maintenance: [], observed: observedMinutesOf(fullDay) }));
    expect(today).toEqual({
      availabilityPercent: (100 * (86_400 - 1230)) / 86_400,
      downSeconds: 1230,
      observedSeconds: 86_400,
      excludedSeconds: 0,
      notObservedSeconds: 0,
    });
    expect(percent(today.availabilityPercent)).toBe(98.58);

    const yesterday: ReportWindow = { from: at('2026-12-01T00:00:00+07:00'), to: DAY.from };
    const before = availabilityOf(
      checkTimeline({ check: CHECK, window: yesterday, incidents: [incident], maintenance: [], observed: observedMinutesOf(fullDay) }),
    );
    expect(before.downSeconds).toBe(600);
    expect(percent(before.availabilityPercent)).toBe(99.31);
  });

  it('an outage still going on at the report time counts up to the report time', () => {
    const window: ReportWindow = { from: at('2026-12-01T15:30:00+07:00'), to: at('2026-12-02T15:30:00+07:00') };
    const incident = outage('dvcqg-home', '2026-12-02T15:00:00+07:00');
    const figures = availabilityOf(checkTimeline({ check: CHECK, window, incidents: [incident], maintenance: [], observed: observedMinutesOf(fullDay) }));
    expect(figures.downSeconds).toBe(1800);
    expect(figures.observedSeconds).toBe(86_400);
    expect(percent(figures.availabilityPercent)).toBe(97.92);
  });

  it('maintenance inside an outage is excluded: neither up nor down', () => {
    const incident = outage('dvcqg-home', '2026-12-02T01:00:00+07:00', '2026-12-02T03:00:00+07:00');
    const window: MaintenanceWindow = {
      kind: 'absolute',
      name: 'cutover',
      checks: ['dvcqg-*'],
      start: at('2026-12-02T01:30:00+07:00'),
      end: at('2026-12-02T02:30:00+07:00'),
    };
    const figures = availabilityOf(
      checkTimeline({ check: CHECK, window: DAY, incidents: [incident], maintenance: [window], observed: observedMinutesOf(fullDay) }),
    );
    expect(figures).toMatchObject({ downSeconds: 3600, excludedSeconds: 3600, observedSeconds: 82_800, notObservedSeconds: 0 });
    expect(percent(figures.availabilityPercent)).toBe(95.65);
    // A window that does not cover the check changes nothing.
    const elsewhere = availabilityOf(
      checkTimeline({
        check: CHECK,
        window: DAY,
        incidents: [incident],
        maintenance: [{ ...window, checks: ['sync-*'] }],
        observed: observedMinutesOf(fullDay),
      }),
    );
    expect(elsewhere).toMatchObject({ downSeconds: 7200, excludedSeconds: 0, observedSeconds: 86_400 });
  });

  it('a nightly window written in Vietnamese time lands at 02:00+07 on a UTC machine', () => {
    const nightly: MaintenanceWindow = {
      kind: 'recurring',
      name: 'backup',
      checks: [],
      cron: '0 2 * * *',
      durationSeconds: 1800,
      timezone: 'Asia/Ho_Chi_Minh',
    };
    expect(
      maintenanceOccurrences([nightly], { start: DAY.from.getTime(), end: DAY.to.getTime() }).map(({ interval }) => new Date(interval.start).toISOString()),
    ).toEqual(['2026-12-01T19:00:00.000Z']);
    // The outage 01:50–02:10 local: 10 minutes before the window, 10 minutes inside it.
    const incident = outage('dvcqg-home', '2026-12-02T01:50:00+07:00', '2026-12-02T02:10:00+07:00');
    const figures = availabilityOf(
      checkTimeline({ check: CHECK, window: DAY, incidents: [incident], maintenance: [nightly], observed: observedMinutesOf(fullDay) }),
    );
    expect(figures).toMatchObject({ downSeconds: 600, excludedSeconds: 1800, observedSeconds: 84_600 });
    expect(percent(figures.availabilityPercent)).toBe(99.29);
  });

  it('an internal failure is not observed, not down', () => {
    const internal = outage('dvcqg-home', '2026-12-02T10:00:00+07:00', '2026-12-02T10:05:00+07:00', { firstReason: 'internal', lastReason: 'internal' });
    const minutes = [
      ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T00:00:00+07:00', to: '2026-12-02T10:00:00+07:00' }),
      ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T10:00:00+07:00', to: '2026-12-02T10:05:00+07:00', failing: 'internal' }),
      ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T10:05:00+07:00', to: '2026-12-03T00:00:00+07:00' }),
    ];
    const figures = availabilityOf(checkTimeline({ check: CHECK, window: DAY, incidents: [internal], maintenance: [], observed: observedMinutesOf(minutes) }));
    expect(figures).toEqual({ availabilityPercent: 100, downSeconds: 0, observedSeconds: 86_100, excludedSeconds: 0, notObservedSeconds: 300 });
    // Minutes of internal failures alone, without an incident, are not observed either.
    const alone = availabilityOf(checkTimeline({ check: CHECK, window: DAY, incidents: [], maintenance: [], observed: observedMinutesOf(minutes) }));
    expect(alone.notObservedSeconds).toBe(300);
  });

  it('no token for the API (reason auth) is not observed, not down: the API was never called', () => {
    const auth = outage('dvcqg-home', '2026-12-02T02:00:00+07:00', '2026-12-02T02:20:00+07:00', { firstReason: 'auth', lastReason: 'auth' });
    const minutes = [
      ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T00:00:00+07:00', to: '2026-12-02T02:00:00+07:00' }),
      ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T02:00:00+07:00', to: '2026-12-02T02:20:00+07:00', failing: 'auth' }),
      ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T02:20:00+07:00', to: '2026-12-03T00:00:00+07:00' }),
    ];
    const figures = availabilityOf(checkTimeline({ check: CHECK, window: DAY, incidents: [auth], maintenance: [], observed: observedMinutesOf(minutes) }));
    expect(figures).toEqual({ availabilityPercent: 100, downSeconds: 0, observedSeconds: 85_200, excludedSeconds: 0, notObservedSeconds: 1200 });
    const alone = availabilityOf(checkTimeline({ check: CHECK, window: DAY, incidents: [], maintenance: [], observed: observedMinutesOf(minutes) }));
    expect(alone.notObservedSeconds).toBe(1200);
  });

  it('a daemon down for two hours in the middle of an outage: only the watched part of the outage is down', () => {
    const minutes = [
      ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T00:00:00+07:00', to: '2026-12-02T13:00:00+07:00' }),
      ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T15:00:00+07:00', to: '2026-12-03T00:00:00+07:00' }),
    ];
    const incident = outage('dvcqg-home', '2026-12-02T12:50:00+07:00', '2026-12-02T15:01:00+07:00');
    const figures = availabilityOf(checkTimeline({ check: CHECK, window: DAY, incidents: [incident], maintenance: [], observed: observedMinutesOf(minutes) }));
    expect(figures).toMatchObject({ downSeconds: 660, observedSeconds: 79_200, notObservedSeconds: 7200, excludedSeconds: 0 });
    expect(percent(figures.availabilityPercent)).toBe(99.17);
  });

  it('a check probed every five minutes is watched between its rows', () => {
    const sparse = minutesOf({ check: 'dvcqg-home', from: '2026-12-02T00:00:00+07:00', to: '2026-12-03T00:00:00+07:00' }).filter((_, index) => index % 5 === 0);
    const figures = availabilityOf(
      checkTimeline({ check: { ...CHECK, intervalSeconds: 300 }, window: DAY, incidents: [], maintenance: [], observed: observedMinutesOf(sparse) }),
    );
    expect(figures).toMatchObject({ observedSeconds: 86_400, notObservedSeconds: 0, availabilityPercent: 100 });
  });

  it('nothing observed gives no percentage', () => {
    const figures = availabilityOf(checkTimeline({ check: CHECK, window: DAY, incidents: [], maintenance: [], observed: { seen: [], blind: [] } }));
    expect(figures).toEqual({ availabilityPercent: undefined, downSeconds: 0, observedSeconds: 0, excludedSeconds: 0, notObservedSeconds: 86_400 });
  });

  it('without history only own-fault incidents are not observed', () => {
    const figures = availabilityOf(
      checkTimeline({
        check: CHECK,
        window: DAY,
        incidents: [outage('dvcqg-home', '2026-12-02T08:00:00+07:00', '2026-12-02T08:30:00+07:00')],
        maintenance: [],
      }),
    );
    expect(figures).toMatchObject({ downSeconds: 1800, observedSeconds: 86_400 });
  });
});

describe('a system', () => {
  it('is down over the union of its checks, observed where any check watched', () => {
    const a = checkTimeline({
      check: { name: 'dvcqg-home', intervalSeconds: 60 },
      window: DAY,
      incidents: [outage('dvcqg-home', '2026-12-02T10:00:00+07:00', '2026-12-02T10:30:00+07:00')],
      maintenance: [],
      observed: observedMinutesOf(fullDay),
    });
    const bMinutes = minutesOf({ check: 'dvcqg-search', from: '2026-12-02T00:00:00+07:00', to: '2026-12-03T00:00:00+07:00' }).filter(
      (row) => row.minute < at('2026-12-02T11:00:00+07:00') || row.minute >= at('2026-12-02T12:00:00+07:00'),
    );
    const b = checkTimeline({
      check: { name: 'dvcqg-search', intervalSeconds: 60 },
      window: DAY,
      incidents: [outage('dvcqg-search', '2026-12-02T10:15:00+07:00', '2026-12-02T10:45:00+07:00')],
      maintenance: [],
      observed: observedMinutesOf(bMinutes),
    });
    expect(availabilityOf(b)).toMatchObject({ downSeconds: 1800, observedSeconds: 82_800 });
    const system = availabilityOf(systemTimeline(DAY, [a, b]));
    expect(system).toEqual({
      availabilityPercent: (100 * (86_400 - 2700)) / 86_400,
      downSeconds: 2700,
      observedSeconds: 86_400,
      excludedSeconds: 0,
      notObservedSeconds: 0,
    });
    expect(percent(system.availabilityPercent)).toBe(96.88);
  });
});

describe('interval sets', () => {
  it('merge, and cut', () => {
    expect(
      unionOf([
        { start: 5, end: 9 },
        { start: 0, end: 3 },
        { start: 3, end: 4 },
        { start: 8, end: 12 },
      ]),
    ).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 12 },
    ]);
    expect(
      subtract(
        [{ start: 0, end: 10 }],
        [
          { start: 2, end: 3 },
          { start: 5, end: 20 },
        ],
      ),
    ).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 5 },
    ]);
    // Several intervals cut by cuts that straddle them.
    expect(
      subtract(
        [
          { start: 0, end: 4 },
          { start: 6, end: 12 },
          { start: 14, end: 16 },
        ],
        [
          { start: 1, end: 2 },
          { start: 3, end: 7 },
          { start: 11, end: 15 },
        ],
      ),
    ).toEqual([
      { start: 0, end: 1 },
      { start: 2, end: 3 },
      { start: 7, end: 11 },
      { start: 15, end: 16 },
    ]);
    expect(
      unionOfSets([
        [
          { start: 0, end: 2 },
          { start: 8, end: 9 },
        ],
        [
          { start: 1, end: 3 },
          { start: 5, end: 6 },
        ],
        [{ start: 3, end: 4 }],
      ]),
    ).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 6 },
      { start: 8, end: 9 },
    ]);
  });
});
