// Objectives inside the report: each over its calendar period up to the window's end, figures to
// the second, and every format showing them (met or not in words, budget left or exceeded by).
import { describe, expect, it } from 'vitest';
import { buildReport, dayWindow } from '../../src/report/build-report.ts';
import { renderReportCsv } from '../../src/report/render-report-csv.ts';
import { renderReportHtml } from '../../src/report/render-report-html.ts';
import { renderReportJson } from '../../src/report/render-report-json.ts';
import { renderReportText } from '../../src/report/render-report-text.ts';
import type { Report } from '../../src/report/report-model.ts';
import { buildConfiguredReport } from '../../src/report/report-request.ts';
import { at, memorySource, minutesOf, outage, reportConfig } from './report-fixtures.ts';

const DAY = dayWindow('2026-12-02');
const NOW = at('2026-12-03T15:30:00+07:00');

/**
 * 1 to 3 December, Vietnam time. dvcqg-home: watched from midnight on the 1st but for two hours
 * the monitor was not running (02:00–04:00 on the 1st), down ten minutes on the 2nd, and down
 * again on the 3rd, after the window. Its neighbours and the sync were up throughout.
 */
function history() {
  const minutes = [
    ...minutesOf({ check: 'dvcqg-home', from: '2026-12-01T00:00:00+07:00', to: '2026-12-01T02:00:00+07:00' }),
    ...minutesOf({ check: 'dvcqg-home', from: '2026-12-01T04:00:00+07:00', to: '2026-12-02T10:00:00+07:00' }),
    ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T10:00:00+07:00', to: '2026-12-02T10:10:00+07:00', failing: 'timeout' }),
    ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T10:10:00+07:00', to: '2026-12-03T09:00:00+07:00' }),
    ...minutesOf({ check: 'dvcqg-home', from: '2026-12-03T09:00:00+07:00', to: '2026-12-03T11:00:00+07:00', failing: 'timeout' }),
    ...minutesOf({ check: 'dvcqg-home', from: '2026-12-03T11:00:00+07:00', to: '2026-12-03T15:30:00+07:00' }),
    ...minutesOf({ check: 'dvcqg-search', from: '2026-12-01T00:00:00+07:00', to: '2026-12-03T15:30:00+07:00' }),
    ...minutesOf({ check: 'sync-hoso', from: '2026-12-01T00:00:00+07:00', to: '2026-12-03T15:30:00+07:00', syncLag: 60 }),
  ];
  const incidents = [
    outage('dvcqg-home', '2026-12-02T10:00:00+07:00', '2026-12-02T10:10:00+07:00', { system: 'dvcqg' }),
    outage('dvcqg-home', '2026-12-03T09:00:00+07:00', '2026-12-03T11:00:00+07:00', { system: 'dvcqg' }),
  ];
  return memorySource(minutes, incidents);
}

const OBJECTIVES = [
  { check: 'dvcqg-home', target: '99.5%' },
  { check: 'dvcqg-home', target: '99.99%', period: 'month' },
  { system: 'tthc-angiang', target: 99, period: 'day' },
];

function dayReport(locale: Report['locale'] = 'vi'): Report {
  const config = reportConfig({ objectives: OBJECTIVES, alerting: { locale } });
  return buildConfiguredReport(config, history(), DAY, undefined, { now: NOW, history: true });
}

