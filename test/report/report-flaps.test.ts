import { describe, expect, it } from 'vitest';
import { buildReport, dayWindow } from '../../src/report/build-report.ts';
import { renderReportCsv } from '../../src/report/render-report-csv.ts';
import { renderReportJson } from '../../src/report/render-report-json.ts';
import { renderReportText } from '../../src/report/render-report-text.ts';
import { renderReportHtml } from '../../src/report/render-report-html.ts';
import { at, memorySource, minutesOf, outage, reportConfig } from './report-fixtures.ts';

const DAY = dayWindow('2026-12-02');
const NOW = at('2026-12-03T15:30:00+07:00');
const EPISODE = { changes: 9, windowSeconds: 1800 };

function flappingDay() {
  return buildReport(
    reportConfig(),
    memorySource(
      [],
      [
        // An episode that began the day before and ended in the window is not this day's flap.
        outage('dvcqg-home', '2026-12-01T23:50:00+07:00', '2026-12-02T00:40:00+07:00', {
          system: 'dvcqg',
          flapping: { since: at('2026-12-01T23:55:00+07:00'), endedAt: at('2026-12-02T00:40:00+07:00'), ...EPISODE },
        }),
        outage('dvcqg-home', '2026-12-02T10:00:00+07:00', '2026-12-02T10:45:00+07:00', {
          system: 'dvcqg',
          flapping: { since: at('2026-12-02T10:07:00+07:00'), endedAt: at('2026-12-02T11:15:00+07:00'), ...EPISODE },
        }),
        outage('dvcqg-home', '2026-12-02T20:00:00+07:00', undefined, { system: 'dvcqg', flapping: { since: at('2026-12-02T20:09:00+07:00'), ...EPISODE } }),
        outage('dvcqg-search', '2026-12-02T12:00:00+07:00', '2026-12-02T12:05:00+07:00', { system: 'dvcqg' }),
      ],
    ),
    DAY,
    { locale: 'vi', now: NOW, name: 'daily', unit: 'Sở KH&CN An Giang' },
  );
}

describe('flaps in the report', () => {
  it('counts the flapping episodes that began in the window, per check', () => {
    const report = flappingDay();
    expect(report.checks.map((check) => [check.name, check.flaps])).toEqual([
      ['dvcqg-home', 2],
      ['dvcqg-search', 0],
      ['sync-hoso', 0],
    ]);
  });

  it('does not count the runs of passes inside an episode as down time', () => {
    const episode = outage('dvcqg-home', '2026-12-02T10:00:00+07:00', '2026-12-02T10:50:00+07:00', {
      system: 'dvcqg',
      flapping: {
        since: at('2026-12-02T10:07:00+07:00'),
        endedAt: at('2026-12-02T11:20:00+07:00'),
        ...EPISODE,
        up: [
          { from: at('2026-12-02T10:10:00+07:00'), to: at('2026-12-02T10:20:00+07:00') },
          { from: at('2026-12-02T10:30:00+07:00'), to: at('2026-12-02T10:45:00+07:00') },
          { from: at('2026-12-02T10:50:00+07:00') },
        ],
      },
    });
    const report = buildReport(
      reportConfig(),
      memorySource(minutesOf({ check: 'dvcqg-home', from: '2026-12-02T00:00:00+07:00', to: '2026-12-03T00:00:00+07:00', seconds: 0.2 }), [episode]),
      DAY,
      { locale: 'vi', now: NOW, name: 'daily', unit: 'Sở KH&CN An Giang' },
    );
    // 50 minutes from the first failure to the last recovery, less 10 and 15 minutes up.
    expect(report.checks.find((check) => check.name === 'dvcqg-home')?.downSeconds).toBe(25 * 60);
  });

  it('shows them in the HTML report, in the row of the check', () => {
    const html = renderReportHtml(flappingDay());
    expect(html).toContain('>Chập chờn<');
    const row = /<tr>(?:(?!<\/tr>)[\s\S])*dvcqg-home(?:(?!<\/tr>)[\s\S])*<\/tr>/.exec(html)?.[0] ?? '';
    expect(row).toMatch(/>2<\/td>\s*<\/tr>$/);
  });

  it('shows them in JSON, CSV and text', () => {
    const report = flappingDay();
    const json = JSON.parse(renderReportJson(report)) as { checks: { name: string; flaps: number }[] };
    expect(json.checks.map((check) => [check.name, check.flaps])).toEqual([
      ['dvcqg-home', 2],
      ['dvcqg-search', 0],
      ['sync-hoso', 0],
    ]);
    const csv = renderReportCsv(report).slice(1).split('\r\n');
    expect(csv[0]!.split(',').at(-1)).toBe('Chập chờn');
    expect(csv[1]!.startsWith('dvcqg,dvcqg-home,')).toBe(true);
    expect(csv[1]!.split(',').at(-1)).toBe('2');
    const text = renderReportText(report);
    expect(text).toContain('Chập chờn');
    expect(
      text
        .split('\n')
        .find((line) => line.trimStart().startsWith('dvcqg-home'))
        ?.trimEnd()
        .endsWith(' 2'),
    ).toBe(true);
  });
});
