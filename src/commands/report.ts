// `report`: builds the report for a window from the store and prints it or writes it to a file, in
// HTML, plain text, CSV, JSON or a .docx document (which needs --out). Reads the store read-only,
// so it runs beside a running daemon without taking its lock. Exit 2 on a usage mistake (unknown
// report name, bad date or window).
//
// --send mails the report for the window now, through the store's outbox like the daemon's own
// reports (recorded as a send by hand, never standing in for a scheduled one), delivers it once and
// exits: 0 accepted, 1 not accepted (it stays queued; the daemon delivers it when it starts). It
// needs the store writable, so it refuses (exit 2) while a running daemon holds the store's lock.
import { writeFileSync } from 'node:fs';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { systemClock, type Clock } from '../clock.ts';
import { loadConfig } from '../config/load-config.ts';
import { renderReportDocx } from '../report/render-docx.ts';
import { renderReportCsv } from '../report/render-report-csv.ts';
import { renderReportHtml } from '../report/render-report-html.ts';
import { renderReportJson } from '../report/render-report-json.ts';
import { renderReportText } from '../report/render-report-text.ts';
import { renderReportMail } from '../report/report-mail.ts';
import type { Report, ReportSource, ReportWindow } from '../report/report-model.ts';
import { buildConfiguredReport, chooseReport, chooseWindow } from '../report/report-request.ts';
import { closeDatabase, openDatabaseReadOnly, StoreError } from '../store/database.ts';
import { openStore, type Store } from '../store/store.ts';
import { createChannels } from '../alerting/channels/registry.ts';
import { createOutbox } from '../alerting/outbox.ts';
import { withDeskWindows } from '../state/desk-rules.ts';
import type { Notification } from '../state/notification.ts';
import type { Config } from '../config/config.ts';
import type { ReportConfig } from '../config/report-config.ts';
import { openDeskStoreIfPresent } from '../store/desk-store.ts';
import { createHistoryStore } from '../store/history-store.ts';
import { createIncidentStore } from '../store/incident-store.ts';

export const REPORT_FORMATS = ['html', 'text', 'csv', 'json', 'docx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  readonly config: string;
  /** A report of the config's `reports:`; default the first one (or none: an ad-hoc report). */
  readonly name?: string;
  /** A local calendar day, YYYY-MM-DD. */
  readonly date?: string;
  /** An ISO-8601 window, both ends given. */
  readonly from?: string;
  readonly to?: string;
  readonly format?: string;
  /** Write here instead of stdout. */
  readonly out?: string;
  /** Mail it to the report's recipients now. */
  readonly send?: boolean;
}

