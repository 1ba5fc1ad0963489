import { describe, expect, it } from 'vitest';
import { buildReport, dayWindow } from '../../src/report/build-report.ts';
import { renderReportCsv, csvField } from '../../src/report/render-report-csv.ts';
import { HOUR_COLOURS, renderReportHtml } from '../../src/report/render-report-html.ts';
import { renderReportJson } from '../../src/report/render-report-json.ts';
import { renderReportText } from '../../src/report/render-report-text.ts';
import type { Report } from '../../src/report/report-model.ts';
import { vi as viWords } from '../../src/text/vi.ts';
import { en as enWords } from '../../src/text/en.ts';
import { at, memorySource, minutesOf, outage, reportConfig } from './report-fixtures.ts';

const DAY = dayWindow('2026-12-02');

function dayReport(overrides: Partial<Parameters<typeof buildReport>[3]> = {}): Report {
  const minutes = [
    ...minutesOf({ check: 'dvcqg-home', from: '2026-12-02T00:00:00+07:00', to: '2026-12-03T00:00:00+07:00', seconds: 0.25 }),
    ...minutesOf({ check: 'dvcqg-search', from: '2026-12-02T00:00:00+07:00', to: '2026-12-03T00:00:00+07:00', seconds: 0.5, tlsDaysLeft: 12 }),
    ...minutesOf({ check: 'sync-hoso', from: '2026-12-02T00:00:00+07:00', to: '2026-12-03T00:00:00+07:00', syncLag: 300, backlog: 4 }),
  ];
  const incidents = [
    outage('dvcqg-home', '2026-12-02T10:00:00+07:00', '2026-12-02T10:30:00+07:00', { system: 'dvcqg' }),
    outage('sync-hoso', '2026-12-02T23:00:00+07:00', undefined, { system: 'tthc-angiang', firstReason: 'sync_lag' }),
  ];
  return buildReport(reportConfig(), memorySource(minutes, incidents), DAY, {
    locale: 'vi',
    now: at('2026-12-03T15:30:00+07:00'),
    name: 'daily',
    unit: 'Sở Khoa học & Công nghệ <An Giang>',
    signer: 'KT. GIÁM ĐỐC "Nguyễn Văn A"',
    ...overrides,
  });
}

describe('renderReportJson', () => {
  it('keeps the contract: window, checks, systems, incidents with ISO times and seconds', () => {
    const json = JSON.parse(renderReportJson(dayReport())) as Record<string, any>;
    expect(json.window).toEqual({ from: '2026-12-01T17:00:00.000Z', to: '2026-12-02T17:00:00.000Z' });
    expect(json.checks[0]).toMatchObject({
      name: 'dvcqg-home',
      system: 'dvcqg',
      availabilityPercent: 97.9167,
      downSeconds: 1800,
      observedSeconds: 86_400,
      excludedSeconds: 0,
      probes: 1440,
      failures: 0,
      latency: { p50: expect.closeTo(0.25, 2), p95: expect.closeTo(0.25, 2), max: 0.25 },
    });
    for (const key of ['name', 'system', 'availabilityPercent', 'downSeconds', 'observedSeconds', 'excludedSeconds', 'probes', 'failures', 'latency']) {
      expect(Object.keys(json.checks[2])).toContain(key);
      if (key !== 'system') expect(Object.keys(json.systems[0])).toContain(key);
    }
    expect(json.systems.map((system: { name: string; downSeconds: number }) => [system.name, system.downSeconds])).toEqual([
      ['dvcqg', 1800],
      ['tthc-angiang', 3600],
    ]);
    expect(json.incidents).toEqual([
      expect.objectContaining({
        check: 'dvcqg-home',
        startedAt: '2026-12-02T03:00:00.000Z',
        endedAt: '2026-12-02T03:30:00.000Z',
        durationSeconds: 1800,
        reason: 'timeout',
      }),
      expect.objectContaining({ check: 'sync-hoso', startedAt: '2026-12-02T16:00:00.000Z', endedAt: null, durationSeconds: 3600, reason: 'sync_lag' }),
    ]);
    expect(json.verdict).toBe('outage');
  });
});

describe('renderReportCsv', () => {
  it('one row per check under the locale headings, RFC 4180 lines and quotes', () => {
    const csv = renderReportCsv(dayReport());
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('');
    expect(lines[0]!.split(',').slice(0, 4)).toEqual(['Hệ thống', 'Kiểm tra', 'Tỷ lệ sẵn sàng (%)', 'Thời gian gián đoạn (giây)']);
    expect(lines[1]).toBe('dvcqg,dvcqg-home,97.92,1800,0,0,1440,0,0.250,0.250,0.250,,,,0');
    expect(lines[2]!.endsWith(',12,0')).toBe(true);
    expect(lines[3]).toContain(',95.83,3600,');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(renderReportCsv(dayReport({ locale: 'en' })).split('\r\n')[0]).toContain('Availability (%)');
  });
});

