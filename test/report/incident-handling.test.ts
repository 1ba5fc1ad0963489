// The desk's part of the report: who took each incident and how fast, how long it took to end,
// what was written about it, and per system the medians; in JSON, text and HTML (escaped).
import { describe, expect, it } from 'vitest';
import { buildReport, dayWindow } from '../../src/report/build-report.ts';
import type { IncidentDeskRecord, ReportSource } from '../../src/report/report-model.ts';
import { reportToJson } from '../../src/report/render-report-json.ts';
import { renderReportHtml } from '../../src/report/render-report-html.ts';
import { renderReportText } from '../../src/report/render-report-text.ts';
import type { Note } from '../../src/state/desk-records.ts';
import { makeIncident } from '../support/alerting-fixtures.ts';
import { at, memorySource, outage, reportConfig } from './report-fixtures.ts';

const DAY = dayWindow('2026-12-02');
const NOW = at('2026-12-03T15:30:00+07:00');
const SCRIPT = '<script>alert(1)</script>';

function note(incidentId: string, when: string, author: string, fields: Partial<Note>): Note {
  return { id: 0, incidentId, author, at: at(when), notify: false, ...fields };
}

function source(): ReportSource {
  // Opened a minute after the first failure, resolved a minute after the recovery (report-fixtures.ts): home 10:01–10:30, search 14:01–15:00.
  const home = outage('dvcqg-home', '2026-12-02T10:00:00+07:00', '2026-12-02T10:29:00+07:00', { system: 'dvcqg' });
  const search = outage('dvcqg-search', '2026-12-02T14:00:00+07:00', '2026-12-02T14:59:00+07:00', { system: 'dvcqg' });
  const sync = outage('sync-hoso', '2026-12-02T20:00:00+07:00', undefined, { system: 'tthc-angiang' });
  const records = new Map<string, IncidentDeskRecord>([
    [
      home.id,
      {
        acknowledgement: { by: 'lan', at: at('2026-12-02T10:11:00+07:00') },
        notes: [
          note(home.id, '2026-12-02T10:12:00+07:00', 'lan', { cause: 'Mất kết nối', plan: 'Kiểm tra đường truyền' }),
          note(home.id, '2026-12-02T10:20:00+07:00', 'minh', { cause: `Chứng chỉ hết hạn ${SCRIPT}`, expectedFixAt: at('2026-12-02T11:00:00+07:00') }),
          note(home.id, '2026-12-02T10:40:00+07:00', 'minh', { result: 'Đã gia hạn chứng chỉ' }),
        ],
      },
    ],
    [search.id, { acknowledgement: { by: 'minh', at: at('2026-12-02T14:31:00+07:00') }, notes: [] }],
    [sync.id, { notes: [] }],
  ]);
  return { ...memorySource([], [home, search, sync]), deskRecords: (ids) => new Map(ids.flatMap((id) => (records.has(id) ? [[id, records.get(id)!]] : []))) };
}

