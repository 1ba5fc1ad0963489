// The status page says in red when a scheduled report missed its deadline: beside the send in the
// "Báo cáo" list, and in one line at the top while a report of the last day is still not accepted.
import { describe, expect, it } from 'vitest';
import { renderStatusPage, type StatusPageSnapshot } from '../../src/server/status-page.ts';
import type { ReportSend } from '../../src/state/report-send.ts';

const NOW = '2026-12-02T09:10:00.000Z'; // 16:10 in Vietnam

function snapshot(reports: readonly ReportSend[], generatedAt = NOW): StatusPageSnapshot {
  return {
    version: '0.1.0',
    startedAt: '2026-12-01T00:00:00.000Z',
    generatedAt,
    summary: { ok: 1, warning: 0, critical: 0, unknown: 0 },
    checks: [
      {
        name: 'national-home',
        system: 'national-portal',
        kind: 'http',
        target: 'GET https://x',
        status: 'ok',
        since: NOW,
        consecutiveFailures: 0,
        intervalSeconds: 60,
      },
    ],
    incidents: [],
    figures: { reports },
  };
}

/** Queued at 15:30 local, not accepted, the deadline (15:55) passed. */
const missed: ReportSend = {
  report: 'daily',
  scheduledFor: new Date('2026-12-02T08:30:00Z'),
  window: { from: new Date('2026-12-01T08:30:00Z'), to: new Date('2026-12-02T08:30:00Z') },
  queuedAt: new Date('2026-12-02T08:30:01Z'),
  to: ['pc06@angiang.gov.vn'],
  cc: [],
  late: false,
  deadlineMissedAt: new Date('2026-12-02T08:55:00Z'),
};

function between(html: string, start: string, end: string): string {
  const from = html.indexOf(start);
  if (from < 0) throw new Error(`no ${start}`);
  return html.slice(from, html.indexOf(end, from + start.length));
}

const alertLine = (html: string): string | undefined => html.match(/<p class="deadline-alert"[^>]*>.*?<\/p>/)?.[0];

describe('a report that missed its deadline on the status page', () => {
  it('is marked in red in the Báo cáo list with the time the deadline passed', () => {
    const html = renderStatusPage(snapshot([missed]));
    const row = between(html, '<tr data-report="daily"', '</tr>');
    expect(row).toContain('data-accepted="false" class="deadline-missed" data-deadline-missed="true"');
    expect(row).toContain('<td data-label="Kết quả" class="deadline-missed">Máy chủ thư chưa nhận<br><strong>Quá hạn gửi báo cáo lúc 15:55:00</strong></td>');
    expect(html).toMatch(/\.reports \.deadline-missed\{color:#b91c1c\}/);
  });

  it('puts a red line at the top, before the summary, naming the report', () => {
    const html = renderStatusPage(snapshot([missed, { ...missed, report: 'weekly' }]));
    expect(alertLine(html)).toBe(
      '<p class="deadline-alert" role="alert"><a href="#reports">Quá hạn gửi báo cáo: daily, weekly chưa được máy chủ thư nhận</a></p>',
    );
    expect(html.indexOf('class="deadline-alert"')).toBeLessThan(html.indexOf('<ul class="summary"'));
    expect(html).toMatch(/\.deadline-alert\{[^}]*border:1px solid #b91c1c/);
  });

  it('says it in English with locale en', () => {
    const html = renderStatusPage(snapshot([missed]), 'en');
    expect(alertLine(html)).toContain('Report deadline missed: daily not yet accepted by the mail server');
    expect(between(html, '<tr data-report="daily"', '</tr>')).toContain('Report deadline missed at 15:55:00');
  });

  it('stops once the mail server accepted it: the row shows the acceptance, the top line is gone', () => {
    const html = renderStatusPage(snapshot([{ ...missed, acceptedAt: new Date('2026-12-02T09:02:00Z') }]));
    expect(alertLine(html)).toBeUndefined();
    const row = between(html, '<tr data-report="daily"', '</tr>');
    expect(row).not.toContain('deadline-missed');
    expect(row).toContain('Máy chủ thư đã nhận lúc 16:02:00');
  });

  it('keeps the mark in the list but drops the top line a day after the deadline passed', () => {
    const html = renderStatusPage(snapshot([missed], '2026-12-03T08:56:00.000Z'));
    expect(alertLine(html)).toBeUndefined();
    expect(between(html, '<tr data-report="daily"', '</tr>')).toContain('data-deadline-missed="true"');
    expect(alertLine(renderStatusPage(snapshot([missed], '2026-12-03T08:54:00.000Z')))).toBeDefined();
  });

  it('shows nothing red for a report on time or still waiting before its deadline', () => {
    const waiting: ReportSend = { ...missed, deadlineMissedAt: undefined };
    const html = renderStatusPage(
      snapshot([waiting, { ...missed, report: 'weekly', deadlineMissedAt: undefined, acceptedAt: new Date('2026-12-02T08:30:03Z') }]),
    );
    expect(alertLine(html)).toBeUndefined();
    expect(html).not.toContain('data-deadline-missed');
    expect(html).not.toContain('Quá hạn gửi báo cáo');
  });

  it('reads the times from a snapshot that went through JSON', () => {
    const html = renderStatusPage(JSON.parse(JSON.stringify(snapshot([missed]))) as StatusPageSnapshot);
    expect(alertLine(html)).toBeDefined();
    expect(html).toContain('Quá hạn gửi báo cáo lúc 15:55:00');
  });
});
