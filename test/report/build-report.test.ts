import { describe, expect, it } from 'vitest';
import {
  buildReport,
  dayWindow,
  previousMonthWindow,
  previousScheduledSlot,
  previousWeekWindow,
  scheduledWindow,
  sincePreviousWindow,
} from '../../src/report/build-report.ts';
import { at, memorySource, minutesOf, outage, reportConfig } from './report-fixtures.ts';

const DAY = dayWindow('2026-12-02');
const NOW = at('2026-12-03T15:30:00+07:00');

function dayOfHistory() {
  return [
    ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T00:00:00+07:00', to: '2026-12-02T10:00:00+07:00', probes: 2, seconds: 0.2 }),
    ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T10:00:00+07:00', to: '2026-12-02T10:30:00+07:00', probes: 2, seconds: 10, failing: 'timeout' }),
    ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T10:30:00+07:00', to: '2026-12-03T00:00:00+07:00', probes: 2, seconds: 0.4 }),
    ...minutesOf({ check: 'dvcqg-search', from: '2026-12-02T00:00:00+07:00', to: '2026-12-03T00:00:00+07:00', seconds: 1, tlsDaysLeft: 40 }),
    ...minutesOf({ check: 'sync-hoso', from: '2026-12-02T00:00:00+07:00', to: '2026-12-02T12:00:00+07:00', syncLag: 120, backlog: 3 }),
    ...minutesOf({ check: 'sync-hoso', from: '2026-12-02T12:00:00+07:00', to: '2026-12-03T00:00:00+07:00', syncLag: 900, backlog: 17 }),
  ];
}

describe('buildReport', () => {
  it('a day with one outage: figures per check and per system, the incident, the strip', () => {
    const incident = outage('dvcqg-home', '2026-12-02T10:00:00+07:00', '2026-12-02T10:30:00+07:00', { system: 'dvcqg' });
    const report = buildReport(reportConfig(), memorySource(dayOfHistory(), [incident]), DAY, {
      locale: 'vi',
      now: NOW,
      name: 'daily',
      unit: 'Sở KH&CN An Giang',
    });

    expect(report.window).toEqual(DAY);
    expect(report.verdict).toBe('degraded');
    const home = report.checks.find((check) => check.name === 'dvcqg-home')!;
    expect(home).toMatchObject({ system: 'dvcqg', downSeconds: 1800, observedSeconds: 86_400, probes: 2880, failures: 60, failuresByReason: { timeout: 60 } });
    expect(home.availabilityPercent).toBeCloseTo((100 * 84_600) / 86_400, 10);
    // 1,200 probes at 0.2 s, 60 at 10 s, 1,620 at 0.4 s: the median is 0.4 s, p95 too, the max 10 s (within the sketch's 1 %).
    expect(home.latency.p50).toBeCloseTo(0.4, 2);
    expect(home.latency.p95).toBeCloseTo(0.4, 2);
    expect(home.latency.max).toBe(10);
    const search = report.checks.find((check) => check.name === 'dvcqg-search')!;
    expect(search).toMatchObject({ tlsDaysLeft: 40, availabilityPercent: 100 });
    const sync = report.checks.find((check) => check.name === 'sync-hoso')!;
    expect(sync.sync).toMatchObject({ unit: 'seconds', lagMax: 900, backlogMax: 17 });
    expect(sync.sync!.lagP95! / 900).toBeCloseTo(1, 1);

    expect(report.systems.map((system) => [system.name, system.downSeconds, system.probes, system.failures])).toEqual([
      ['dvcqg', 1800, 4320, 60],
      ['tthc-angiang', 0, 1440, 0],
    ]);
    expect(report.incidents).toEqual([
      expect.objectContaining({
        check: 'dvcqg-home',
        startedAt: at('2026-12-02T10:00:00+07:00'),
        endedAt: at('2026-12-02T10:30:00+07:00'),
        durationSeconds: 1800,
        reason: 'timeout',
      }),
    ]);
    const strip = report.hours.find((hours) => hours.system === 'dvcqg')!;
    expect(strip.hours).toHaveLength(24);
    expect(strip.hours[0]!.start).toEqual(at('2026-12-02T00:00:00+07:00'));
    expect(strip.hours.map((hour) => hour.state).join(',')).toBe([...Array(10).fill('up'), 'down', ...Array(13).fill('up')].join(','));
  });

  it('an outage going on at the report time: verdict outage, no end, counted to the report time', () => {
    const window = sincePreviousWindow(at('2026-12-01T15:30:00+07:00'), at('2026-12-02T15:30:00+07:00'));
    const incident = outage('sync-hoso', '2026-12-02T15:00:00+07:00', undefined, { system: 'tthc-angiang', firstReason: 'sync_lag' });
    const minutes = minutesOf({ check: 'sync-hoso', from: '2026-12-01T15:30:00+07:00', to: '2026-12-02T15:30:00+07:00' });
    const report = buildReport(reportConfig(), memorySource(minutes, [incident]), window, { locale: 'vi', now: at('2026-12-02T15:30:05+07:00') });
    expect(report.verdict).toBe('outage');
    expect(report.incidents[0]).toMatchObject({ endedAt: undefined, durationSeconds: 1800, reason: 'sync_lag' });
    expect(report.systems.find((system) => system.name === 'tthc-angiang')).toMatchObject({ downSeconds: 1800, observedSeconds: 86_400 });
    // Half-hour-aligned window: the first and last cells are the local hours 15:00 and 15:00.
    const strip = report.hours.find((hours) => hours.system === 'tthc-angiang')!.hours;
    expect(strip).toHaveLength(25);
    expect(strip.at(-1)).toEqual({ start: at('2026-12-02T15:00:00+07:00'), state: 'down' });
    // dvcqg kept no history in this story: nothing observed, no percentage.
    expect(report.systems.find((system) => system.name === 'dvcqg')!.availabilityPercent).toBeUndefined();
  });

  it('a window reaching past now is cut at now', () => {
    const report = buildReport(reportConfig(), memorySource([], []), dayWindow('2026-12-03'), { locale: 'en', now: NOW, history: false });
    expect(report.window).toEqual({ from: at('2026-12-03T00:00:00+07:00'), to: NOW });
    expect(report.checks[0]).toMatchObject({ observedSeconds: 15.5 * 3600, availabilityPercent: 100, probes: 0, latency: {} });
    expect(report.verdict).toBe('normal');
  });

  it('maintenance spans and the hours they fill', () => {
    const config = reportConfig({
      alerting: { maintenance: [{ name: 'backup', cron: '0 2 * * *', duration: '2h', checks: ['dvcqg-*'] }] },
    });
    const report = buildReport(config, memorySource(dayOfHistory(), []), DAY, { locale: 'vi', now: NOW });
    expect(report.maintenance).toEqual([
      { name: 'backup', from: at('2026-12-02T02:00:00+07:00'), to: at('2026-12-02T04:00:00+07:00'), checks: ['dvcqg-home', 'dvcqg-search'] },
    ]);
    const strip = report.hours.find((hours) => hours.system === 'dvcqg')!.hours;
    expect(strip.slice(1, 5).map((hour) => hour.state)).toEqual(['up', 'excluded', 'excluded', 'up']);
    expect(report.systems[0]).toMatchObject({ excludedSeconds: 7200, observedSeconds: 79_200 });
  });
});