describe('the report’s desk part', () => {
  it('gives each incident its acknowledgement, its times and its latest notes, and each system the medians', () => {
    const report = buildReport(reportConfig(), source(), DAY, { locale: 'vi', now: NOW, history: false });
    const home = report.incidents.find((incident) => incident.check === 'dvcqg-home')!;
    expect(home).toMatchObject({
      acknowledgedBy: 'lan',
      acknowledgedAt: at('2026-12-02T10:11:00+07:00'),
      timeToAcknowledgeSeconds: 600,
      timeToResolveSeconds: 1740,
      handling: {
        cause: `Chứng chỉ hết hạn ${SCRIPT}`,
        plan: 'Kiểm tra đường truyền',
        expectedFixAt: at('2026-12-02T11:00:00+07:00'),
        result: 'Đã gia hạn chứng chỉ',
      },
    });
    const sync = report.incidents.find((incident) => incident.check === 'sync-hoso')!;
    expect(sync.acknowledgedBy).toBeUndefined();
    expect(sync.timeToResolveSeconds).toBeUndefined();
    expect(report.handling).toEqual([
      { system: 'dvcqg', incidents: 2, acknowledged: 2, medianAcknowledgeSeconds: 1200, resolved: 2, medianResolveSeconds: 2640 },
      { system: 'tthc-angiang', incidents: 1, acknowledged: 0, resolved: 0 },
    ]);

    const json = reportToJson(report);
    expect(json.handling).toEqual([
      { system: 'dvcqg', incidents: 2, acknowledged: 2, medianAcknowledgeSeconds: 1200, resolved: 2, medianResolveSeconds: 2640 },
      { system: 'tthc-angiang', incidents: 1, acknowledged: 0, medianAcknowledgeSeconds: null, resolved: 0, medianResolveSeconds: null },
    ]);
    expect((json.incidents as Record<string, unknown>[])[0]).toMatchObject({
      acknowledgedBy: 'lan',
      timeToAcknowledgeSeconds: 600,
      handling: { cause: `Chứng chỉ hết hạn ${SCRIPT}`, expectedFixAt: '2026-12-02T04:00:00.000Z', result: 'Đã gia hạn chứng chỉ' },
    });

    const text = renderReportText(report);
    expect(text).toContain('Tiếp nhận và xử lý sự cố:');
    expect(text).toContain(
      `- dvcqg-home (dvcqg): tiếp nhận: lan, sau 10 phút; Nguyên nhân: Chứng chỉ hết hạn ${SCRIPT}; Phương án xử lý: Kiểm tra đường truyền; ` +
        'Thời gian dự kiến hoàn thành: 02/12/2026 11:00:00; Kết quả xử lý: Đã gia hạn chứng chỉ; kết thúc sau 29 phút',
    );
    const html = renderReportHtml(report);
    expect(html).not.toContain(SCRIPT);
    expect(html).toContain('Chứng chỉ hết hạn &lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('lists an incident people reported by its title, counts it in the medians, and never as down time', () => {
    const plain = memorySource([], []);
    const reported = makeIncident({
      id: 'people-1',
      check: '',
      system: 'dvcqg',
      severity: 'warning',
      openedAt: at('2026-12-02T08:00:00+07:00'),
      failingSince: at('2026-12-02T08:00:00+07:00'),
      resolvedAt: at('2026-12-02T09:30:00+07:00'),
      recoveredAt: at('2026-12-02T09:30:00+07:00'),
    });
    const report = buildReport(
      reportConfig(),
      {
        ...plain,
        peopleIncidents: () => [
          {
            incident: reported,
            report: { title: 'VNeID lỗi tại xã Mỹ Hòa Hưng', description: 'Không đăng nhập được', reportedBy: 'xã Mỹ Hòa Hưng', openedBy: 'lan' },
          },
        ],
        deskRecords: () => new Map([['people-1', { acknowledgement: { by: 'lan', at: at('2026-12-02T08:20:00+07:00') }, notes: [] }]]),
      },
      DAY,
      { locale: 'vi', now: NOW, history: false },
    );
    expect(report.verdict).toBe('normal');
    expect(report.checks.every((check) => check.downSeconds === 0)).toBe(true);
    expect(report.incidents).toHaveLength(1);
    expect(report.incidents[0]).toMatchObject({
      check: '',
      durationSeconds: 5400,
      people: { title: 'VNeID lỗi tại xã Mỹ Hòa Hưng', reportedBy: 'xã Mỹ Hòa Hưng' },
      timeToAcknowledgeSeconds: 1200,
      timeToResolveSeconds: 5400,
    });
    expect(report.incidents[0]?.reason).toBeUndefined();
    expect(report.handling).toEqual([
      { system: 'dvcqg', incidents: 1, acknowledged: 1, medianAcknowledgeSeconds: 1200, resolved: 1, medianResolveSeconds: 5400 },
    ]);
    const text = renderReportText(report);
    expect(text).toContain('VNeID lỗi tại xã Mỹ Hòa Hưng (do người dùng báo)');
    expect(text).toContain('- VNeID lỗi tại xã Mỹ Hòa Hưng (do người dùng báo): Không đăng nhập được');
    expect((reportToJson(report).incidents as Record<string, unknown>[])[0]?.people).toEqual({
      title: 'VNeID lỗi tại xã Mỹ Hòa Hưng',
      description: 'Không đăng nhập được',
      reportedBy: 'xã Mỹ Hòa Hưng',
    });
  });

  it('is absent when the source keeps no desk records', () => {
    const { deskRecords: _none, ...plain } = source();
    const report = buildReport(reportConfig(), plain, DAY, { locale: 'vi', now: NOW, history: false });
    expect(report.handling).toBeUndefined();
    expect(report.incidents[0]?.acknowledgedBy).toBeUndefined();
    expect(renderReportText(report)).not.toContain('Tiếp nhận và xử lý sự cố');
    expect(reportToJson(report).handling).toEqual([]);
  });
});
