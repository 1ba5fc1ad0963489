// The per-check table as CSV (RFC 4180: CRLF lines, fields quoted when they hold a comma, quote or
// line break), the attachment a technician opens in a spreadsheet. Headings are the report's words
// in its locale; values stay machine-readable (seconds, a decimal point), so the sheet can sum them.
import { wordsFor } from '../text/locale.ts';
import type { CheckFigures, Report } from './report-model.ts';

/** A byte-order mark first, so spreadsheet programs read the Vietnamese headings as UTF-8. */
const BOM = '\uFEFF';

export function renderReportCsv(report: Report): string {
  const words = wordsFor(report.locale).report;
  const columns = words.columns;
  const header = [
    columns.system,
    columns.check,
    words.inPercent(columns.availability),
    words.inSeconds(columns.downtime),
    words.inSeconds(words.excluded),
    words.inSeconds(words.notObserved),
    columns.probes,
    columns.failures,
    words.inSeconds(columns.latencyP50),
    words.inSeconds(columns.latencyP95),
    words.inSeconds(columns.latencyMax),
    columns.syncLag,
    columns.backlog,
    columns.tlsDaysLeft,
    wordsFor(report.locale).flapping.reportColumn,
  ];
  const rows = report.checks.map((check) => [
    check.system,
    check.name,
    number(check.availabilityPercent, 2),
    number(check.downSeconds, 0),
    number(check.excludedSeconds, 0),
    number(check.notObservedSeconds, 0),
    String(check.probes),
    String(check.failures),
    number(check.latency.p50, 3),
    number(check.latency.p95, 3),
    number(check.latency.max, 3),
    syncLag(check),
    number(check.sync?.backlogMax, 0),
    number(check.tlsDaysLeft, 0),
    String(check.flaps),
  ]);
  return BOM + [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** RFC 4180 §2.6–2.7: quoted when needed, inner quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function syncLag(check: CheckFigures): string {
  return number(check.sync?.lagMax, check.sync?.unit === 'items' ? 0 : 1);
}

function number(value: number | undefined, digits: number): string {
  return value === undefined ? '' : value.toFixed(digits);
}
