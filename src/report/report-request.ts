// What a request for a report names, read into a window and a report of the config, and the report
// built from it: shared by the `report` command and the daemon's /api/report and /report, so both
// give the same figures for the same question. Pure but for the source it reads.
import type { Config } from '../config/config.ts';
import type { ReportConfig } from '../config/report-config.ts';
import { findPreviousCronMatch } from '../state/maintenance.ts';
import { toWallClock, VIETNAM_TIME_ZONE } from '../time-zone.ts';
import { buildReport, dayWindow, previousScheduledSlot, scheduledWindow } from './build-report.ts';
import type { Report, ReportObjective, ReportSource, ReportWindow } from './report-model.ts';

/** A report of `reports:` by name; default the first one (or none: an ad-hoc report). A string says what is wrong. */
export function chooseReport(config: Pick<Config, 'reports'>, name: string | undefined): ReportConfig | undefined | string {
  if (name === undefined) return config.reports[0];
  const found = config.reports.find((report) => report.name === name);
  if (found !== undefined) return found;
  const known = config.reports.map((report) => report.name);
  return `no report named "${name}" in reports:${known.length === 0 ? ' (there are none)' : `; known: ${known.join(', ')}`}`;
}

export interface WindowRequest {
  /** A local calendar day, YYYY-MM-DD. */
  readonly date?: string;
  /** An ISO-8601 window, both ends given. */
  readonly from?: string;
  readonly to?: string;
}

/**
 * --date: that local day. --from/--to: exactly that. Neither: what the report covered at its last
 * scheduled time (without a report in the config, today so far). A string says what is wrong.
 */
export function chooseWindow(request: WindowRequest, report: ReportConfig | undefined, now: Date): ReportWindow | string {
  const timeZone = report?.timezone ?? VIETNAM_TIME_ZONE;
  if (request.date !== undefined && (request.from !== undefined || request.to !== undefined)) return 'give either --date or --from and --to, not both';
  if (request.date !== undefined) {
    try {
      return dayWindow(request.date, timeZone);
    } catch (error) {
      return `--date: ${(error as Error).message}`;
    }
  }
  if (request.from !== undefined || request.to !== undefined) {
    if (request.from === undefined || request.to === undefined) return '--from and --to go together';
    const from = parseInstant(request.from);
    const to = parseInstant(request.to);
    if (from === undefined || to === undefined) return '--from and --to must be ISO-8601 times with an offset, e.g. 2026-12-02T15:30:00+07:00';
    if (to <= from) return '--to must be after --from';
    return { from, to };
  }
  if (report === undefined) {
    const today = toWallClock(now, timeZone);
    return dayWindow(`${today.year}-${today.month}-${today.day}`, timeZone);
  }
  const slot = findPreviousCronMatch(report.schedule, report.timezone, now, new Date(now.getTime() - 366 * 86_400_000));
  if (slot === undefined) return `report "${report.name}" had no scheduled time in the last year; give --date or --from and --to`;
  return scheduledWindow(report.window, slot, previousScheduledSlot(report.schedule, report.timezone, slot), timeZone);
}

export function parseInstant(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export interface ConfiguredReportOptions {
  readonly now: Date;
  /** Whether the source keeps per-minute history (buildReport's `history`). */
  readonly history: boolean;
  /** The slot it missed, when it goes out late. */
  readonly lateFor?: Date;
  /**
   * The objectives to show: counted from the source's minutes over each period ('count', the
   * default: the `report` command, a process of its own), already evaluated (the daemon's live
   * figures), or none ('omit').
   */
  readonly objectives?: 'count' | 'omit' | readonly ReportObjective[];
}

/** The report for `window`, as `report` (or, without one, an ad-hoc report in alerting.locale) describes it. */
export function buildConfiguredReport(
  config: Pick<Config, 'checks' | 'alerting'> & { readonly objectives?: Config['objectives'] },
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
    ...(options.objectives === undefined || options.objectives === 'count'
      ? { objectives: config.objectives ?? [] }
      : options.objectives === 'omit'
        ? {}
        : { objectiveFigures: options.objectives }),
    ...(options.lateFor === undefined ? {} : { lateFor: options.lateFor }),
  });
}

/** What the daemon's /api/report and /report call: the named report (default the first) for a window, now, or what is wrong with the name. */
export function reportBuilder(
  config: () => Pick<Config, 'checks' | 'alerting' | 'reports'> & { readonly objectives?: Config['objectives'] },
  source: ReportSource,
  clock: () => Date,
): (window: ReportWindow, name: string | undefined) => Report | string {
  return (window, name) => {
    const current = config();
    const chosen = chooseReport(current, name);
    return typeof chosen === 'string'
      ? chosen
      : buildConfiguredReport(current, source, window, chosen, {
          now: clock(),
          history: true,
          // A past window's objectives would mean recounting whole periods inside the daemon.
          objectives: 'omit',
        });
  };
}
