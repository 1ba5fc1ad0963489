// The named channels' config (zod): `alerting.webhooks` and `alerting.zalo`, with the routes every
// named channel shares (by system, check, severity, maintenance window; `to` overrides targets).
import { z } from 'zod';
import { HttpHeaders, HttpUrl, PositiveDuration, SystemName } from './schema-primitives.ts';

/** The `channel` label and what an escalation step names: lowercase letters, digits, - and _. */
export const ChannelName = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lowercase letters, digits, - or _, e.g. "zalo-truc-ban"');

/** A named channel's route; `target` checks the route's own targets (any text, or a phone number for SMS). */
export function channelRouteInput<T extends z.ZodType<string>>(target: T) {
  return z.strictObject({
    match: z.strictObject({
      system: SystemName.optional(),
      check: z
        .string()
        .regex(/^[a-z0-9*][a-z0-9*-]*$/, 'must be a check name or a pattern with *, e.g. "dvcqg-*"')
        .optional(),
      severity: z.enum(['warning', 'critical']).optional(),
      maintenance: z.string().min(1).optional().describe('The name of a maintenance window the check is in'),
    }),
    to: z.array(target).min(1).optional().describe("Targets for this route instead of the channel's own (chat ids, phone numbers)"),
  });
}

const ChannelRouteInput = channelRouteInput(z.string().min(1));

export type ChannelRouteInput = z.output<typeof ChannelRouteInput>;

export const WebhookInput = z.strictObject({
  name: ChannelName,
  url: HttpUrl,
  method: z.enum(['POST', 'PUT', 'PATCH']).optional().describe('Default POST'),
  headers: HttpHeaders.optional().describe('Values may be ${ENV} or ${file:/path}; never logged'),
  body: z
    .strictObject({
      encoding: z.enum(['json', 'form']).optional().describe('Default json'),
      template: z.string().min(1).describe('Placeholders such as {{check}} are filled with the escaping the encoding needs'),
    })
    .optional()
    .describe('Default: the documented JSON document'),
  timeout: PositiveDuration.optional().describe('Default 10s'),
  tls: z.strictObject({ verify: z.boolean().optional() }).optional(),
  routes: z.array(ChannelRouteInput).optional(),
});

export const ZaloInput = z.strictObject({
  name: ChannelName,
  token: z.string().min(1).describe('The bot token: write ${ENV} or ${file:/path}; never logged'),
  chatIds: z.array(z.string().min(1)).optional().describe('Chats that receive every routed message'),
  apiBase: HttpUrl.optional().describe('Default https://bot-api.zaloplatforms.com'),
  timeout: PositiveDuration.optional().describe('Default 10s'),
  routes: z.array(ChannelRouteInput).optional(),
});

/** What a webhook body template can name as {{name}} (README "### Webhook"). */
export const WEBHOOK_FIELDS = [
  'type',
  'status',
  'check',
  'system',
  'severity',
  'reason',
  'message',
  'openedAt',
  'resolvedAt',
  'at',
  'incidentId',
  'incidentLink',
  'window',
  'notice',
  'escalationAfter',
  'flappingSince',
  'flappingChanges',
  'deskAction',
  'note',
] as const;

/** `{{ name }}` in a webhook body template. */
export const WEBHOOK_PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;
