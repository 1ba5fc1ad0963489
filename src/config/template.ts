// Template text of flow steps: `{{name}}` reads a value an earlier step captured, `{{now}}` the
// clock, and filters transform it: `{{now | add "-1d" | date "yyyyMMdd"}}`, `{{token | urlencode}}`.
// Compiled here once when the config loads (syntax errors and the names used are known then);
// rendered on every probe by src/probes/template.ts. `${…}` secrets are expanded before this
// module sees the text; they are plain literal text here.

export type Filter =
  | { readonly kind: 'add'; readonly amount: number; readonly unit: AddUnit }
  | { readonly kind: 'date'; readonly format: string }
  | { readonly kind: 'urlencode' };

export interface Expression {
  /** `now`, or a capture's name. */
  readonly source: 'now' | { readonly capture: string };
  readonly filters: readonly Filter[];
}

export interface Template {
  readonly source: string;
  /** Literal text and expressions, in order. */
  readonly parts: readonly (string | Expression)[];
}

export type AddUnit = 's' | 'm' | 'h' | 'd' | 'w' | 'M' | 'y';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ADD = /^([+-]?\d+)(s|m|h|d|w|M|y)$/;

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
      throw new Error(`${path}: ${(error as Error).message}`, { cause: error });
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
