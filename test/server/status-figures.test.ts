import { describe, expect, it } from 'vitest';
import { renderStatusPage, reportViewHref, type StatusPageSnapshot } from '../../src/server/status-page.ts';
import type { ReportSend } from '../../src/state/report-send.ts';
import type { HourCell, StatusFigures } from '../../src/state/status-snapshot.ts';

const NOW = '2026-12-03T03:30:00.000Z'; // 10:30 in Vietnam

/** 24 hours from 2 December 11:00 (Vietnam); one cell down (3 December 02:00), one in maintenance, one not observed. */
function hours(): HourCell[] {
  return Array.from({ length: 24 }, (_, index): HourCell => {
    const start = new Date(Date.parse('2026-12-02T04:00:00Z') + index * 3_600_000);
    const state = index === 15 ? 'down' : index === 16 ? 'excluded' : index === 17 ? 'not_observed' : 'up';
    return { start, state };
  });
}

function snapshot(figures?: StatusFigures, name = 'national-home'): StatusPageSnapshot {
  return {
    version: '0.1.0',
    startedAt: '2026-12-01T00:00:00.000Z',
    generatedAt: NOW,
    summary: { ok: 1, warning: 0, critical: 0, unknown: 0 },
    checks: [
      {
        name,
        system: 'national-portal',
        kind: 'http',
        target: 'GET https://dichvucong.gov.vn',
        status: 'ok',
        since: NOW,
        consecutiveFailures: 0,
        intervalSeconds: 60,
      },
    ],
    incidents: [],
    figures,
  };
}

const sent: ReportSend = {
  report: 'daily',
  scheduledFor: new Date('2026-12-02T08:30:00Z'),
  window: { from: new Date('2026-12-01T08:30:00Z'), to: new Date('2026-12-02T08:30:00Z') },
  queuedAt: new Date('2026-12-02T08:30:01Z'),
  acceptedAt: new Date('2026-12-02T08:30:03Z'),
  to: ['pc06@angiang.gov.vn', 'trucban@angiang.gov.vn'],
  cc: ['so@angiang.gov.vn'],
  late: false,
};

const figures: StatusFigures = {
  recent: {
    checks: [{ name: 'national-home', availabilityPercent: (100 * 82_800) / 84_600, downSeconds: 1800, hours: hours() }],
    objectives: [
      {
        objective: { scope: 'system', name: 'national-portal', target: 99.5, period: 'month' },
        availabilityPercent: 99.99,
        met: true,
        downSeconds: 300,
        allowedDownSeconds: 13_392,
        budgetRemainingSeconds: 13_092,
      },
      {
        objective: { scope: 'check', name: 'national-home', target: 99, period: 'day' },
        availabilityPercent: 95.2381,
        met: false,
        downSeconds: 1800,
        allowedDownSeconds: 864,
        budgetRemainingSeconds: -936,
      },
    ],
  },
  reports: [sent, { ...sent, report: 'weekly', acceptedAt: undefined, late: true }],
};

function between(html: string, start: string, end: string): string {
  const from = html.indexOf(start);
  if (from < 0) throw new Error(`no ${start}`);
  return html.slice(from, html.indexOf(end, from + start.length));
}

