// The `reports:` block of the config file: what each scheduled report covers, when it is due and
// who receives it. Kept apart from schema.ts like the alerting block; the cron expression and time
// zone are checked by find-report-issues.ts, where positions are known.
import { z } from 'zod';
import { Email } from './alerting-schema.ts';

export const ReportWindowKind = z
  .enum(['sincePrevious', 'day', 'week', 'month'])
  .describe('sincePrevious (default): from the previous scheduled time; day, week, month: the last whole one before the scheduled time');

export const ReportInput = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, "-" and "_"')
    .describe('Names the report in metrics and mail; e.g. daily'),
  schedule: z.string().min(1).describe('node-cron expression for when the report is due, in `timezone`; e.g. "30 15 * * *"'),
  timezone: z.string().min(1).optional().describe('IANA time zone of the schedule, the deadline and the window; default Asia/Ho_Chi_Minh'),
  deadline: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time "HH:MM", e.g. "15:55"')
    .optional()
    .describe('Local time by which the mail server must have accepted the report'),
  window: ReportWindowKind.optional(),
  to: z.array(Email).min(1, 'needs at least one recipient'),
  cc: z.array(Email).optional(),
  unit: z.string().min(1).describe('Who reports: the unit named at the head of the report'),
  signer: z.string().min(1).optional().describe('Name and title at the foot of the report'),
  locale: z.enum(['vi', 'en']).optional().describe('vi (default) or en'),
});

export const ReportsInput = z.array(ReportInput).describe('Reports written from the store and mailed on a schedule');

export type ReportsInput = z.output<typeof ReportsInput>;
