// The `objectives:` block of the config file: an availability target per system or per check over
// a calendar period. The names it points to and the target's range are checked in
// find-objective-issues.ts, where the checks are known and positions can be given.
import { z } from 'zod';

export const ObjectivePeriod = z.enum(['month', 'week', 'day']).describe('month (default), week (Monday to Monday) or day, in Asia/Ho_Chi_Minh local time');

export const ObjectiveInput = z.strictObject({
  system: z.string().min(1).optional().describe('A system named by a check; exactly one of system and check'),
  check: z.string().min(1).optional().describe('A configured check; exactly one of system and check'),
  target: z.union([z.string(), z.number()]).describe('Availability to keep, a percentage: "99.5%" or 99.5'),
  period: ObjectivePeriod.optional(),
});

export const ObjectivesInput = z.array(ObjectiveInput).describe('Availability objectives, shown on the status page and exported as error budgets');

export type ObjectiveInput = z.output<typeof ObjectiveInput>;
export type ObjectivesInput = z.output<typeof ObjectivesInput>;
