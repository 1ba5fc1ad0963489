// The resolved `reports:` block: defaults applied.
import type { Locale } from './alerting-config.ts';
import type { ReportsInput } from './report-schema.ts';

export type ReportWindowKind = 'sincePrevious' | 'day' | 'week' | 'month';

export interface ReportConfig {
  readonly name: string;
  /** node-cron expression, evaluated in timezone. */
  readonly schedule: string;
  readonly timezone: string;
  /** Local "HH:MM"; absent = no deadline alarm. */
  readonly deadline?: string;
  readonly window: ReportWindowKind;
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly unit: string;
  readonly signer?: string;
  readonly locale: Locale;
}

export const REPORT_DEFAULTS = { timezone: 'Asia/Ho_Chi_Minh', window: 'sincePrevious', locale: 'vi' } as const;

export function resolveReports(input: ReportsInput | undefined): ReportConfig[] {
  return (input ?? []).map((report) => ({
    name: report.name,
    schedule: report.schedule,
    timezone: report.timezone ?? REPORT_DEFAULTS.timezone,
    deadline: report.deadline,
    window: report.window ?? REPORT_DEFAULTS.window,
    to: report.to,
    cc: report.cc ?? [],
    unit: report.unit,
    signer: report.signer,
    locale: report.locale ?? REPORT_DEFAULTS.locale,
  }));
}
