// The daily report carries the catalogue review's table (the change mail's rows), in its HTML and
// text parts, escaped; a report without catalogue changes has no such section.
import { describe, expect, it } from 'vitest';
import { buildReport, dayWindow } from '../../src/report/build-report.ts';
import { renderReportHtml } from '../../src/report/render-report-html.ts';
import { renderReportText } from '../../src/report/render-report-text.ts';
import type { Report } from '../../src/report/report-model.ts';
import { at, memorySource, minutesOf, reportConfig } from './report-fixtures.ts';

function dayReport(): Report {
  const minutes = minutesOf({ check: 'dvcqg-home', from: '2026-12-02T00:00:00+07:00', to: '2026-12-03T00:00:00+07:00', seconds: 0.25 });
  return buildReport(reportConfig(), memorySource(minutes, []), dayWindow('2026-12-02'), { locale: 'vi', now: at('2026-12-03T15:30:00+07:00'), name: 'daily' });
}

describe('the catalogue table in the daily report', () => {
  it('lists every change and mismatch of each catalogue check with changes', () => {
    const report: Report = {
      ...dayReport(),
      catalogue: [
        {
          check: 'national-catalogue',
          rows: [
            { code: '1.010007.000.00.00.H01', kind: 'changed', field: 'fees', old: '50000', new: '65000' },
            { code: '1.010030.000.00.00.H01', kind: 'removed', field: '', old: '', new: '' },
            { code: '1.010006.000.00.00.H01', kind: 'mismatch', field: 'agency', old: 'Sở <Tư pháp>', new: 'Sở Tư pháp' },
          ],
        },
      ],
    };
    const text = renderReportText(report);
    expect(text).toContain('RÀ SOÁT DANH MỤC TTHC');
    expect(text).toMatch(/1\.010007\.000\.00\.00\.H01\s+Thay đổi\s+fees\s+50000\s+65000/);
    expect(text).toMatch(/1\.010030\.000\.00\.00\.H01\s+Bãi bỏ \/ ngừng công bố/);
    const html = renderReportHtml(report);
    expect(html).toContain('Rà soát danh mục TTHC');
    expect(html).toContain('Sở &lt;Tư pháp&gt;');
    expect(html).toContain('Lệch với hệ thống tỉnh');
  });

  it('has no catalogue section when nothing changed', () => {
    expect(renderReportText(dayReport())).not.toContain('DANH MỤC TTHC');
  });
});
