// The daemon's report scheduler: at each report's scheduled time it builds the report from the
// store's history, renders the mail (HTML, text, CSV and .docx) and records the send in the same
// transaction as its outbox row; the outbox delivers it like any mail. It also raises the deadline
// notice and keeps the two report metrics.
//
// Timing: a check every second against the pure rules (report/report-schedule.ts) rather than a
// node-cron task per report. The rules must run anyway at start (a slot missed while the monitor was
// down goes out late) and the store, not a timer, says what was sent, so one loop over them is the
// whole scheduler: no task to forget on a reload (each check reads the running config), nothing that
// fires twice when a timer and a start-up catch-up race, and tests drive it with an injected clock.
// A second's delay on a report due at 15:30 is well inside its deadline.
//
// Clock steps: slots are wall time and the store says which slot was sent last, so a slot already
// sent is never sent again after the wall clock steps back, and a slot a step forward jumped over
// is the latest due one: sent once, marked late (report-schedule.ts). The one wait, the minute
// before a mail that could not be made is tried again, is measured on the monotonic clock.
//
// Exactly once: the unique slot in report_sends refuses a second record of a slot, and only the
// recorded outbox row is ever delivered (frozen before its first attempt). A report being built is
// not looked at again until its record is written.
//
// Deadline: a slot's send not accepted by the mail server by its deadline raises a `report_late`
// notice with enqueueNotice: queued on EVERY configured channel (Alertmanager when configured, and
// email to alerting.email.to on a notice route of its own, not the report's route and recipients),
// once per slot (the store keeps that it was raised), and counts dvc_report_deadline_missed_total.
// It is raised at once for a report queued after its deadline (the monitor was down over both), and
// also for a slot whose mail could not even be made (nothing recorded; remembered for this run).
import type { Logger } from 'pino';
import { enqueueNotice } from '../alerting/notices.ts';
import { systemMonotonic, type Clock, type MonotonicClock } from '../clock.ts';
import type { Config } from '../config/config.ts';
import type { ReportConfig } from '../config/report-config.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { renderReportMail } from '../report/report-mail.ts';
import type { ReportCatalogueTable, ReportObjective } from '../report/report-model.ts';
import { buildConfiguredReport } from '../report/report-request.ts';
import { deadlineOf, dueSlot, windowOfSlot } from '../report/report-schedule.ts';
import type { Notification } from '../state/notification.ts';
import { routeKey } from '../state/recipients.ts';
import type { Store } from '../store/store.ts';
import { formatClock } from '../text/format-time.ts';

export interface ReportSchedulerOptions {
  readonly store: Store;
  /** The running config; read at every check, so a reload needs nothing more. */
  readonly config: () => Pick<Config, 'checks' | 'alerting' | 'reports'>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics: Pick<Metrics, 'setReports' | 'recordReportSuccess' | 'recordReportDeadlineMissed'>;
  /** Something was queued: the outbox should look now. */
  readonly wake: () => void;
  /** Default 1000. */
  readonly intervalMs?: number;
  /** For the wait before a failed report is tried again; default performance.now(). */
  readonly monotonic?: MonotonicClock;
  /**
   * The objectives as the daemon last evaluated them (hour by hour), for the report to show;
   * undefined while the first evaluation is still on its way (the report then goes without them).
   */
  readonly objectives?: () => readonly ReportObjective[] | undefined;
  /** The catalogue checks' newest reviews with changes or mismatches, carried as tables; absent = none. */
  readonly catalogue?: () => readonly ReportCatalogueTable[];
}

export interface ReportScheduler {
  start(): void;
  /** One check of every report now; resolves when the sends it started are recorded (tests, start-up). */
  check(): Promise<void>;
  /** Waits for a report being built to be recorded. */
  stop(): Promise<void>;
}

const RETRY_AFTER_FAILURE_MS = 60_000;