describe('objectives in the report', () => {
  it('each over its period up to the window’s end: availability, met so far, budget left to the second', () => {
    const report = dayReport();
    const [month, strict, day] = report.objectives!;
    // December: 2,678,400 s, less the 7,200 s not observed = 2,671,200 s countable; 0.5 % of it = 13,356 s
    // allowed, less the 600 s down so far (the outage of the 3rd is after the window) = 12,756 s.
    expect(month).toEqual({
      scope: 'check',
      name: 'dvcqg-home',
      target: 99.5,
      period: 'month',
      bounds: { from: at('2026-12-01T00:00:00+07:00'), to: at('2027-01-01T00:00:00+07:00') },
      availabilityPercent: (100 * (165_600 - 600)) / 165_600,
      downSeconds: 600,
      met: true,
      budgetRemainingSeconds: 12_756,
    });
    // 0.01 % of 2,671,200 s = 267.12 s allowed; 600 s down: broken, 332.88 s over.
    expect(strict).toMatchObject({ target: 99.99, met: false, downSeconds: 600 });
    expect(strict!.budgetRemainingSeconds).toBeCloseTo(-332.88, 9);
    // A day objective in a report of that day: the period is the day reported, not the next one.
    expect(day).toEqual({
      scope: 'system',
      name: 'tthc-angiang',
      target: 99,
      period: 'day',
      bounds: DAY,
      availabilityPercent: 100,
      downSeconds: 0,
      met: true,
      budgetRemainingSeconds: 864,
    });
  });

  it('a window running to now counts the period up to now; a report without objectives has none', () => {
    const config = reportConfig({ objectives: [{ check: 'dvcqg-home', target: '99.5%' }] });
    const today = buildConfiguredReport(config, history(), dayWindow('2026-12-03'), undefined, { now: NOW, history: true });
    // Down 600 s on the 2nd and 7,200 s on the 3rd: 13,356 − 7,800 = 5,556 s left.
    expect(today.objectives).toMatchObject([{ downSeconds: 7800, budgetRemainingSeconds: 5556 }]);
    expect(buildConfiguredReport(reportConfig(), history(), DAY, undefined, { now: NOW, history: true }).objectives).toBeUndefined();
    expect(buildReport(config, history(), DAY, { locale: 'vi', now: NOW }).objectives).toBeUndefined();
  });

  it('JSON: objectives with ISO period bounds and seconds', () => {
    const json = JSON.parse(renderReportJson(dayReport())) as { objectives: unknown[] };
    expect(json.objectives[0]).toEqual({
      scope: 'check',
      name: 'dvcqg-home',
      targetPercent: 99.5,
      period: 'month',
      periodFrom: '2026-11-30T17:00:00.000Z',
      periodTo: '2026-12-31T17:00:00.000Z',
      availabilityPercent: 99.6377,
      downSeconds: 600,
      met: true,
      budgetRemainingSeconds: 12_756,
      unknown: false,
    });
    expect(json.objectives[1]).toMatchObject({ targetPercent: 99.99, met: false, budgetRemainingSeconds: -332.88 });
    const none = JSON.parse(renderReportJson(buildReport(reportConfig(), history(), DAY, { locale: 'vi', now: NOW }))) as { objectives: unknown[] };
    expect(none.objectives).toEqual([]);
  });

  it('text: a table in section 1, in Vietnamese, with the budget left and the one exceeded', () => {
    const text = renderReportText(dayReport());
    const section = text.slice(text.indexOf('1. TÌNH HÌNH HOẠT ĐỘNG'), text.indexOf('2. SỰ CỐ'));
    const table = section.slice(section.indexOf('Mục tiêu khả dụng:')).split('\n\n')[0]!.split('\n');
    expect(table[1]).toMatch(/^Mục tiêu\s+Chỉ tiêu\s+Kỳ\s+Đạt được đến cuối kỳ báo cáo\s+Đánh giá\s+Thời gian gián đoạn còn được phép$/);
    const rows = table.slice(3);
    expect(rows).toHaveLength(3);
    // 12,756 s is 3 h 32 min 36 s, written down to the minute; 332.88 s over is written up to 5 min 33 s.
    expect(rows[0]).toMatch(/^Kiểm tra dvcqg-home\s+99,5% mỗi tháng\s+01\/12\/2026 – 31\/12\/2026\s+99,64%\s+Đạt\s+còn 3 giờ 32 phút$/);
    expect(rows[1]).toMatch(/^Kiểm tra dvcqg-home\s+99,99% mỗi tháng\s+01\/12\/2026 – 31\/12\/2026\s+99,64%\s+Không đạt\s+đã vượt 5 phút 33 giây$/);
    expect(rows[2]).toMatch(/99% mỗi ngày\s+02\/12\/2026\s+100,00%\s+Đạt\s+còn 14 phút$/);
  });

  it('text in English with locale en', () => {
    const text = renderReportText(dayReport('en'));
    expect(text).toContain('Availability objectives:');
    expect(text).toMatch(/Check dvcqg-home\s+99\.99% per month\s+1 Dec 2026 – 31 Dec 2026\s+99\.64%\s+Not met\s+exceeded by 5m 33s/);
  });

  it('HTML: the same table in section 1, every cell escaped', () => {
    const report = dayReport();
    const hostile: Report = { ...report, objectives: [{ ...report.objectives![0]!, name: '<b>home</b>' }] };
    const html = renderReportHtml(hostile);
    const section = html.slice(html.indexOf('1. Tình hình hoạt động'), html.indexOf('2. '));
    expect(section).toContain('Mục tiêu khả dụng</h3>');
    expect(section).toContain('Kiểm tra &lt;b&gt;home&lt;/b&gt;');
    expect(section).not.toContain('<b>home');
    expect(section).toMatch(/99,64%<\/td><td[^>]*>Đạt<\/td><td[^>]*>còn 3 giờ 32 phút<\/td>/);
  });

  it('CSV: the per-check table is unchanged', () => {
    const withObjectives = dayReport();
    const { objectives: _objectives, ...without } = withObjectives;
    expect(renderReportCsv(withObjectives)).toBe(renderReportCsv(without));
  });
});

describe('where the objectives come from', () => {
  it('shows figures already evaluated as they are, without reading a period of minutes, and none when told to omit them', () => {
    const config = reportConfig({ objectives: OBJECTIVES });
    const counted = dayReport().objectives!;
    // A source whose minutes outside the window would throw: handed figures, the report must not look.
    const source = history();
    const guarded = {
      ...source,
      minutes: (window: { from: Date; to: Date }) => {
        if (window.from < DAY.from) throw new Error('read minutes before the window');
        return source.minutes(window);
      },
    };
    const given = buildConfiguredReport(config, guarded, DAY, undefined, { now: NOW, history: true, objectives: counted });
    expect(given.objectives).toEqual(counted);
    expect(() => buildConfiguredReport(config, guarded, DAY, undefined, { now: NOW, history: true })).toThrow('read minutes before the window');
    const omitted = buildConfiguredReport(config, guarded, DAY, undefined, { now: NOW, history: true, objectives: 'omit' });
    expect(omitted.objectives).toBeUndefined();
    expect(JSON.parse(renderReportJson(omitted)).objectives).toEqual([]);
  });
});
