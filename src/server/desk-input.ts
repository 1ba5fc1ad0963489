// What the desk's routes accept: the request bodies (JSON from API clients, urlencoded from the
// status page's forms) and queries, validated with zod into the Desk's own input shapes. A mistake
// names the field it is in, so a script or a person can fix it. Local date-times without an
// offset are Vietnam time, as a technician writes them and as a datetime-local field sends them.
import { z } from 'zod';
import { parseDuration } from '../config/units.ts';
import type { NoteFields, OpenPeopleIncident } from '../state/desk-records.ts';
import type { IncidentQuery, StartMaintenance, StartSilence } from '../desk/desk.ts';
import { isUrlencoded, type RouteRequest } from './routes-common.ts';

/** A body or query the desk refuses: the message and the field it is about. */
export interface InputError {
  readonly error: string;
  readonly field: string;
}

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: InputError };

const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/;
const VIETNAM_OFFSET = '+07:00';

/** An ISO-8601 date-time; without an offset it is Vietnam time (UTC+7). Undefined for anything else, impossible dates included. */
export function parseLocalDateTime(text: string): Date | undefined {
  const match = ISO_DATE_TIME.exec(text.trim());
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second = '00', fraction = '', offset = VIETNAM_OFFSET] = match;
  const wall = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)));
  // Date.UTC rolls 30 February over into March; a date that does not round-trip does not exist.
  if (wall.getUTCMonth() !== Number(month) - 1 || wall.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) {
    return undefined;
  }
  const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second}.${fraction.padEnd(3, '0').slice(0, 3)}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const dateTime = z.string().transform((text, context) => {
  const date = parseLocalDateTime(text);
  if (date === undefined) {
    context.addIssue({
      code: 'custom',
      message: 'expected an ISO-8601 date-time such as 2026-05-29T23:30 (no offset = Asia/Ho_Chi_Minh) or 2026-05-29T16:30:00Z',
    });
    return z.NEVER;
  }
  return date;
});

const line = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `at most ${max} characters`);
const names = z.array(line(200)).max(100);

const listQuery = z.strictObject({ state: z.enum(['open', 'all']).default('open'), since: dateTime.optional() });
// The desk gives at most 1000 entries a request; more is refused rather than cut short without a word.
const auditQuery = z.strictObject({ since: dateTime.optional(), limit: z.coerce.number().int().min(1).max(1000).default(500) });

const openIncident = z.strictObject({
  title: line(200),
  system: line(100),
  severity: z.enum(['warning', 'critical']),
  description: z.string().trim().max(4000, 'at most 4000 characters').default(''),
  reportedBy: line(200),
});

const acknowledge = z.strictObject({ note: line(4000).optional() });

const note = z
  .strictObject({
    cause: line(4000).optional(),
    plan: line(4000).optional(),
    expectedFixAt: dateTime.optional(),
    result: line(4000).optional(),
    text: line(4000).optional(),
    notify: z.boolean().default(false),
  })
  .refine((fields) => [fields.cause, fields.plan, fields.expectedFixAt, fields.result, fields.text].some((field) => field !== undefined), {
    message: 'a note needs at least one of cause, plan, expectedFixAt, result, text',
    path: ['text'],
  });

const resolve = z.strictObject({ result: line(4000).optional() });

const maintenance = z.strictObject({
  name: line(200).optional(),
  checks: names.optional(),
  systems: names.optional(),
  reason: line(4000).optional(),
  until: dateTime.optional(),
});

const silence = z
  .strictObject({
    check: line(200).optional(),
    system: line(100).optional(),
    until: dateTime.optional(),
    for: z
      .string()
      .transform((text, context) => {
        const seconds = parseDuration(text);
        if (seconds === undefined || seconds <= 0) {
          context.addIssue({ code: 'custom', message: 'expected a duration such as 30m, 2h or 1h30m' });
          return z.NEVER;
        }
        return seconds;
      })
      .optional(),
    reason: line(4000).optional(),
  })
  .refine((input) => input.check !== undefined || input.system !== undefined, { message: 'a silence needs a check or a system', path: ['check'] })
  .refine((input) => input.until !== undefined || input.for !== undefined, { message: 'a silence needs an expiry: until or for', path: ['until'] });

function firstProblem(error: z.ZodError): InputError {
  const issue = error.issues[0];
  if (issue === undefined) return { error: 'invalid input', field: 'body' };
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const field = [...issue.path.map(String), ...keys.slice(0, 1)].join('.') || 'body';
  return { error: issue.code === 'unrecognized_keys' ? `unknown field ${keys[0] ?? ''}`.trim() : issue.message, field };
}

