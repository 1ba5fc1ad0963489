// The top-level `roster:` block (who is on duty when, and the organisations to call) and
// `alerting.escalation` (who is told when an incident stays unacknowledged), as zod schemas.
import { z } from 'zod';
import { PositiveDuration } from './schema-primitives.ts';

// The same rule as alerting-schema.ts's Email, kept here so the two schemas do not import each other.
const Email = z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be an e-mail address such as trucban@angiang.gov.vn');
const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time "HH:MM" (Asia/Ho_Chi_Minh), e.g. "07:30"');
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

const Contact = {
  name: z.string().min(1),
  email: Email.optional(),
  zalo: z.string().min(1).optional().describe('Zalo chat id (the person messages the bot first)'),
  phone: z
    .string()
    .regex(/^\+?[0-9 .-]{6,20}$/, 'must be a phone number, e.g. "+84912345678"')
    .optional(),
};

export const RosterInput = z.strictObject({
  organisations: z
    .array(
      z.strictObject({
        name: z.string().min(1).describe('As people say it, e.g. "Công an tỉnh PC06"'),
        focalPoints: z.array(z.strictObject(Contact)).optional().describe('Who to call at this organisation, day or night'),
      }),
    )
    .optional(),
  shifts: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        days: z.array(z.enum(WEEKDAYS)).min(1).optional().describe('Days the shift STARTS on; every day when absent'),
        from: LocalTime,
        to: LocalTime.describe('End, local time; earlier than `from` = the next morning (a night shift)'),
        people: z.array(z.strictObject({ ...Contact, organisation: z.string().min(1).optional() })).min(1, 'a shift needs at least one person'),
      }),
    )
    .optional(),
});

export type RosterInput = z.output<typeof RosterInput>;

export const EscalationInput = z
  .array(
    z.strictObject({
      after: PositiveDuration.describe('Since the firing notification was queued'),
      notify: z.array(z.string().min(1)).min(1).describe('E-mail addresses, named channels (webhook/zalo/sms), "onDuty", or an organisation of the roster'),
      unless: z.enum(['acknowledged', 'none']).optional().describe('acknowledged (default): an acknowledged incident is not escalated; none: always'),
    }),
  )
  .describe('Steps that tell more people while an incident stays open and unacknowledged');
export type EscalationInput = z.output<typeof EscalationInput>;