describe('renderReportText', () => {
  it('reads as the administrative report, in Vietnamese by default', () => {
    const text = renderReportText(dayReport());
    expect(text).toContain('SỞ KHOA HỌC & CÔNG NGHỆ <AN GIANG>');
    expect(text).toContain('từ 00 giờ 00 ngày 02/12/2026 đến 00 giờ 00 ngày 03/12/2026');
    expect(text).toContain(viWords.report.verdict.outage);
    expect(text.indexOf('1. TÌNH HÌNH HOẠT ĐỘNG')).toBeLessThan(text.indexOf('2. SỰ CỐ PHÁT SINH'));
    expect(text.indexOf('2. SỰ CỐ PHÁT SINH')).toBeLessThan(text.indexOf('5. KIẾN NGHỊ, ĐỀ XUẤT'));
    expect(text).toContain('97,92%');
    expect(text).toContain('30 phút');
    expect(text).toContain(viWords.report.ongoing);
    expect(text).toContain(viWords.report.renewCertificate('dvcqg-search', '12'));
    expect(text).toContain(viWords.report.followUp('sync-hoso'));
    // The strip: ten up hours, the down hour, then up to 23:00, where the sync outage began.
    expect(text).toMatch(/\n\S+ +\.{10}X\.{13}\n/);
    expect(text).toMatch(/\n\S+ +\.{23}X\n/);
    for (const rule of viWords.report.rules) expect(text).toContain(rule);
    expect(text).toContain('KT. GIÁM ĐỐC "Nguyễn Văn A"');
  });

  it('speaks English with locale en', () => {
    const text = renderReportText(dayReport({ locale: 'en', lateFor: at('2026-12-03T15:30:00+07:00') }));
    expect(text).toContain(enWords.report.late('15:30 on 3 Dec 2026'));
    expect(text).toContain('97.92%');
    expect(text).not.toContain('gián đoạn');
  });
});

describe('renderReportHtml', () => {
  it('is mail-safe: inline styles, no scripts, images or links to fetch, config text escaped', () => {
    const html = renderReportHtml(dayReport());
    expect(html).toContain('<html lang="vi">');
    expect(html).toContain('Sở Khoa học &amp; Công nghệ &lt;An Giang&gt;');
    expect(html).toContain('KT. GIÁM ĐỐC &quot;Nguyễn Văn A&quot;');
    expect(html).not.toContain('<An Giang>');
    expect(html).not.toMatch(/<script|<img|<link|<style|src=|href=|url\(|class=/i);
    for (const rule of viWords.report.rules) expect(html).toContain(rule);
  });

  it('draws a strip of coloured cells per system, one per local hour', () => {
    const html = renderReportHtml(dayReport());
    const cells = [...html.matchAll(/<td title="([^"]+)" style="background:(#[0-9a-f]{6})/g)].map((match) => [match[1], match[2]]);
    expect(cells).toHaveLength(24 * 2);
    expect(cells[10]).toEqual(['02/12/2026 10:00: gián đoạn', HOUR_COLOURS.down]);
    expect(cells[9]).toEqual(['02/12/2026 09:00: hoạt động', HOUR_COLOURS.up]);
    expect(cells[47]![1]).toBe(HOUR_COLOURS.down);
  });

  it("an incident of the monitor's own fault is listed as such, never as the system's outage", () => {
    const internal = outage('dvcqg-home', '2026-12-02T09:00:00+07:00', '2026-12-02T09:10:00+07:00', {
      system: 'dvcqg',
      firstReason: 'internal',
      lastReason: 'internal',
    });
    const report = buildReport(reportConfig(), memorySource([], [internal]), DAY, { locale: 'vi', now: at('2026-12-03T15:30:00+07:00'), history: false });
    expect(report.verdict).toBe('normal');
    const html = renderReportHtml(report);
    expect(html).toContain(`dvcqg-home: ${viWords.report.ownFault}`);
    expect(html).toContain(viWords.report.noProposals);
    const strip = report.hours.find((hours) => hours.system === 'dvcqg')!.hours;
    // The portal's other check watched through that hour: up, not down.
    expect(strip[9]!.state).toBe('up');
  });

  it('an empty day says there were no incidents', () => {
    const report = buildReport(reportConfig(), memorySource([], []), DAY, { locale: 'vi', now: at('2026-12-03T15:30:00+07:00'), history: false });
    const html = renderReportHtml(report);
    expect(html).toContain(viWords.report.noIncidents);
    expect(html).toContain(viWords.report.noMaintenance);
    expect(html).toContain(viWords.report.verdict.normal);
  });
});