interface Io {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** How long after a window's end an incident may have opened and still fail inside it (its failure threshold). */
const OPENED_AFTER_MARGIN_MS = 3_600_000;

export async function reportCommand(options: ReportOptions, io: Io, log: Logger, extra: { env?: NodeJS.ProcessEnv; clock?: Clock } = {}): Promise<number> {
  const { config } = loadConfig(options.config, extra.env);
  const now = (extra.clock ?? systemClock)();
  const format = options.format ?? 'html';
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) return usage(io, `--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const chosen = chooseReport(config, options.name);
  if (typeof chosen === 'string') return usage(io, chosen);
  const window = chooseWindow(options, chosen, now);
  if (typeof window === 'string') return usage(io, window);
  if (options.send) {
    if (chosen === undefined) return usage(io, '--send needs a report in reports: (it names the recipients)');
    if (options.out !== undefined || options.format !== undefined) return usage(io, '--send mails the report; it takes no --format or --out');
    return sendReport(config, chosen, window, now, io, log);
  }
  // A Word document is bytes, not lines: it goes to a file.
  if (format === 'docx' && options.out === undefined) return usage(io, '--format docx writes a file: give --out FILE.docx');

  const db = openDatabaseReadOnly(config.storagePath);
  let report: Report;
  try {
    const { source, history } = storeSource(db, now);
    // Windows opened through the desk's API count as configured ones: excluded time, and listed.
    const desk = openDeskStoreIfPresent(db);
    const reported = desk === undefined ? config : { ...config, alerting: withDeskWindows(config.alerting, desk.listMaintenance(new Date(0)), config.checks) };
    report = buildConfiguredReport(reported, source, window, chosen, { now, history });
  } finally {
    closeDatabase(db);
  }
  log.debug({ window: { from: report.window.from, to: report.window.to }, format }, 'report built');

  let output: string | Buffer;
  switch (format as ReportFormat) {
    case 'html':
      output = renderReportHtml(report);
      break;
    case 'text':
      output = renderReportText(report);
      break;
    case 'csv':
      output = renderReportCsv(report);
      break;
    case 'json':
      output = renderReportJson(report);
      break;
    case 'docx':
      output = await renderReportDocx(report);
      break;
  }
  if (options.out === undefined) io.stdout(output.toString().replace(/\n$/, ''));
  else writeFileSync(options.out, output);
  return 0;
}

async function sendReport(config: Config, chosen: ReportConfig, window: ReportWindow, now: Date, io: Io, log: Logger): Promise<number> {
  let store: Store;
  try {
    store = openStore(config.storagePath, { log });
  } catch (error) {
    if (error instanceof StoreError && error.code === 'STORE_LOCKED') {
      return usage(io, `${error.message}. The running monitor sends its scheduled reports itself; to mail this one by hand, stop it first.`);
    }
    throw error;
  }
  const channels = createChannels({ alerting: config.alerting, location: config.location, log }).filter((channel) => channel.name === 'email');
  try {
    const reported = { ...config, alerting: withDeskWindows(config.alerting, store.desk.listMaintenance(new Date(0)), config.checks) };
    const report = buildConfiguredReport(reported, store.history, window, chosen, { now, history: true });
    const mail = await renderReportMail(report, chosen, now);
    const notification: Notification = { type: 'report', riders: [], to: [...chosen.to], createdAt: now, report: mail };
    const rowId = store.reports.record(
      { report: chosen.name, scheduledFor: now, window: report.window, queuedAt: now, to: [...chosen.to], cc: [...chosen.cc], late: false, manual: true },
      notification,
      `report:${chosen.name}:manual:${now.getTime()}`,
    );
    const outbox = createOutbox({ store, alerting: config.alerting, clock: systemClock, log, channels });
    outbox.start();
    await outbox.idle();
    await outbox.stop();
    const waiting = store.outbox.undelivered('email').find((delivery) => delivery.rowIds.includes(rowId));
    if (waiting !== undefined) {
      io.stderr(`report not accepted by the mail server (${waiting.lastError ?? 'unknown error'}); it stays queued and goes out when the monitor runs`);
      return 1;
    }
    const sent = store.reports.recent(20).find((send) => send.manual && send.scheduledFor.getTime() === now.getTime());
    // The target says where it went: an SMTP server, or .eml files when no smtp is configured.
    io.stdout(
      `report "${chosen.name}" to ${[...chosen.to, ...chosen.cc].join(', ')} accepted by ${channels[0]!.target} (Message-ID ${sent?.messageId ?? '?'})`,
    );
    return 0;
  } finally {
    for (const channel of channels) channel.close();
    store.close();
  }
}

function usage(io: Io, message: string): number {
  io.stderr(message);
  return 2;
}

/**
 * The store's history as the report's source: minutes, incidents by their down time, and how many
 * notifications each incident's delivered mails carried. A store last written by a version without
 * history (opened read-only, so not migrated) has incidents only: time then counts as observed.
 */
function storeSource(db: Database.Database, now: Date): { source: ReportSource; history: boolean } {
  const delivered = db.prepare<[string], { count: number }>('SELECT count(*) AS count FROM outbox WHERE incident_id = ? AND delivered_at IS NOT NULL');
  const notificationsSent = (ids: readonly string[]) => new Map(ids.map((id) => [id, delivered.get(id)?.count ?? 0]));
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'history_minutes'").get() !== undefined) {
    const history = createHistoryStore(db, () => now);
    return {
      history: true,
      source: {
        minutes: (window) => history.minutes(window),
        incidents: (window) => history.incidents(window),
        notificationsSent,
        deskRecords: (ids) => history.deskRecords(ids),
        peopleIncidents: (window) => history.peopleIncidents(window),
      },
    };
  }
  const incidents = createIncidentStore(db);
  return {
    history: false,
    source: {
      minutes: () => [],
      // An incident opens a few failed probes after its first failure: look a little past the window's end.
      incidents: ({ from, to }) => incidents.listBetween(from, new Date(to.getTime() + OPENED_AFTER_MARGIN_MS)),
      notificationsSent,
    },
  };
}
