// Template text of flow steps: `{{name}}` reads a value an earlier step captured, `{{now}}` the
// clock, and filters transform it: `{{now | add "-1d" | date "yyyyMMdd"}}`, `{{token | urlencode}}`.
// Compiled once when the config loads (syntax errors and the names used are known then), rendered
// on every probe. Dates are wall-clock fields of a time zone (Asia/Ho_Chi_Minh by default), so
// "this month" follows the local calendar whatever the process's TZ. `${…}` secrets are expanded
// before this module sees the text; they are plain literal text here.
import { toWallClock, VIETNAM_TIME_ZONE } from '../time-zone.ts';

type Filter =
  | { readonly kind: 'add'; readonly amount: number; readonly unit: AddUnit }
  | { readonly kind: 'date'; readonly format: string }
  | { readonly kind: 'urlencode' };

interface Expression {
  /** `now`, or a capture's name. */
  readonly source: 'now' | { readonly capture: string };
  readonly filters: readonly Filter[];
}

export interface Template {
  readonly source: string;
  /** Literal text and expressions, in order. */
  readonly parts: readonly (string | Expression)[];
}

type AddUnit = 's' | 'm' | 'h' | 'd' | 'w' | 'M' | 'y';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ADD = /^([+-]?\d+)(s|m|h|d|w|M|y)$/;
const DATE_TOKENS = /yyyy|yy|MM|M|dd|d|HH|H|mm|ss/g;
const UNIT_MS: Readonly<Record<'s' | 'm' | 'h' | 'd' | 'w', number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Compiles template text; throws an Error whose message says what is wrong and where. */
export function compileTemplate(source: string): Template {
  const parts: (string | Expression)[] = [];
  let at = 0;
  while (at < source.length) {
    const open = source.indexOf('{{', at);
    if (open === -1) {
      parts.push(source.slice(at));
      break;
    }
    if (open > at) parts.push(source.slice(at, open));
    const close = source.indexOf('}}', open + 2);
    if (close === -1) throw new Error(`"{{" at character ${open + 1} is never closed with "}}"`);
    parts.push(compileExpression(source.slice(open + 2, close).trim(), open + 1));
    at = close + 2;
  }
  return { source, parts };
}

function compileExpression(text: string, position: number): Expression {
  const [head = '', ...rest] = splitPipes(text);
  const name = head.trim();
  if (!NAME.test(name)) throw new Error(`"{{${text}}}" at character ${position}: expected a captured name or now, e.g. {{token}} or {{now | date "yyyy-MM"}}`);
  const isTime = name === 'now';
  const filters = rest.map((part) => compileFilter(part.trim(), position));
  let time = isTime;
  for (const filter of filters) {
    if (filter.kind === 'add' && !time) throw new Error(`"{{${text}}}" at character ${position}: add applies to now, before date`);
    if (filter.kind === 'date' && !time) throw new Error(`"{{${text}}}" at character ${position}: date applies to now, once`);
    if (filter.kind === 'date' || filter.kind === 'urlencode') time = false;
  }
  return { source: isTime ? 'now' : { capture: name }, filters };
}

/** Splits on `|` outside double quotes. */
function splitPipes(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const character of text) {
    if (character === '"') quoted = !quoted;
    if (character === '|' && !quoted) {
      parts.push(current);
      current = '';
    } else current += character;
  }
  parts.push(current);
  return parts;
}

function compileFilter(text: string, position: number): Filter {
  const match = /^([a-z]+)(?:\s+"([^"]*)")?$/.exec(text);
  const where = `at character ${position}`;
  if (!match) throw new Error(`filter "${text}" ${where} is malformed; write e.g. date "yyyy-MM" or add "-1d"`);
  const [, name, argument] = match;
  switch (name) {
    case 'date':
      if (argument === undefined || argument === '') throw new Error(`filter date ${where} needs a format, e.g. date "yyyy-MM"`);
      return { kind: 'date', format: argument };
    case 'add': {
      const amount = ADD.exec(argument ?? '');
      if (!amount) throw new Error(`filter add ${where} needs an amount with a unit (s, m, h, d, w, M, y), e.g. add "-1d"`);
      return { kind: 'add', amount: Number(amount[1]), unit: amount[2] as AddUnit };
    }
    case 'urlencode':
      if (argument !== undefined) throw new Error(`filter urlencode ${where} takes no argument`);
      return { kind: 'urlencode' };
    default:
      throw new Error(`unknown filter "${name}" ${where}; known: date, add, urlencode`);
  }
}

/** The captured names the template reads, in order of appearance. */
export function templateNames(template: Template): string[] {
  const names: string[] = [];
  for (const part of template.parts) if (typeof part !== 'string' && part.source !== 'now') names.push(part.source.capture);
  return names;
}

/** Whether the template has no expression: its source is its only possible text. */
export function isLiteral(template: Template): boolean {
  return template.parts.every((part) => typeof part === 'string');
}

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

/** A JSON body whose strings are templates; numbers, booleans and null are sent as they are. */
export type JsonTemplate =
  | { readonly kind: 'text'; readonly template: Template }
  | { readonly kind: 'value'; readonly value: number | boolean | null }
  | { readonly kind: 'list'; readonly items: readonly JsonTemplate[] }
  | { readonly kind: 'object'; readonly entries: readonly (readonly [string, JsonTemplate])[] };

/** Compiles every string of a JSON value; throws like compileTemplate, naming the JSON path of the bad string. */
export function compileJsonTemplate(value: unknown, path = '$'): JsonTemplate {
  if (typeof value === 'string') {
    try {
      return { kind: 'text', template: compileTemplate(value) };
    } catch (error) {
      throw new Error(`${path}: ${(error as Error).message}`);
    }
  }
  if (Array.isArray(value)) return { kind: 'list', items: value.map((item, index) => compileJsonTemplate(item, `${path}[${index}]`)) };
  if (value !== null && typeof value === 'object') {
    return { kind: 'object', entries: Object.entries(value).map(([key, item]) => [key, compileJsonTemplate(item, `${path}.${key}`)] as const) };
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return { kind: 'value', value };
  throw new Error(`${path}: not a JSON value`);
}

/** The templates of a JSON body, in document order. */
export function jsonTemplates(value: JsonTemplate): Template[] {
  switch (value.kind) {
    case 'text':
      return [value.template];
    case 'value':
      return [];
    case 'list':
      return value.items.flatMap(jsonTemplates);
    case 'object':
      return value.entries.flatMap(([, item]) => jsonTemplates(item));
  }
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