function validate<T>(schema: z.ZodType<T>, value: unknown): Parsed<T> {
  const result = schema.safeParse(value);
  return result.success ? { ok: true, value: result.data } : { ok: false, problem: firstProblem(result.error) };
}

/**
 * Whether the body came from one of the page's forms (answered with a redirect, not JSON). A form
 * never sends a body that begins with "{" (a browser percent-encodes it): that is JSON from a
 * client that left the content type at curl -d's default.
 */
export function isFormPost(request: RouteRequest): boolean {
  return isUrlencoded(request.headers) && !request.body.trimStart().startsWith('{');
}

const FORM_BOOLEANS = new Set(['notify']);
const FORM_LISTS = new Set(['checks', 'systems']);
const CHECKED = new Set(['on', 'true', '1', 'yes']);

/**
 * A form's fields as the JSON an API client would send: empty fields are absent, a checkbox is a
 * boolean, a comma-separated list is an array, and the CSRF token (checked before routes run) is dropped.
 */
function formFields(body: string): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    if (name === '_csrf' || value.trim() === '') continue;
    if (FORM_BOOLEANS.has(name)) fields[name] = CHECKED.has(value.trim().toLowerCase());
    else if (FORM_LISTS.has(name))
      fields[name] = value
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== '');
    else fields[name] = value;
  }
  return fields;
}

/** The body as an object: urlencoded for forms, JSON otherwise; an empty body is `{}`. */
function bodyFields(request: RouteRequest): Parsed<Record<string, unknown>> {
  if (isFormPost(request)) return { ok: true, value: formFields(request.body) };
  if (request.body.trim() === '') return { ok: true, value: {} };
  let value: unknown;
  try {
    value = JSON.parse(request.body);
  } catch {
    return { ok: false, problem: { error: 'the body is not JSON', field: 'body' } };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: { error: 'the body must be a JSON object', field: 'body' } };
  return { ok: true, value: value as Record<string, unknown> };
}

function parseBody<T>(schema: z.ZodType<T>, request: RouteRequest): Parsed<T> {
  const fields = bodyFields(request);
  return fields.ok ? validate(schema, fields.value) : fields;
}

function queryFields(url: URL): Record<string, string> {
  return Object.fromEntries(url.searchParams);
}

export function parseIncidentQuery(url: URL): Parsed<IncidentQuery> {
  return validate(listQuery, queryFields(url));
}

export function parseAuditQuery(url: URL): Parsed<{ since?: Date; limit: number }> {
  return validate(auditQuery, queryFields(url));
}

export function parseOpenIncident(request: RouteRequest): Parsed<OpenPeopleIncident> {
  return parseBody(openIncident, request);
}

export function parseAcknowledge(request: RouteRequest): Parsed<{ note?: string }> {
  return parseBody(acknowledge, request);
}

export function parseNote(request: RouteRequest): Parsed<{ fields: NoteFields; notify: boolean }> {
  const parsed = parseBody(note, request);
  if (!parsed.ok) return parsed;
  const { notify, ...fields } = parsed.value;
  return { ok: true, value: { fields: withoutUndefined(fields), notify } };
}

export function parseResolve(request: RouteRequest): Parsed<{ result?: string }> {
  return parseBody(resolve, request);
}

/** A maintenance window to open; a planned end must lie after now. */
export function parseMaintenance(request: RouteRequest, now: Date): Parsed<StartMaintenance> {
  const parsed = parseBody(maintenance, request);
  if (!parsed.ok) return parsed;
  if (parsed.value.until !== undefined && parsed.value.until.getTime() <= now.getTime()) {
    return { ok: false, problem: { error: 'the planned end must be in the future', field: 'until' } };
  }
  return { ok: true, value: withoutUndefined(parsed.value) };
}

/** A silence to start: `until` (a date-time) or `for` (a duration from now), ending after now. */
export function parseSilence(request: RouteRequest, now: Date): Parsed<StartSilence> {
  const parsed = parseBody(silence, request);
  if (!parsed.ok) return parsed;
  const { for: seconds, until, ...rest } = parsed.value;
  const end = until ?? new Date(now.getTime() + (seconds ?? 0) * 1000);
  if (end.getTime() <= now.getTime())
    return { ok: false, problem: { error: 'the expiry must be in the future', field: until === undefined ? 'for' : 'until' } };
  return { ok: true, value: { ...withoutUndefined(rest), until: end } };
}

/** exactOptionalPropertyTypes: an absent field must be absent, not undefined. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
