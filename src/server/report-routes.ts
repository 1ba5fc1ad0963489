// The report over HTTP: /api/report (JSON or CSV, the same figures as `report --format json|csv`),
// /report (the HTML view) and /api/reports (the scheduled reports sent lately). The report itself
// is built by a function the daemon gives, so the server never reads the store.
import type { Report, ReportWindow } from '../report/report-model.ts';
import { renderReportCsv } from '../report/render-report-csv.ts';
import { renderReportHtml } from '../report/render-report-html.ts';
import { renderReportJson } from '../report/render-report-json.ts';
import { parseInstant } from '../report/report-request.ts';
import type { ReportSend } from '../state/report-send.ts';
import { HTML_CONTENT_TYPE, JSON_CONTENT_TYPE, jsonResponse, NO_STORE, type RouteMethods, type RouteRequest, type TextResponse } from './routes-common.ts';

export interface ReportRouteDependencies {
  /** The report for a window, headed as the named report of the config (default the first); a string says what is wrong with the name. */
  readonly buildReportFor?: (window: ReportWindow, name: string | undefined) => Report | string;
  /** The scheduled reports sent lately, newest first. */
  readonly reports?: () => readonly ReportSend[];
  /** access.hideNames (read anew): anonymous viewers see no names of people, in the report as on the desk. */
  readonly hideNames?: () => boolean;
}

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
const REPORT_FORMATS = ['json', 'csv'] as const;
/**
 * The report is built on the daemon's event loop, reading every stored minute of the window: a
 * month (what a monthly report covers) is the most it serves; `report` reads longer ones apart.
 */
const MAX_WINDOW_MS = 31 * 86_400_000;
const EXAMPLE = '2026-12-02T15:30:00+07:00';

/** The query's window and name, or the 400 that says what is wrong. */
function readReportQuery(url: URL): { window: ReportWindow; name: string | undefined } | TextResponse {
  const from = url.searchParams.get('from');
  const to = url.searchParams.get('to');
  if (from === null || to === null) return jsonResponse(400, { error: `from and to are required: ISO-8601 times with an offset, e.g. from=${EXAMPLE}` });
  const start = parseInstant(from);
  const end = parseInstant(to);
  if (start === undefined) return jsonResponse(400, { error: `from=${from} is not an ISO-8601 time with an offset, e.g. ${EXAMPLE}` });
  if (end === undefined) return jsonResponse(400, { error: `to=${to} is not an ISO-8601 time with an offset, e.g. ${EXAMPLE}` });
  if (end <= start) return jsonResponse(400, { error: 'to must be after from' });
  if (end.getTime() - start.getTime() > MAX_WINDOW_MS)
    return jsonResponse(400, { error: 'the window may be at most 31 days; use the report command for longer ones' });
  const name = url.searchParams.get('name') ?? undefined;
  return { window: { from: start, to: end }, name };
}

function buildFor(deps: ReportRouteDependencies, request: RouteRequest): Report | TextResponse {
  if (deps.buildReportFor === undefined) return jsonResponse(404, { error: 'reports are not available here' });
  const query = readReportQuery(request.url);
  if ('status' in query) return query;
  const report = deps.buildReportFor(query.window, query.name);
  if (typeof report === 'string') return jsonResponse(400, { error: report });
  return request.principal.via === 'anonymous' && (deps.hideNames?.() ?? false) ? withoutNames(report) : report;
}

/** The report with nobody's name: who took each incident and who reported one are left out. */
function withoutNames(report: Report): Report {
  return {
    ...report,
    incidents: report.incidents.map(({ acknowledgedBy: _hidden, ...incident }) =>
      incident.people === undefined ? incident : { ...incident, people: { ...incident.people, reportedBy: '' } },
    ),
  };
}

function isResponse(value: Report | TextResponse): value is TextResponse {
  return 'status' in value;
}

export function createReportRoutes(deps: ReportRouteDependencies): [string, RouteMethods][] {
  return [
    [
      '/api/report',
      {
        GET: (request) => {
          const format = request.url.searchParams.get('format') ?? 'json';
          if (!(REPORT_FORMATS as readonly string[]).includes(format))
            return jsonResponse(400, { error: `format must be one of ${REPORT_FORMATS.join(', ')}` });
          const report = buildFor(deps, request);
          if (isResponse(report)) return report;
          return format === 'csv'
            ? { status: 200, contentType: CSV_CONTENT_TYPE, body: renderReportCsv(report), headers: NO_STORE }
            : { status: 200, contentType: JSON_CONTENT_TYPE, body: renderReportJson(report), headers: NO_STORE };
        },
      },
    ],
    [
      '/report',
      {
        GET: (request) => {
          const report = buildFor(deps, request);
          if (isResponse(report)) return report;
          return { status: 200, contentType: HTML_CONTENT_TYPE, body: renderReportHtml(report), headers: NO_STORE };
        },
      },
    ],
    ['/api/reports', { GET: () => jsonResponse(200, { reports: deps.reports?.() ?? [] }) }],
  ];
}
