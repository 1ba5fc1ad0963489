// The `alerting.sms:` list (zod): SMS channels through a carrier's HTTP gateway or a gammu-smsd
// spool directory. Apart from alerting-schema.ts so the SMS settings read as one block.
import { z } from 'zod';
import { unknownTemplateVariables, SMS_TEMPLATE_VARIABLES } from './sms-template-variables.ts';
import { ChannelName, channelRouteInput } from './channel-schema.ts';
import { HttpUrl, JsonPathText, PositiveDuration } from './schema-primitives.ts';

/** A phone number as the gateway or the modem takes it: digits, an optional leading +. */
const Phone = z.string().regex(/^\+?[0-9]{6,15}$/, 'must be a phone number of 6-15 digits, optionally with a leading +, e.g. +84912345678');
/** A body or query field name. */
const FieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/, 'must be a field name such as "phone" or "Content"');

const Template = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    const unknown = unknownTemplateVariables(text);
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `unknown variable {${unknown[0]}}; known: ${SMS_TEMPLATE_VARIABLES.map((name) => `{${name}}`).join(' ')}` });
    }
  })
  .describe('Fixed text with variables, as registered with the carrier, e.g. "DVC {severity}: {system} {check} loi tu {since}"');

const Route = channelRouteInput(Phone);

const common = {
  name: ChannelName,
  to: z.array(Phone).min(1).describe('Phone numbers every message goes to'),
  template: Template,
  ascii: z.boolean().optional().describe('Fold Vietnamese to ASCII (đ→d, no tone marks): 160 characters per SMS instead of 70'),
  maxSegments: z.number().int().min(1).max(9).optional().describe('Longer texts are cut to this many SMS segments (default 1)'),
  routes: z.array(Route).optional(),
};

export const SmsHttpInput = z.strictObject({
  ...common,
  via: z.literal('http'),
  url: HttpUrl.describe("The carrier gateway's send endpoint"),
  method: z.enum(['POST', 'GET']).optional().describe('POST (default) sends a body; GET puts the fields in the query'),
  auth: z
    .union([
      z.strictObject({ header: z.strictObject({ name: z.string().min(1), value: z.string().min(1) }) }),
      z.strictObject({ basic: z.strictObject({ user: z.string().min(1), pass: z.string().min(1) }) }),
    ])
    .optional()
    .describe('A header (e.g. Authorization or X-Api-Key) or HTTP Basic; put the secret in ${ENV}'),
  params: z
    .strictObject({ phone: FieldName.optional(), text: FieldName.optional(), sender: FieldName.optional() })
    .optional()
    .describe('Field names the gateway expects (default phone, text, sender)'),
  sender: z.string().min(1).max(11).optional().describe('Brandname registered with the carrier'),
  fields: z.record(FieldName, z.string()).optional().describe('Fixed extra fields sent with every message (an account id, a template id)'),
  body: z.enum(['json', 'form']).optional().describe('Body encoding for POST (default json)'),
  timeout: PositiveDuration.optional().describe('Per request (default 10s)'),
  accept: z
    .strictObject({ path: JsonPathText, equals: z.union([z.string(), z.number(), z.boolean()]) })
    .optional()
    .describe('For gateways that answer 200 with an error code: the JSON path and the value meaning "accepted"'),
});

export const SmsGammuInput = z.strictObject({
  ...common,
  via: z.literal('gammu'),
  outbox: z.string().min(1).describe("gammu-smsd's files backend outboxpath: one message file per recipient is written there"),
});

export const SmsInput = z.discriminatedUnion('via', [SmsHttpInput, SmsGammuInput]);
export type SmsInput = z.output<typeof SmsInput>;
