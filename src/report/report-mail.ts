// A report as the duty team receives it: built for a configured report (its unit, signer, locale,
// time zone) and rendered into one mail: the HTML part, the plain-text part, the CSV of the per-check
// table and the .docx document attached. The daemon's scheduler and `report` both build through
// here. It never sends: the result is a ReportMail the outbox delivers.
import type { Config } from '../config/config.ts';
import type { ReportConfig } from '../config/report-config.ts';
import type { ReportMail } from '../state/notification.ts';
import { formatDateTime } from '../text/format-time.ts';
import { wordsFor } from '../text/locale.ts';
import { VIETNAM_TIME_ZONE, toWallClock } from '../time-zone.ts';
import { buildReport } from './build-report.ts';
import { renderReportDocx } from './render-docx.ts';
import { renderReportCsv } from './render-report-csv.ts';
import { renderReportHtml } from './render-report-html.ts';
import { renderReportText } from './render-report-text.ts';
import type { Report, ReportSource, ReportWindow } from './report-model.ts';

export interface ConfiguredReportOptions {
  readonly now: Date;
  /** Whether the source keeps per-minute history (buildReport's `history`). */
  readonly history: boolean;
  /** The slot it missed, when it goes out late. */
  readonly lateFor?: Date;
}

/** The report for `window`, as `report` (or, without one, an ad-hoc report in alerting.locale) describes it. */
export function buildConfiguredReport(
  config: Pick<Config, 'checks' | 'alerting'>,
  source: ReportSource,
  window: ReportWindow,
  report: ReportConfig | undefined,
  options: ConfiguredReportOptions,
): Report {
  return buildReport(config, source, window, {
    name: report?.name,
    unit: report?.unit,
    signer: report?.signer,
    locale: report?.locale ?? config.alerting.locale,
    now: options.now,
    timeZone: report?.timezone ?? VIETNAM_TIME_ZONE,
    history: options.history,
    ...(options.lateFor === undefined ? {} : { lateFor: options.lateFor }),
  });
}

const CSV_TYPE = 'text/csv; charset=utf-8';
const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The mail of a built report of `config`, for `scheduledFor` (its slot, or the time it was asked for). */
export async function renderReportMail(report: Report, config: ReportConfig, scheduledFor: Date): Promise<ReportMail> {
  const words = wordsFor(config.locale).report;
  const at = (instant: Date) => formatDateTime(instant, config.locale, config.timezone);
  // Named after the window's last day (a day window ends at the next midnight).
  const end = toWallClock(new Date(report.window.to.getTime() - 1), config.timezone);
  const base = `${words.fileName}-${config.name.replace(/[^A-Za-z0-9_-]/g, '_')}-${end.year}${end.month}${end.day}`;
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