describe('buildReport and our own network', () => {
  it('time when every vantage check failed is not observed for the other checks', () => {
    const config = reportConfig({
      alerting: { vantage: ['vantage-gw', 'vantage-dns'] },
      checks: [
        { name: 'dvcqg-home', system: 'dvcqg', kind: 'http', url: 'https://dichvucong.gov.vn/' },
        { name: 'vantage-gw', system: 'vantage', kind: 'tcp', host: '10.0.0.1', port: 443 },
        { name: 'vantage-dns', system: 'vantage', kind: 'dns', host: 'gov.vn' },
      ],
    });
    const incidents = [
      outage('vantage-gw', '2026-12-02T08:00:00+07:00', '2026-12-02T08:30:00+07:00', { system: 'vantage', firstReason: 'connect' }),
      outage('vantage-dns', '2026-12-02T08:10:00+07:00', '2026-12-02T08:40:00+07:00', { system: 'vantage', firstReason: 'dns' }),
      outage('dvcqg-home', '2026-12-02T08:00:00+07:00', '2026-12-02T09:00:00+07:00', { system: 'dvcqg' }),
    ];
    const report = buildReport(config, memorySource([], incidents), DAY, { locale: 'vi', now: NOW, history: false });
    const home = report.checks.find((check) => check.name === 'dvcqg-home')!;
    // Both vantage checks failed 08:10–08:30: those 20 minutes of the hour's outage are not the portal's.
    expect(home).toMatchObject({ downSeconds: 2400, notObservedSeconds: 1200, observedSeconds: 85_200 });
    expect(Math.round(home.availabilityPercent! * 100) / 100).toBe(97.18);
    expect(report.checks.find((check) => check.name === 'vantage-gw')).toMatchObject({ downSeconds: 1800, notObservedSeconds: 0 });
  });
});

describe('report windows in Vietnamese time on a UTC machine', () => {
  it('a day is local midnight to midnight', () => {
    expect(dayWindow('2026-12-02')).toEqual({ from: at('2026-12-01T17:00:00Z'), to: at('2026-12-02T17:00:00Z') });
    expect(() => dayWindow('2026-02-30')).toThrow('not a calendar date');
  });

  it('the previous scheduled time of "30 15 * * *" is 15:30 local the day before', () => {
    const slot = at('2026-12-03T08:30:00Z');
    expect(previousScheduledSlot('30 15 * * *', 'Asia/Ho_Chi_Minh', slot)).toEqual(at('2026-12-02T15:30:00+07:00'));
    expect(scheduledWindow('sincePrevious', slot, at('2026-12-02T15:30:00+07:00'))).toEqual({ from: at('2026-12-02T15:30:00+07:00'), to: slot });
    expect(scheduledWindow('day', slot, undefined)).toEqual(dayWindow('2026-12-02'));
  });

  it('a week runs Monday to Monday and a month from the first', () => {
    // Thursday 3 December 2026 at 00:30 local is still Wednesday 17:30 UTC.
    const slot = at('2026-12-03T00:30:00+07:00');
    expect(previousWeekWindow(slot)).toEqual({ from: at('2026-11-23T00:00:00+07:00'), to: at('2026-11-30T00:00:00+07:00') });
    expect(previousMonthWindow(slot)).toEqual({ from: at('2026-11-01T00:00:00+07:00'), to: at('2026-12-01T00:00:00+07:00') });
    expect(previousMonthWindow(at('2027-01-01T00:00:00+07:00'))).toEqual({ from: at('2026-12-01T00:00:00+07:00'), to: at('2027-01-01T00:00:00+07:00') });
  });
});
