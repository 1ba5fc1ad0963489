// The `alerting:` block of the config file (zod), and per-check alerting keys. Kept apart from
// schema.ts because it is a world of its own: routes, windows, SMTP, Alertmanager.
import { z } from 'zod';
import { WebhookInput, ZaloInput } from './channel-schema.ts';
import { EscalationInput } from './roster-schema.ts';
import { CheckName, Duration, HttpUrl, PositiveDuration } from './schema-primitives.ts';
import { SmsInput } from './sms-schema.ts';

export const Email = z.string().regex(/^[^\s@<>]+@[^\s@<>]+$/, 'must be an e-mail address such as trucban@angiang.gov.vn');
/** `Name <address>` or a bare address. */
const Mailbox = z.string().regex(/^([^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an address, or "Name <address>"');
/** A check name, or a pattern with * (e.g. "dvcqg-*"). */
const CheckPattern = z.string().regex(/^[a-z0-9*][a-z0-9*-]*$/, 'must be a check name or a pattern with *, e.g. "dvcqg-*"');

export const AlertOn = z.enum(['critical', 'warning']).describe('Open incidents on critical only (default), or on warning too');

const Instant = z
  .string()
  .refine(
    (text) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) && !Number.isNaN(Date.parse(text)),
    'must be an ISO-8601 time with an offset, e.g. "2026-05-29T22:00:00+07:00"',
  )
  .transform((text) => new Date(text));

const windowCommon = {
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be 1-63 characters of a-z, 0-9, "-" and "_"'),
  checks: z.array(CheckPattern).optional().describe('Checks it covers (names or * patterns); all when absent'),
  to: z.array(Email).min(1).optional().describe('Mail for covered checks goes here during the window (e.g. the cut-over team); silenced when absent'),
};

export const MaintenanceWindowInput = z.union([
  z.strictObject({ ...windowCommon, start: Instant, end: Instant }),
  z.strictObject({
    ...windowCommon,
    cron: z.string().min(9).describe('Five- or six-field cron expression for when the window starts'),
    duration: PositiveDuration,
    timezone: z.string().min(1).optional().describe('IANA time zone of the cron expression; default Asia/Ho_Chi_Minh'),
  }),
]);

export const SmtpInput = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).optional(),
  secure: z.boolean().optional().describe('TLS from the first byte (port 465); false = plain, upgraded with STARTTLS when offered'),
  requireTLS: z.boolean().optional().describe('Refuse to send unless STARTTLS succeeds'),
  auth: z.strictObject({ user: z.string().min(1), pass: z.string().min(1) }).optional(),
  tls: z
    .strictObject({
      caFile: z.string().min(1).optional(),
      verify: z.boolean().optional(),
      serverName: z.string().min(1).optional(),
    })
    .optional(),
  timeout: PositiveDuration.optional().describe('Connection, greeting and socket timeout (default 30s)'),
});

export const EmailInput = z.strictObject({
  smtp: SmtpInput.optional().describe('Without smtp, mails are written as .eml files under <storage dir>/outbox-mail/'),
  from: Mailbox.optional(),
  to: z.array(Email).optional(),
  routes: z
    .array(
      z.strictObject({
        match: z.strictObject({ system: z.string().min(1).optional(), check: CheckPattern.optional() }),
        // Addresses, `onDuty` or organisations of the roster (checked against it in roster-config.ts).
        to: z.array(z.string().min(1)).min(1),
      }),
    )
    .optional()
    .describe('Extra recipients for matching checks (addresses, onDuty, organisations of the roster); they get the mail besides `to`'),
  retry: z
    .strictObject({
      first: PositiveDuration.optional().describe('Wait after the first failed delivery (default 5s); doubles after each failure'),
      max: PositiveDuration.optional().describe('Longest wait between attempts (default 5m); delivery is retried forever'),
    })
    .optional(),
});

const FlappingInput = z.strictObject({
  changes: z.number().int().min(1).optional().describe('More changes of status than this within the window make a check flapping (default 6)'),
  window: PositiveDuration.optional().describe(
    'How far back changes are counted, and how long a flapping check must stay steady to end the episode (default 30m)',
  ),
  recoveryHold: Duration.optional().describe(
    'How long a recovered outage stays open before its resolved notice, so that a failure within it continues the same incident (default 3m; 0s resolves at once)',
  ),
});

export const AlertingInput = z.strictObject({
  locale: z.enum(['vi', 'en']).optional(),
  groupWait: PositiveDuration.optional(),
  groupInterval: PositiveDuration.optional(),
  repeatInterval: PositiveDuration.optional(),
  alertOn: AlertOn.optional(),
  vantage: z.array(CheckName).optional().describe("Checks of the prober's own connectivity; all failing = our network is down"),
  maintenance: z.array(MaintenanceWindowInput).optional(),
  email: EmailInput.optional(),
  alertmanager: z
    .strictObject({
      urls: z.array(HttpUrl).min(1),
      resendInterval: PositiveDuration.optional(),
      timeout: PositiveDuration.optional(),
    })
    .optional(),
  links: z.strictObject({ dashboard: HttpUrl.optional(), statusPage: HttpUrl.optional() }).optional(),
  webhooks: z.array(WebhookInput).optional().describe('Webhook channels: an HTTP request per notification batch'),
  zalo: z.array(ZaloInput).optional().describe('Zalo Bot Platform channels: a short text per chat'),
  sms: z.array(SmsInput).optional().describe('SMS channels: a carrier HTTP gateway or a gammu-smsd spool directory'),
  escalation: EscalationInput.optional(),
  flapping: FlappingInput.optional().describe('One "flapping" notice instead of a firing/resolved pair per change for a check whose status keeps changing'),
});

export type AlertingInput = z.output<typeof AlertingInput>;

/** Keys every check kind accepts for alerting. */
export const checkAlertingKeys = {
  dependsOn: z.array(CheckName).optional().describe('While one of these has an open incident, this check only rides along in its mail'),
  alertOn: AlertOn.optional(),
  flapping: FlappingInput.optional().describe("This check's own flapping rule; what it leaves out comes from alerting.flapping"),
};
