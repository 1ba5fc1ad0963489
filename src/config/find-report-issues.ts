// Rules of the `reports:` block that zod cannot say: names unique, the schedule a cron expression
// node-cron accepts, the time zone one the platform knows.
import cron from 'node-cron';
import type { ConfigInput } from './schema.ts';
import type { PathIssue } from './translate-zod-issues.ts';
import { isTimeZone } from './is-time-zone.ts';

export function findReportIssues(input: ConfigInput): PathIssue[] {
  const issues: PathIssue[] = [];
  const names = new Map<string, number>();
  (input.reports ?? []).forEach((report, index) => {
    const first = names.get(report.name);
    if (first !== undefined) {
      issues.push({ path: ['reports', index, 'name'], at: 'value', message: `duplicate report name "${report.name}" (also reports[${first}])` });
    } else names.set(report.name, index);
    if (!cron.validate(report.schedule)) {
      issues.push({
        path: ['reports', index, 'schedule'],
        at: 'value',
        message: `"${report.schedule}" is not a cron expression (minute hour day month weekday), e.g. "30 15 * * *"`,
      });
    }
    if (report.timezone !== undefined && !isTimeZone(report.timezone)) {
      issues.push({ path: ['reports', index, 'timezone'], at: 'value', message: `unknown time zone "${report.timezone}"; e.g. Asia/Ho_Chi_Minh` });
    }
  });
  return issues;
}
