// Renders the templates the config compiled (src/config/template.ts) on every probe: captured
// values by name, and the clock as wall-clock fields of a time zone (Asia/Ho_Chi_Minh unless told
// otherwise), so "this month" follows the local calendar whatever the process's TZ.
import type { AddUnit, Expression, JsonTemplate, Template } from '../config/template.ts';
import { toWallClock, VIETNAM_TIME_ZONE } from '../time-zone.ts';

const DATE_TOKENS = /yyyy|yy|MM|M|dd|d|HH|H|mm|ss/g;
const UNIT_MS: Readonly<Record<'s' | 'm' | 'h' | 'd' | 'w', number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export interface TemplateValues {
  readonly captures: ReadonlyMap<string, string>;
  readonly now: Date;
  readonly timeZone?: string;
}

/** The text, or the first captured name that has no value. */
export function renderTemplate(template: Template, values: TemplateValues): { readonly text: string } | { readonly missing: string } {
  let text = '';
  for (const part of template.parts) {
    if (typeof part === 'string') {
      text += part;
      continue;
    }
    const rendered = renderExpression(part, values);
    if (typeof rendered !== 'string') return rendered;
    text += rendered;
  }
  return { text };
}

function renderExpression(expression: Expression, values: TemplateValues): string | { readonly missing: string } {
  let value: string | { wallMs: number; offsetMinutes: number };
  if (expression.source === 'now') {
    value = wallOf(values.now, values.timeZone ?? VIETNAM_TIME_ZONE);
  } else {
    const captured = values.captures.get(expression.source.capture);
    if (captured === undefined) return { missing: expression.source.capture };
    value = captured;
  }
  for (const filter of expression.filters) {
    if (filter.kind === 'urlencode') value = encodeURIComponent(typeof value === 'string' ? value : formatWall(value, ISO_FORMAT));
    else if (typeof value === 'string')
      continue; // compileTemplate refuses this order
    else if (filter.kind === 'add') value = { ...value, wallMs: addTo(value.wallMs, filter.amount, filter.unit) };
    else value = formatWall(value, filter.format);
  }
  return typeof value === 'string' ? value : formatWall(value, ISO_FORMAT) + offsetText(value.offsetMinutes);
}

const ISO_FORMAT = "yyyy-MM-dd'T'HH:mm:ss";

/** The wall-clock fields of the instant in the zone, as milliseconds of a UTC date with the same fields. */
function wallOf(now: Date, timeZone: string): { wallMs: number; offsetMinutes: number } {
  const wall = toWallClock(now, timeZone);
  const wallMs = Date.UTC(Number(wall.year), Number(wall.month) - 1, Number(wall.day), Number(wall.hour), Number(wall.minute), Number(wall.second));
  return { wallMs, offsetMinutes: Math.round((wallMs - Math.floor(now.getTime() / 1000) * 1000) / 60_000) };
}

/** Calendar arithmetic on wall time: "-1M" on 31 March gives the last day of February. */
function addTo(wallMs: number, amount: number, unit: AddUnit): number {
  if (unit !== 'M' && unit !== 'y') return wallMs + amount * UNIT_MS[unit];
  const date = new Date(wallMs);
  const months = unit === 'M' ? amount : amount * 12;
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.getTime();
}

/** yyyy yy MM M dd d HH H mm ss; text in single quotes is literal ('T'). */
function formatWall(value: { wallMs: number }, format: string): string {
  const date = new Date(value.wallMs);
  const pad = (number: number, width = 2): string => String(number).padStart(width, '0');
  const fields: Readonly<Record<string, string>> = {
    yyyy: pad(date.getUTCFullYear(), 4),
    yy: pad(date.getUTCFullYear() % 100),
    MM: pad(date.getUTCMonth() + 1),
    M: String(date.getUTCMonth() + 1),
    dd: pad(date.getUTCDate()),
    d: String(date.getUTCDate()),
    HH: pad(date.getUTCHours()),
    H: String(date.getUTCHours()),
    mm: pad(date.getUTCMinutes()),
    ss: pad(date.getUTCSeconds()),
  };
  return format
    .split(/('[^']*')/)
    .map((piece) =>
      piece.startsWith("'") && piece.endsWith("'") && piece.length >= 2 ? piece.slice(1, -1) : piece.replace(DATE_TOKENS, (token) => fields[token]!),
    )
    .join('');
}

function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}

/** The JSON value with every template rendered, or the first captured name without a value. */
export function renderJsonTemplate(value: JsonTemplate, values: TemplateValues): { readonly json: unknown } | { readonly missing: string } {
  switch (value.kind) {
    case 'text': {
      const rendered = renderTemplate(value.template, values);
      return 'missing' in rendered ? rendered : { json: rendered.text };
    }
    case 'value':
      return { json: value.value };
    case 'list': {
      const items: unknown[] = [];
      for (const item of value.items) {
        const rendered = renderJsonTemplate(item, values);
        if ('missing' in rendered) return rendered;
        items.push(rendered.json);
      }
      return { json: items };
    }
    case 'object': {
      const object: Record<string, unknown> = {};
      for (const [key, item] of value.entries) {
        const rendered = renderJsonTemplate(item, values);
        if ('missing' in rendered) return rendered;
        object[key] = rendered.json;
      }
      return { json: object };
    }
  }
}