export function createReportScheduler(options: ReportSchedulerOptions): ReportScheduler {
  const { store, clock, log } = options;
  const monotonic = options.monotonic ?? systemMonotonic;
  const building = new Map<string, Promise<void>>();
  /** A report whose mail could not be made waits until this monotonic mark before the next try, so the log is not flooded. */
  const failedUntil = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let firstStart: Date | undefined;

  const send = async (report: ReportConfig, slot: Date, late: boolean): Promise<void> => {
    const config = options.config();
    const window = windowOfSlot(report, slot);
    const objectives = options.objectives?.() ?? 'omit';
    const built = buildConfiguredReport(config, store.history, window, report, {
      now: clock(),
      history: true,
      objectives,
      ...(late ? { lateFor: slot } : {}),
    });
    const catalogue = options.catalogue?.() ?? [];
    const mail = await renderReportMail(catalogue.length === 0 ? built : { ...built, catalogue }, report, slot);
    const queuedAt = clock();
    const notification: Notification = { type: 'report', riders: [], to: [...report.to], createdAt: queuedAt, report: mail };
    // A route per send: a report never waits behind, or groups with, any other mail.
    const route = `report:${report.name}:${slot.getTime()}:${routeKey(report.to)}`;
    store.reports.record(
      { report: report.name, scheduledFor: slot, window: built.window, queuedAt, to: [...report.to], cc: [...report.cc], late },
      notification,
      route,
    );
    failedUntil.delete(report.name);
    log.info({ report: report.name, scheduledFor: slot, window: built.window, late, to: report.to, cc: report.cc }, 'report queued');
    options.wake();
    // Queued after its deadline (the monitor was down over it): not accepted by then, so said at once.
    checkDeadlines(report, config.alerting, queuedAt);
  };

  /**
   * Queues the report_late notice for a slot and counts it. With a recorded send, the store keeps
   * that it was raised (in the same transaction); for a slot whose mail could not even be made, the
   * store's meta keeps it (the report's last such slot), so a restart does not raise it again.
   */
  const raiseDeadline = (report: ReportConfig, alerting: Config['alerting'], slot: Date, deadline: Date, now: Date, recorded: boolean): void => {
    const key = `${report.name}.${slot.toISOString()}`;
    const unrecordedKey = `reports.unrecordedDeadline.${report.name}`;
    if (store.meta.get<string>(unrecordedKey) === slot.toISOString()) {
      // Raised while its mail could not be made; now recorded: the store keeps that it was.
      if (recorded)
        store.transaction(() => {
          store.reports.markDeadlineMissed(report.name, slot, now);
          store.meta.set(unrecordedKey, undefined);
        });
      return;
    }
    store.transaction(() => {
      enqueueNotice(
        store,
        alerting,
        { kind: 'report_late', key, severity: 'warning', params: { report: report.name, deadline: formatClock(deadline, { timeZone: report.timezone }) } },
        now,
      );
      if (recorded) store.reports.markDeadlineMissed(report.name, slot, now);
      else store.meta.set(unrecordedKey, slot.toISOString());
    });
    options.metrics.recordReportDeadlineMissed(report.name);
    log.warn({ report: report.name, scheduledFor: slot, deadline }, 'report not accepted by its deadline; notice queued');
    options.wake();
  };

  const checkDeadlines = (report: ReportConfig, alerting: Config['alerting'], now: Date): void => {
    for (const pending of store.reports.unaccepted(report.name)) {
      const deadline = deadlineOf(report, pending.scheduledFor);
      if (deadline !== undefined && now >= deadline) raiseDeadline(report, alerting, pending.scheduledFor, deadline, now, true);
    }
  };

  const check = async (): Promise<void> => {
    const config = options.config();
    const now = clock();
    firstStart ??= store.reports.firstStart(now);
    options.metrics.setReports(config.reports.map((report) => report.name));
    const started: Promise<void>[] = [];
    for (const report of config.reports) {
      try {
        const success = store.reports.lastSuccess(report.name);
        if (success) options.metrics.recordReportSuccess(report.name, success);
        checkDeadlines(report, config.alerting, now);
        if (building.has(report.name)) continue;
        const due = dueSlot(report, { lastSlot: store.reports.lastSlot(report.name), firstStart }, now);
        if (due === undefined) continue;
        // Its mail could not be made (so nothing is recorded) and the deadline has passed.
        const deadline = deadlineOf(report, due.slot);
        if (failedUntil.has(report.name) && deadline !== undefined && now >= deadline) {
          raiseDeadline(report, config.alerting, due.slot, deadline, now, false);
        }
        if ((failedUntil.get(report.name) ?? Number.NEGATIVE_INFINITY) > monotonic()) continue;
        const job = send(report, due.slot, due.late)
          .catch((error: unknown) => {
            failedUntil.set(report.name, monotonic() + RETRY_AFTER_FAILURE_MS);
            log.error({ err: error, report: report.name, scheduledFor: due.slot }, 'report could not be queued; will try again in a minute');
          })
          .finally(() => building.delete(report.name));
        building.set(report.name, job);
        started.push(job);
      } catch (error) {
        log.error({ err: error, report: report.name }, 'report check failed; will look again');
      }
    }
    await Promise.all(started);
  };

  return {
    start() {
      if (timer) return;
      void check();
      timer = setInterval(() => void check(), options.intervalMs ?? 1000);
      timer.unref();
    },
    check,
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await Promise.allSettled([...building.values()]);
    },
  };
}