describe('the status page’s 24 hours per check', () => {
  it('shows the availability to 0.01 % with a decimal comma, and 24 cells titled with their hours and state', () => {
    const html = renderStatusPage(snapshot(figures));
    const cell = between(html, '<td data-label="24 giờ qua"', '</td>');
    // 100 × 82,800 / 84,600 = 97.8723…
    expect(cell).toContain('<strong class="availability">97,87%</strong>');
    const titles = [...cell.matchAll(/<li class="h-([a-z_]+)" title="([^"]*)">/g)].map((match) => [match[1], match[2]]);
    expect(titles).toHaveLength(24);
    expect(titles[0]).toEqual(['up', '11:00–12:00 02/12/2026: hoạt động']);
    expect(titles[15]).toEqual(['down', '02:00–03:00 03/12/2026: gián đoạn']);
    expect(titles[16]).toEqual(['excluded', '03:00–04:00 03/12/2026: bảo trì']);
    expect(titles[17]).toEqual(['not_observed', '04:00–05:00 03/12/2026: không quan sát được']);
    expect(cell).toContain('aria-label="Trạng thái từng giờ trong 24 giờ qua của national-home"');
  });

  it('in English: a decimal point and English words', () => {
    const html = renderStatusPage(snapshot(figures), 'en');
    const cell = between(html, '<td data-label="Last 24 hours"', '</td>');
    expect(cell).toContain('97.87%');
    expect(cell).toContain('title="02:00–03:00 3 Dec 2026: down"');
  });

  it('says the figures are on their way before the first computation, and “not observed” without a percentage', () => {
    expect(between(renderStatusPage(snapshot({ reports: [] })), '<td data-label="24 giờ qua"', '</td>')).toContain('Đang tính số liệu 24 giờ qua');
    const unobserved: StatusFigures = { ...figures, recent: { ...figures.recent!, checks: [{ name: 'national-home', downSeconds: 0, hours: hours() }] } };
    expect(between(renderStatusPage(snapshot(unobserved)), '<td data-label="24 giờ qua"', '</td>')).toContain('Chưa quan sát được');
  });

  it('escapes a hostile check name in the strip’s label', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const html = renderStatusPage(
      snapshot({ ...figures, recent: { ...figures.recent!, checks: [{ ...figures.recent!.checks[0]!, name: hostile }] } }, hostile),
    );
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
});

describe('the status page’s objectives', () => {
  it('shows each objective met or not, with the budget left or exceeded', () => {
    const html = renderStatusPage(snapshot(figures));
    const portal = between(html, '<tr data-objective="national-portal"', '</tr>');
    expect(portal).toContain('data-met="true"');
    expect(portal).toContain('99,5% trong tháng này');
    expect(portal).toContain('99,99%');
    expect(portal).toContain('>Đạt<');
    // 13,092 s = 3 h 38 min 12 s.
    expect(portal).toMatch(/còn 3 giờ 38 phút</);
    const home = between(html, '<tr data-objective="national-home"', '</tr>');
    expect(home).toContain('data-met="false"');
    expect(home).toContain('99% trong hôm nay');
    expect(home).toContain('>Chưa đạt<');
    // 936 s over: durations past ten minutes drop the seconds.
    expect(home).toMatch(/đã vượt 15 phút</);
  });

  it('says they are on their way before the first computation', () => {
    expect(between(renderStatusPage(snapshot({ reports: [] })), '<h2 id="objectives">', '</p>')).toContain('Đang tính số liệu của các mục tiêu');
  });
});

describe('the status page’s Báo cáo list', () => {
  it('links to the list from the top and lists each report sent with its time, recipients and whether it was accepted', () => {
    const html = renderStatusPage(snapshot(figures));
    expect(html).toContain('<a href="#reports">Báo cáo</a>');
    const daily = between(html, '<tr data-report="daily"', '</tr>');
    expect(daily).toContain('data-accepted="true"');
    expect(daily).toContain(
      `<a href="/report?from=2026-12-01T08%3A30%3A00.000Z&amp;to=2026-12-02T08%3A30%3A00.000Z&amp;name=daily" title="Xem báo cáo">daily</a>`,
    );
    expect(daily).toContain('pc06@angiang.gov.vn, trucban@angiang.gov.vn, so@angiang.gov.vn');
    expect(daily).toContain('Máy chủ thư đã nhận lúc 15:30:03');
    const weekly = between(html, '<tr data-report="weekly"', '</tr>');
    expect(weekly).toContain('data-accepted="false"');
    expect(weekly).toContain('Máy chủ thư chưa nhận');
    expect(weekly).toContain('(gửi muộn)');
  });

  it('says so when none was sent', () => {
    expect(between(renderStatusPage(snapshot({ reports: [] })), '<h2 id="reports">', '</p>')).toContain('Chưa gửi báo cáo nào.');
  });

  it('encodes a report name in the link and escapes it in the page', () => {
    const href = reportViewHref({ report: 'a&b"<x>', window: sent.window });
    expect(href).toBe('/report?from=2026-12-01T08%3A30%3A00.000Z&to=2026-12-02T08%3A30%3A00.000Z&name=a%26b%22%3Cx%3E');
    const html = renderStatusPage(snapshot({ reports: [{ ...sent, report: 'a&b"<x>', to: ['<b>@x'] }] }));
    expect(html).not.toContain('<x>');
    expect(html).not.toContain('<b>@x');
  });
});
