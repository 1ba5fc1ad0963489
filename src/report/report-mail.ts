// A report as the duty team receives it, rendered into one mail: the HTML part, the plain-text part,
// the CSV of the per-check table and the .docx document attached. The report itself is built by
// report-request.ts. It never sends: the result is a ReportMail the outbox delivers.
import type { ReportConfig } from '../config/report-config.ts';
import type { ReportMail } from '../state/notification.ts';
import { formatDateTime } from '../text/format-time.ts';
import { wordsFor } from '../text/locale.ts';
import { toWallClock } from '../time-zone.ts';
import { renderReportCsv } from './render-report-csv.ts';
import { renderReportHtml } from './render-report-html.ts';
import { renderReportText } from './render-report-text.ts';
import type { Report } from './report-model.ts';

const CSV_TYPE = 'text/csv; charset=utf-8';
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The mail of a built report of `config`, for `scheduledFor` (its slot, or the time it was asked for). */
export async function renderReportMail(report: Report, config: ReportConfig, scheduledFor: Date): Promise<ReportMail> {
  const words = wordsFor(config.locale).report;
  const at = (instant: Date) => formatDateTime(instant, config.locale, config.timezone);
  // Named after the window's last day (a day window ends at the next midnight).
  const end = toWallClock(new Date(report.window.to.getTime() - 1), config.timezone);
  const base = `${words.fileName}-${config.name.replace(/[^A-Za-z0-9_-]/g, '_')}-${end.year}${end.month}${end.day}`;
  // Loaded with the first report: docx is only needed then, and the daemon starts faster without it.
  const { renderReportDocx } = await import('./render-docx.ts');
  const docx = await renderReportDocx(report);
  return {
    name: config.name,
    scheduledFor,
    cc: [...config.cc],
    subject: words.mailSubject(config.unit, at(report.window.from), at(report.window.to), report.lateFor !== undefined),
    text: renderReportText(report),
    html: renderReportHtml(report),
    attachments: [
      { filename: `${base}.csv`, contentType: CSV_TYPE, contentBase64: Buffer.from(renderReportCsv(report), 'utf8').toString('base64') },
      { filename: `${base}.docx`, contentType: DOCX_TYPE, contentBase64: docx.toString('base64') },
    ],
  };
}
